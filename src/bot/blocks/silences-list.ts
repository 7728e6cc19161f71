import type { types } from '@slack/bolt';
import { isEndedEarly, isInForce, type Silence } from '../../noise/silence.js';
import { escapeMrkdwn } from '../slack-text.js';
import { listSections, shortenVisibly } from './fit-list.js';
import { actorMention } from './mentions.js';
import { slackDate } from '../../core/format-time.js';

/** Sections the list may fill before the rest are counted ("…and N more"). */
const SILENCE_SECTIONS = 20;
/** A reason is at most 500 characters (MAX_SILENCE_REASON); bounded here again by construction. */
const REASON_CHARS = 500;

function line(silence: Silence, now: number): string {
  const check = `\`${escapeMrkdwn(silence.checkId)}\``;
  if (isEndedEarly(silence, now)) {
    const endedBy = silence.endedBy ? ` by ${actorMention(silence.endedBy)}` : '';
    return `:bell: ${check} maintenance window ended early ${slackDate(silence.endedAt ?? now)}${endedBy} (configured until ${slackDate(silence.until)}): ${shortenVisibly(escapeMrkdwn(silence.reason), REASON_CHARS)}`;
  }
  const by = silence.by ? `by ${actorMention(silence.by)}` : 'maintenance window';
  const when = isInForce(silence, now)
    ? `until ${slackDate(silence.until)}`
    : `from ${slackDate(silence.since)} until ${slackDate(silence.until)}`;
  const icon = isInForce(silence, now) ? ':no_bell:' : ':calendar:';
  return `${icon} ${check} ${when}, ${by}: ${shortenVisibly(escapeMrkdwn(silence.reason), REASON_CHARS)}`;
}

/**
 * `/dr silences`: silences in force, then maintenance windows still to come, soonest end first,
 * then windows `/dr unsilence` ended early (until their configured end).
 */
export function silencesList(silences: readonly Silence[], now: number): { text: string; blocks: types.KnownBlock[] } {
  const inForce = silences.filter((s) => isInForce(s, now));
  const endedEarly = silences.filter((s) => isEndedEarly(s, now));
  const upcoming = silences.filter((s) => !isInForce(s, now) && !isEndedEarly(s, now) && s.until > now);
  const ordered = [...inForce, ...upcoming, ...endedEarly];
  const summary = `${inForce.length} in force, ${upcoming.length} to come${endedEarly.length > 0 ? `, ${endedEarly.length} ended early` : ''}`;
  const empty = 'Nothing is silenced, and no maintenance window is to come.';
  return {
    text: ordered.length === 0 ? empty : `Silences: ${summary}`,
    blocks: listSections(
      `*Silences (${summary})*`,
      ordered.map((s) => line(s, now)),
      { maxSections: SILENCE_SECTIONS, empty },
    ),
  };
}
