import type { Incident } from '../../core/incident.js';
import { isAtOrAbove, type Severity } from '../../core/severity.js';
import { pagerDutySeverity } from '../../paging/build-event.js';
import type { PagingState } from '../../paging/paging-state.js';
import { escapeMrkdwn } from '../slack-text.js';
import { userMention } from './mentions.js';

/** What the paging line is built from. */
export interface PagingLineInput {
  incident: Incident;
  /** The incident's paging state in the store; null when paging never touched it. */
  state: PagingState | null;
  /** `pagerduty.pageAt`: incidents below it are paged only by escalation or by hand. */
  pageAt: Severity;
}

/** Longest PagerDuty or network reason quoted in the line; the log has the whole of it. */
export const MAX_PAGING_REASON_CHARS = 300;

/**
 * One mrkdwn line saying where paging stands for an incident ("Paged PagerDuty 12:04 UTC
 * (critical)", "Will page at 12:30 UTC if nobody acknowledges"), or null when there is nothing
 * true to say yet (at or above pageAt, before the pager recorded anything). Pure.
 */
export function pagingLine(input: PagingLineInput): string | null {
  const { incident, state, pageAt } = input;
  const notPaged = `:pager: Not paged (below ${pageAt})`;
  if (!state) return isAtOrAbove(incident.severity, pageAt) ? null : notPaged;
  const base = baseLine(state, incident, notPaged);
  const { retrying } = state;
  if (!retrying) return base;
  const retry = `${quote(retrying.lastError)} — retrying at ${slackTime(retrying.nextAttemptAt)} (${attempts(retrying.attempts)} so far)`;
  // Queued: the trigger itself is failing. Otherwise an acknowledge, resolve or re-trigger is.
  if (state.status === 'queued') return `:warning: Paging failed: ${retry}`;
  return `${base} · :warning: updating PagerDuty failed: ${retry}`;
}

function baseLine(state: PagingState, incident: Incident, notPaged: string): string {
  switch (state.status) {
    case 'scheduled':
      // Acknowledging or resolving cancels the escalation; the store may still say scheduled
      // for a moment while the pager catches up.
      if (incident.state !== 'open' || state.escalationDueAt === undefined) return notPaged;
      return `:pager: Will page at ${slackTime(state.escalationDueAt)} if nobody acknowledges`;
    case 'queued':
      return `:pager: Paging PagerDuty (${eventSeverity(incident)})${by(state)}…`;
    case 'triggered':
      return `:pager: Paged PagerDuty ${slackTime(state.at)} (${eventSeverity(incident)})${by(state)}`;
    case 'acknowledged':
      return `:pager: PagerDuty acknowledged ${slackTime(state.at)}`;
    case 'resolved':
      return `:pager: PagerDuty alert resolved ${slackTime(state.at)}`;
    case 'failed':
      return `:warning: Paging failed: ${quote(state.reason)}`;
  }
}

/**
 * The severity PagerDuty shows. Triggers go out on opening and on each escalation at or above
 * pageAt, never on de-escalation, so the alert carries the worst severity reached: the peak.
 */
function eventSeverity(incident: Incident): string {
  return pagerDutySeverity(incident.peakSeverity);
}

function by(state: PagingState): string {
  return state.actor ? ` by ${userMention(state.actor)}` : '';
}

/** PagerDuty's and the network's words, shortened and escaped so they never become markup. */
function quote(text: string): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  const short = chars.length > MAX_PAGING_REASON_CHARS ? `${chars.slice(0, MAX_PAGING_REASON_CHARS - 1).join('')}…` : chars.join('');
  return escapeMrkdwn(short);
}

function attempts(count: number): string {
  return count === 1 ? '1 attempt' : `${count} attempts`;
}

/**
 * A clock time Slack shows in each reader's timezone (`<!date^…^{time}|…>`), falling back to
 * `12:04 UTC`. `epochMs` is milliseconds; Slack wants seconds.
 */
export function slackTime(epochMs: number): string {
  const seconds = Math.floor(epochMs / 1000);
  return `<!date^${seconds}^{time}|${new Date(epochMs).toISOString().slice(11, 16)} UTC>`;
}
