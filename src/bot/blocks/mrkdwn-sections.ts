import type { types } from '@slack/bolt';
import { MAX_SECTION_TEXT } from './block-kit-limits.js';

/** A piece of mrkdwn to show whole: text (already escaped), or the escaped content of a code block. */
export type MrkdwnPiece = { text: string } | { code: string };

/** Put before every code-block chunk after the first, so a reader knows it goes on. */
export const CONTINUED_LABEL = '(continued)';

const FENCE = '```';
/** How far back from the limit a cut looks for a space or comma, so words stay whole when they can. */
const WORD_BREAK_WINDOW = 200;
const ENTITIES = ['&amp;', '&lt;', '&gt;'];
/** Slack markup we emit ourselves (`<@U1>`, `<!date^…|…>`) is far shorter than this. */
const MARKUP_WINDOW = 300;

/**
 * Where to cut `text` so its head is at most `max` long and nothing is broken: not a surrogate
 * pair, not an HTML entity (`&amp;`), not our own `<…>` markup, never beside a backtick inside
 * code (a fence beside one would read as four backticks), and after a space or comma when there
 * is one near. Always at least 1, so splitting always progresses.
 */
export function safeCut(text: string, max: number, inCode = false): number {
  if (text.length <= max) return text.length;
  let at = keepWhole(text, max, inCode);
  // Short texts (a button) keep as much as they can; long ones (a section) prefer whole words.
  const window = text.slice(Math.max(0, at - Math.min(WORD_BREAK_WINDOW, Math.floor(max / 5))), at);
  const soft = Math.max(window.lastIndexOf(' '), window.lastIndexOf(','));
  if (soft > 0) {
    const candidate = at - window.length + soft + 1;
    if (keepWhole(text, candidate, inCode) === candidate) at = candidate;
  }
  if (at > 0) return at;
  const high = text.charCodeAt(0) >= 0xd800 && text.charCodeAt(0) <= 0xdbff;
  return Math.min(high ? 2 : 1, text.length);
}

/** Moves a cut back until it breaks nothing; may reach 0. */
function keepWhole(text: string, cut: number, inCode: boolean): number {
  let at = cut;
  for (;;) {
    const before = at;
    const prev = text.charCodeAt(at - 1);
    if (prev >= 0xd800 && prev <= 0xdbff) at -= 1;
    const amp = text.lastIndexOf('&', at - 1);
    if (amp !== -1 && ENTITIES.some((e) => text.startsWith(e, amp) && amp + e.length > at)) at = amp;
    const open = text.lastIndexOf('<', at - 1);
    if (open !== -1 && at - open < MARKUP_WINDOW) {
      const close = text.indexOf('>', open);
      if (close !== -1 && close >= at) at = open;
    }
    if (inCode) while (at > 0 && (text[at - 1] === '`' || text[at] === '`')) at -= 1;
    if (at === before || at <= 0) return Math.max(at, 0);
  }
}

/** Splits one line into pieces of at most `max`, at safe cut points. */
function splitLine(line: string, max: number, inCode = false): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > max) {
    const at = safeCut(rest, max, inCode);
    out.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  if (rest.length > 0 || out.length === 0) out.push(rest);
  return out;
}

/**
 * Packs pieces into section texts of at most `limit` characters, losing nothing: lines stay whole
 * where they fit, a longer line is split inside it (never inside an entity or markup), and a code
 * block longer than a section becomes several complete ``` fences, each after the first labelled
 * "(continued)". Joining the texts gives back every character of every piece.
 */
export function mrkdwnSectionTexts(pieces: MrkdwnPiece[], limit = MAX_SECTION_TEXT): string[] {
  const out: string[] = [];
  let current = '';
  const add = (line: string) => {
    if (current === '') current = line;
    else if (current.length + 1 + line.length <= limit) current = `${current}\n${line}`;
    else {
      out.push(current);
      current = line;
    }
  };
  for (const piece of pieces) {
    if ('text' in piece) {
      for (const line of piece.text.split('\n')) {
        if (line.length <= limit) add(line);
        else splitLine(line, limit).forEach(add);
      }
      continue;
    }
    const whole = `${FENCE}${piece.code}${FENCE}`;
    if (whole.length <= limit) {
      add(whole);
      continue;
    }
    const first = limit - 2 * FENCE.length;
    const later = first - CONTINUED_LABEL.length - 1;
    const head = splitLine(piece.code, first, true)[0] ?? '';
    add(`${FENCE}${head}${FENCE}`);
    for (const chunk of splitLine(piece.code.slice(head.length), later, true)) {
      if (chunk !== '') add(`${CONTINUED_LABEL}\n${FENCE}${chunk}${FENCE}`);
    }
  }
  if (current !== '') out.push(current);
  return out.filter((text) => text.trim() !== '');
}

/** A mrkdwn section; the caller guarantees the text fits (see `mrkdwnSections`). */
export function mrkdwnSection(text: string, blockId?: string): types.SectionBlock {
  return { type: 'section', ...(blockId ? { block_id: blockId } : {}), text: { type: 'mrkdwn', text } };
}

/** As many sections as the pieces need, every character shown. */
export function mrkdwnSections(pieces: MrkdwnPiece[] | string): types.SectionBlock[] {
  const list = typeof pieces === 'string' ? [{ text: pieces }] : pieces;
  return mrkdwnSectionTexts(list).map((text) => mrkdwnSection(text));
}
