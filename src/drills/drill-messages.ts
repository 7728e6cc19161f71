import type { types } from '@slack/bolt';
import { shortenVisibly } from '../bot/blocks/fit-list.js';
import { escapeMrkdwn } from '../bot/slack-text.js';
import { formatDurationHms } from '../core/format-time.js';
import type { DrillOutcome, DrillResult } from './drill-outcome.js';

/** A section's text is at most 3,000 characters (Block Kit, section `text`). */
export const SECTION_CHARS = 3_000;
/** Message `text` (the notification fallback): Slack truncates past 40,000; nobody reads past this. */
const FALLBACK_CHARS = 3_000;

const ICON: Record<DrillResult, string> = {
  passed: ':white_check_mark:',
  'missed-rto': ':warning:',
  invalid: ':x:',
  failed: ':x:',
  interrupted: ':boom:',
};

function section(text: string): types.SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: shortenVisibly(text, SECTION_CHARS) } };
}

export interface DrillMessage {
  text: string;
  blocks: types.KnownBlock[];
}

/** The drill's message in `slack.channel` while it runs. */
export function drillStartedMessage(input: { drill: string; runId: string; runbook: string; actor?: string }): DrillMessage {
  const by = input.actor ? `started by <@${input.actor}>` : 'started by its schedule';
  const text = `:hourglass_flowing_sand: Drill ${input.drill} (${input.runId}) is running: restore runbook ${input.runbook}, ${by}. Progress in the thread.`;
  const escaped = escapeMrkdwnExceptMention(text);
  return { text: shortenVisibly(escaped, FALLBACK_CHARS), blocks: [section(escaped)] };
}

/** The same message once the drill ended: the outcome, the measured time against rto, what was left behind. */
export function drillFinishedMessage(outcome: DrillOutcome): DrillMessage {
  const measured =
    outcome.restoreMs !== undefined
      ? `restored in *${formatDurationHms(outcome.restoreMs)}*${outcome.rtoMs !== undefined ? ` (rto ${formatDurationHms(outcome.rtoMs)})` : ''}`
      : 'not restored';
  const head = `${ICON[outcome.result]} *Drill ${escapeMrkdwn(outcome.drill)}* (${outcome.runId}) *${outcome.result}*: ${measured}.`;
  const body = escapeMrkdwn(outcome.summary);
  // The fallback text is a notification too: a webhook answer quoting <!channel> must stay text there.
  return { text: shortenVisibly(body, FALLBACK_CHARS), blocks: [section(head), section(body)] };
}

/** A thread entry: one step's progress. */
export function drillProgressMessage(text: string): DrillMessage {
  const escaped = escapeMrkdwn(text);
  return { text: shortenVisibly(escaped, FALLBACK_CHARS), blocks: [section(escaped)] };
}

// The user mention must stay a mention; everything else is plain text.
function escapeMrkdwnExceptMention(text: string): string {
  return text
    .split(/(<@[UW][A-Z0-9]+>)/)
    .map((part, i) => (i % 2 === 1 ? part : escapeMrkdwn(part)))
    .join('');
}
