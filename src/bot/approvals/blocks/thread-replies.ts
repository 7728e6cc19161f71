import { formatAge, formatDurationHms } from '../../../core/format-time.js';
import type { ProgressEvent } from '../../../actions/progress-reporter.js';
import type { ApprovalChange } from '../../../approvals/approval-engine.js';
import { userMention } from '../../blocks/mentions.js';
import { figuresText, interruptedWhere } from './approval-state-words.js';
import { MAX_MESSAGE_TEXT } from '../../blocks/block-kit-limits.js';
import { shortenVisibly } from '../../blocks/fit-list.js';
import { literal } from './plan-blocks.js';

/** Room left for a reply's own words around the runner's message, within Slack's message text limit. */
const REPLY_MESSAGE_CHARS = MAX_MESSAGE_TEXT - 500;

/**
 * The thread reply for an approval transition (mrkdwn), or null when another source tells it:
 * `requested` is the message itself; steps and outcomes come from the runner's progress reports
 * (see `progressReply`), the outcome also from here (`outcomeReply`) so a run whose runner died
 * without reporting still gets one.
 */
export function transitionReply(change: ApprovalChange): string | null {
  const { approval, actor } = change;
  switch (change.transition) {
    case 'approved': {
      const count = approval.approvals.length;
      const who = actor ? userMention(actor) : 'an approver';
      const missing = Math.max(0, approval.requiredApprovals - count);
      const next = missing === 0 ? 'Starting now.' : `${missing} more approval${missing === 1 ? '' : 's'} needed.`;
      return `:+1: Approved by ${who} (${count} of ${approval.requiredApprovals}). ${next}`;
    }
    case 'rejected': {
      const by = approval.rejection?.userId ?? actor;
      const verb = by !== undefined && by === approval.requester ? 'Withdrawn' : 'Rejected';
      const reason = approval.rejection?.reason ? `: ${literal(approval.rejection.reason)}` : '';
      return `:no_entry: ${verb} by ${by ? userMention(by) : 'someone'}${reason}. Nothing will run.`;
    }
    case 'expired':
      return `:hourglass: Expired after ${formatAge(approval.expiresAt - approval.createdAt)} without enough approvals. Nothing ran; Approve no longer works. Request it again if it is still needed.`;
    case 'started':
      return ':rocket: Execution started. Pre-flight checks run again before the first step.';
    case 'interrupted':
      return (
        `:warning: Interrupted ${interruptedWhere(approval)}: the Lifeboat process running it stopped. Nothing was re-run. ` +
        'Its locks stay held, since AWS may still be working on it, until someone checks the state in AWS and presses *Release locks* on the request.'
      );
    case 'released': {
      const by = approval.locksReleased?.userId ?? actor;
      const to = approval.locksReleased?.handedTo;
      if (to)
        return `:arrow_right: Locks handed over to ${to}, requested by ${by ? userMention(by) : 'someone'}; nothing else can use its resources meanwhile.`;
      return `:unlock: Locks released by ${by ? userMention(by) : 'someone'}; new requests can use its resources. Nothing was run.`;
    }
    case 'requested':
    case 'step-started':
    case 'step-done':
    case 'succeeded':
    case 'failed':
      return null;
  }
}

const FINISHED_EMOJI = { succeeded: ':white_check_mark:', failed: ':x:', refused: ':no_entry:', interrupted: ':warning:' } as const;

/**
 * The outcome reply for a run that ended (succeeded / failed), from the engine's record: the
 * runner's summary (which states the RTO and, for failover, the data-loss window), or the
 * measured figures when the run ended without one.
 */
export function outcomeReply(change: ApprovalChange): string | null {
  const { approval } = change;
  if (change.transition !== 'succeeded' && change.transition !== 'failed') return null;
  const emoji = FINISHED_EMOJI[change.transition];
  if (approval.run?.message) return `${emoji} ${shortenVisibly(literal(approval.run.message), REPLY_MESSAGE_CHARS)}`;
  return `${emoji} *${change.transition === 'succeeded' ? 'Succeeded' : 'Failed'}* ${figuresText(approval)}.`;
}

/**
 * The line the original run's thread gets when a resume or DNS revert of it is requested, so
 * the two link both ways (the new request's plan names the original). Null for other requests.
 */
export function linkedRequestReply(change: ApprovalChange): { originalId: string; text: string } | null {
  if (change.transition !== 'requested') return null;
  const { plan, id, requester } = change.approval;
  const original = plan.resumes?.approvalId ?? plan.reverts?.approvalId;
  if (!original) return null;
  const what = plan.resumes ? 'Resumed as' : 'DNS revert requested as';
  return { originalId: original, text: `:link: ${what} ${id} by ${userMention(requester)}; see that request for its plan and approval.` };
}

/** The thread reply for one progress report of the runner (mrkdwn). */
export function progressReply(event: ProgressEvent): string {
  const message = shortenVisibly(literal(event.message), REPLY_MESSAGE_CHARS);
  switch (event.type) {
    case 'step-started':
      return `:arrow_forward: Step \`${literal(event.stepId)}\` started: ${message}`;
    case 'step-done':
      return `:heavy_check_mark: Step \`${literal(event.stepId)}\` done in ${formatDurationHms(event.elapsedMs)}: ${message}`;
    case 'step-failed':
      return `:x: Step \`${literal(event.stepId)}\` failed (${literal(event.code)}): ${message}`;
    case 'finished':
      return `${FINISHED_EMOJI[event.outcome.status]} ${message}`;
  }
}
