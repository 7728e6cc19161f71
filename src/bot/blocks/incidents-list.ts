import type { types } from '@slack/bolt';
import type { Incident } from '../../core/incident.js';
import { escapeMrkdwn } from '../slack-text.js';
import { listSections, shortenVisibly } from './fit-list.js';
import { formatAge, slackDate } from '../../core/format-time.js';
import { byActor, severityEmoji } from './mentions.js';
import type { Silence } from '../../noise/silence.js';
import { silencedSuffix } from './silence-marker.js';

/** Characters of an incident's summary a list line shows; the incident's own message has more. */
export const LIST_SUMMARY_CHARS = 150;
/** Sections the open incidents may fill before the rest are counted ("…and N more"). */
const OPEN_SECTIONS = 4;

/**
 * `/dr incidents`: open ones with their state (and the silence muting their check, from
 * `silenced`: check id -> silence in force), then the most recent resolved ones. Every list ends
 * with "…and N more" when it is cut.
 */
export function incidentsList(
  open: Incident[],
  recentlyResolved: Incident[],
  silenced: ReadonlyMap<string, Silence> = new Map(),
): { text: string; blocks: types.KnownBlock[] } {
  const openLines = open.map(
    (i) =>
      `${severityEmoji(i.severity)} *${i.id}* ${i.severity} \`${escapeMrkdwn(i.checkId)}\` — ${shortenVisibly(escapeMrkdwn(i.summary), LIST_SUMMARY_CHARS)} · since ${slackDate(i.openedAt)}` +
      (i.acknowledgedBy ? ` · acknowledged ${byActor(i.acknowledgedBy)}` : ' · not acknowledged') +
      silencedSuffix(i.checkId, silenced),
  );
  const resolvedLines = recentlyResolved.map(
    (i) =>
      `:white_check_mark: *${i.id}* ${i.peakSeverity} \`${escapeMrkdwn(i.checkId)}\` — resolved ${slackDate(i.resolvedAt ?? i.updatedAt)} after ${formatAge((i.resolvedAt ?? i.updatedAt) - i.openedAt)}`,
  );
  const blocks: types.KnownBlock[] = listSections(`*Open incidents (${open.length})*`, openLines, { maxSections: OPEN_SECTIONS });
  if (resolvedLines.length > 0) blocks.push(...listSections('*Recently resolved*', resolvedLines, { maxSections: 1 }));
  return { text: `${open.length} open incident${open.length === 1 ? '' : 's'}`, blocks };
}
