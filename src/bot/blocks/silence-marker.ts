import { slackDate } from '../../core/format-time.js';
import type { Silence } from '../../noise/silence.js';
import { escapeMrkdwn } from '../slack-text.js';
import { shortenVisibly } from './fit-list.js';
import { actorMention } from './mentions.js';

/** A silence reason is at most 500 characters (MAX_SILENCE_REASON, and a window's in the config); bounded here again by construction. */
export const SILENCE_REASON_CHARS = 500;

/** Characters of a silence reason a list line shows; the incident's own message shows it whole. */
export const LIST_SILENCE_REASON_CHARS = 150;

/**
 * ":no_bell: Silenced until … by @U (reason)", or "by a maintenance window (reason)": the one way
 * every place that shows an incident says its check is muted (SPEC §9: marked silenced, with the
 * end time), so the incident message and the lists never disagree. Lists pass a shorter reason.
 */
export function silenceMarker(silence: Silence, reasonChars = SILENCE_REASON_CHARS): string {
  const by = silence.by ? `by ${actorMention(silence.by)}` : 'by a maintenance window';
  const reason = shortenVisibly(escapeMrkdwn(silence.reason), reasonChars);
  return `:no_bell: Silenced until ${slackDate(silence.until)} ${by} (${reason})`;
}

/** " · :no_bell: Silenced until … (reason)" for a list line when the check is muted now (`silenced`: check id -> silence in force); empty otherwise. */
export function silencedSuffix(checkId: string, silenced: ReadonlyMap<string, Silence>): string {
  const silence = silenced.get(checkId);
  return silence ? ` · ${silenceMarker(silence, LIST_SILENCE_REASON_CHARS)}` : '';
}
