import { formatAge, slackDate } from '../core/format-time.js';
import type { Incident } from '../core/incident.js';
import { shortenVisibly } from '../bot/blocks/fit-list.js';
import { escapeMrkdwn } from '../bot/slack-text.js';

/** A summary in a thread line: enough to read; a backup summary can list every failed snapshot. */
const SUMMARY_CHARS = 1000;

/** "still failing since …, 2h; SEV2; HTTP 503" (SPEC §9), as a thread line. */
export function reminderText(incident: Incident, now: number): string {
  const acked = incident.state === 'acknowledged' ? ' (acknowledged; this is its only reminder)' : '';
  return `:alarm_clock: Still failing since ${slackDate(incident.openedAt)}, ${formatAge(now - incident.openedAt)}; *${incident.severity}*; ${shortenVisibly(escapeMrkdwn(incident.summary), SUMMARY_CHARS)}${acked}`;
}

/** The thread line of an incident announced when its silence ended. */
export function silenceEndedText(incident: Incident, now: number): string {
  return `:loud_sound: No longer silenced and still failing since ${slackDate(incident.openedAt)}, ${formatAge(now - incident.openedAt)}; *${incident.severity}*; ${shortenVisibly(escapeMrkdwn(incident.summary), SUMMARY_CHARS)}. Paged by policy now.`;
}
