import { MAX_SECTION_TEXT } from './block-kit-limits.js';
import { mrkdwnSection, safeCut } from './mrkdwn-sections.js';
import type { types } from '@slack/bolt';

const ELLIPSIS = '…';

/**
 * `text` (escaped mrkdwn) within `max` characters; a longer one is cut where nothing breaks
 * (entity, markup, surrogate pair) and ends with "…", so the shortening shows.
 */
export function shortenVisibly(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, safeCut(text, max - ELLIPSIS.length))}${ELLIPSIS}`;
}

/** "…and 13 more", the line a shortened list ends with. */
export function andMore(count: number): string {
  return `${ELLIPSIS}and ${count} more`;
}

/** What a list fitted into sections shows. */
export interface FittedList {
  texts: string[];
  /** Entries shown whole; the rest are counted in the "…and N more" line. */
  shown: number;
}

/**
 * A titled list in at most `maxSections` mrkdwn sections: as many whole entries as fit, in order,
 * then "…and N more" with the exact count of those left out. An entry longer than a section is
 * shortened visibly first. `empty` is shown when there are no entries.
 */
export function fitList(title: string, entries: string[], options: { maxSections: number; empty?: string; limit?: number }): FittedList {
  const limit = options.limit ?? MAX_SECTION_TEXT;
  const reserve = andMore(entries.length).length + 1;
  const lines = entries.map((e) => shortenVisibly(e, limit - title.length - reserve - 1));
  if (lines.length === 0) return { texts: [`${title}\n${options.empty ?? 'none'}`], shown: 0 };
  const sections: string[][] = [[title]];
  const size = (s: string[]) => s.reduce((n, l) => n + l.length, 0) + s.length - 1;
  let shown = 0;
  for (const line of lines) {
    const last = sections[sections.length - 1] as string[];
    if (size(last) + 1 + line.length <= limit) last.push(line);
    else if (sections.length < options.maxSections) sections.push([line]);
    else break;
    shown += 1;
  }
  if (shown < lines.length) {
    const last = sections[sections.length - 1] as string[];
    // The count line must fit too: give up whole entries (never part of one) until it does.
    while (size(last) + 1 + andMore(lines.length - shown).length > limit && last.length > 1) {
      last.pop();
      shown -= 1;
    }
    last.push(andMore(lines.length - shown));
  }
  return { texts: sections.map((s) => s.join('\n')), shown };
}

/** `fitList` as section blocks. */
export function listSections(title: string, entries: string[], options: { maxSections: number; empty?: string }): types.SectionBlock[] {
  return fitList(title, entries, options).texts.map((text) => mrkdwnSection(text));
}
