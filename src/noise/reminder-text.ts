import { formatDurationWords, slackDate } from '../core/format-time.js';
import type { Incident } from '../core/incident.js';
import { shortenVisibly } from '../bot/blocks/fit-list.js';
import { byActor } from '../bot/blocks/mentions.js';
import { escapeMrkdwn } from '../bot/slack-text.js';

/** A summary in a thread line: enough to read; a backup summary can list every failed snapshot. */
const SUMMARY_CHARS = 1000;

/**
 * "still failing since …, 2 h; *SEV2*; HTTP 503", in the SPEC's own words (§9), as a thread line.
 * An acknowledged incident is still reminded, and says who has it, so nobody reads it as unowned.
 */
export function reminderText(incident: Incident, now: number): string {
  const owner = incident.state === 'acknowledged' ? `${acknowledgedWords(incident)}; ` : '';
  return `:alarm_clock: still failing since ${failingSince(incident, now)}; *${incident.severity}*; ${owner}${summary(incident)}`;
}

/** The thread line of an incident announced when its silence ended. */
export function silenceEndedText(incident: Incident, now: number): string {
  return `:loud_sound: No longer silenced and still failing since ${failingSince(incident, now)}; *${incident.severity}*; ${summary(incident)}. Paged by policy now.`;
}

/** "<date>, 2 h 30 min": both lines quote SPEC §9, so both write the elapsed time as it does. */
function failingSince(incident: Incident, now: number): string {
  return `${slackDate(incident.openedAt)}, ${formatDurationWords(now - incident.openedAt)}`;
}

/** "acknowledged <date> by <@U123>" (or "in PagerDuty by Jane Doe"); whichever part is known. */
function acknowledgedWords(incident: Incident): string {
  const when = incident.acknowledgedAt === undefined ? '' : ` ${slackDate(incident.acknowledgedAt)}`;
  const who = incident.acknowledgedBy === undefined ? '' : ` ${byActor(incident.acknowledgedBy)}`;
  return `acknowledged${when}${who}`;
}

function summary(incident: Incident): string {
  return shortenVisibly(escapeMrkdwn(incident.summary), SUMMARY_CHARS);
}
