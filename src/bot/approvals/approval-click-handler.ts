import type { ViewOutput } from '@slack/bolt';
import type { ApprovalEngine, ApproveResult, RejectResult, ReleaseResult } from '../../approvals/approval-engine.js';
import { refusal } from '../../approvals/approval-refusal.js';
import { checkApprove, confirmationMatches } from '../../approvals/approval-rules.js';
import { approvalsMissing } from '../../approvals/approval.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../observability/logger.js';
import type { Reply, SubmitAction } from '../bot-ports.js';
import type { Permissions } from '../permissions.js';
import { actorOf } from '../requester.js';
import { isSameMessage, type ClickedMessage } from '../clicked-message.js';
import type { Requester } from '../requester.js';
import type { SlackGateway } from '../slack-gateway.js';
import { internalFailure, notOurButton, permissionRefusal } from '../user-messages.js';
import { isApprovalId } from './approval-action-ids.js';
import type { ApprovalMessageRefs } from './approval-message-refs.js';
import type { ApproverSync } from './approver-sync.js';
import { confirmModal, parseConfirmSubmission, type ConfirmMetadata } from './blocks/confirm-modal.js';

export interface ApprovalClickHandlerDeps {
  approvals: Pick<ApprovalEngine, 'get' | 'approve' | 'reject' | 'release'>;
  /** Who may press Resume: operators, as for `/dr resume`. */
  operators: Pick<Permissions, 'operatorVerdict'>;
  /** Where Resume sends its request: the same flow as `/dr resume <APR-n>`. */
  submit: SubmitAction;
  approvers: ApproverSync;
  /** Where each request's message was posted: its buttons are accepted only there. */
  refs: Pick<ApprovalMessageRefs, 'get'>;
  gateway: Pick<SlackGateway, 'openView'>;
  clock: Clock;
  logger: Logger;
}

/**
 * What to ack a confirm modal submission with: Slack's field error (modal stays open), or null to
 * close it and go on. Bolt's ViewErrorsResponseAction: `{ response_action: 'errors', errors:
 * { [blockId]: string } }`, keyed by the input's block_id.
 */
export type ConfirmCheck =
  | { ack: { response_action: 'errors'; errors: Record<string, string> } }
  | { ack: null; submission: ConfirmMetadata & { typed: string } };

const STALE_BUTTON = 'That button is out of date. Use `/dr approvals` to see the pending requests.';

/**
 * Approve, Reject and Release locks on approval messages, and the type-to-confirm modal. Runs
 * after the ack; refusals (own request, not an approver, expired, already decided, wrong
 * confirmation, a button not on the request's own message) are plain sentences for the clicker
 * only, and change nothing. Never throws.
 */
export class ApprovalClickHandler {
  constructor(private readonly deps: ApprovalClickHandlerDeps) {}

  /** Approve: destructive plans open the confirm modal; the others are approved at once. */
  async approveClicked(
    value: string,
    clicked: ClickedMessage | null,
    triggerId: string | undefined,
    requester: Requester,
    reply: Reply,
  ): Promise<void> {
    if (!isApprovalId(value)) return this.stale(requester, reply);
    const { approvals, approvers, clock } = this.deps;
    try {
      if (!(await this.invited(value, clicked, requester, reply))) return;
      const approval = await approvals.get(value);
      if (!approval) return await reply({ text: refusal('not-found', { id: value }).message });
      const allowed = await approvers.check(requester.userId);
      if (!approval.plan.destructive) return await reply({ text: approvedText(value, await approvals.approve(value, requester.userId)) });
      // Everything but the typed name is checked now, so nobody types into a modal that cannot succeed.
      const refused = checkApprove(
        approval,
        requester.userId,
        { approvers: allowed ? [requester.userId] : [] },
        clock.now(),
        approval.plan.subject,
      );
      if (refused) return await reply({ text: refusal(refused, { approval }).message });
      if (!triggerId) throw new Error('block_actions payload without trigger_id');
      await this.deps.gateway.openView(triggerId, confirmModal(approval, requester.channelId));
    } catch (err) {
      await reply({ text: internalFailure(this.deps.logger, err, `approving ${value}`, { userId: requester.userId }) });
    }
  }

  /** Reject (or the requester withdrawing): ends the request. */
  async rejectClicked(value: string, clicked: ClickedMessage | null, requester: Requester, reply: Reply): Promise<void> {
    if (!isApprovalId(value)) return this.stale(requester, reply);
    try {
      if (!(await this.invited(value, clicked, requester, reply))) return;
      await this.deps.approvers.check(requester.userId);
      const result = await this.deps.approvals.reject(value, requester.userId);
      await reply({ text: rejectedText(value, requester.userId, result) });
    } catch (err) {
      await reply({ text: internalFailure(this.deps.logger, err, `rejecting ${value}`, { userId: requester.userId }) });
    }
  }

  /**
   * Release locks on an interrupted run (Slack already asked "are you sure" with the button's
   * confirm dialog): approvers only; one is enough, since releasing starts nothing.
   */
  async releaseClicked(value: string, clicked: ClickedMessage | null, requester: Requester, reply: Reply): Promise<void> {
    if (!isApprovalId(value)) return this.stale(requester, reply);
    try {
      if (!(await this.invited(value, clicked, requester, reply))) return;
      const result = await this.deps.approvals.release(value, requester.userId, (userId) => this.deps.approvers.check(userId));
      await reply({ text: releasedText(value, result) });
    } catch (err) {
      await reply({ text: internalFailure(this.deps.logger, err, `releasing the locks of ${value}`, { userId: requester.userId }) });
    }
  }

  /**
   * Resume on a failed or interrupted run's message: operators only, exactly `/dr resume <APR-n>`
   * (planned afresh, answered to the clicker, posted as a new request with its own approval).
   */
  async resumeClicked(value: string, clicked: ClickedMessage | null, requester: Requester, reply: Reply): Promise<void> {
    if (!isApprovalId(value)) return this.stale(requester, reply);
    try {
      if (!(await this.invited(value, clicked, requester, reply))) return;
      const verdict = await this.deps.operators.operatorVerdict(requester.userId);
      if (verdict !== 'permitted') {
        this.deps.logger.info({ userId: requester.userId, approvalId: value, verdict }, 'refused a Resume click from a non-operator');
        return await reply({ text: permissionRefusal(verdict, `resume ${value}`) });
      }
      await this.deps.submit({ kind: 'resume', approvalId: value, dryRun: false }, actorOf(requester), reply);
    } catch (err) {
      await reply({ text: internalFailure(this.deps.logger, err, `resuming ${value}`, { userId: requester.userId }) });
    }
  }

  /**
   * Before the ack of a confirm modal: a name that does not match keeps the modal open with the
   * error under the field, and nothing changes. Reads the store, well within Slack's 3 s.
   */
  async checkConfirmation(userId: string, values: ViewOutput['state']['values'], privateMetadata: string): Promise<ConfirmCheck> {
    const submission = parseConfirmSubmission(values, privateMetadata);
    const error = (text: string): ConfirmCheck => ({ ack: { response_action: 'errors', errors: { confirm: text } } });
    if (!submission) {
      this.deps.logger.warn({ userId }, 'a confirm modal arrived that Lifeboat did not make; refused');
      return error('This form is out of date. Click Approve on the request again.');
    }
    try {
      const approval = await this.deps.approvals.get(submission.approvalId);
      if (approval?.plan.destructive && !confirmationMatches(approval.plan, submission.typed)) {
        return error(refusal('confirmation-mismatch', { approval }).message);
      }
    } catch (err) {
      return error(internalFailure(this.deps.logger, err, `checking the confirmation for ${submission.approvalId}`, { userId }));
    }
    return { ack: null, submission };
  }

  /** After the confirm modal closed: the approval itself, with the typed name. */
  async confirmed(submission: ConfirmMetadata & { typed: string }, requester: Requester, reply: Reply): Promise<void> {
    const id = submission.approvalId;
    try {
      await this.deps.approvers.check(requester.userId);
      await reply({ text: approvedText(id, await this.deps.approvals.approve(id, requester.userId, submission.typed)) });
    } catch (err) {
      await reply({ text: internalFailure(this.deps.logger, err, `approving ${id}`, { userId: requester.userId }) });
    }
  }

  /** True when the click was on the request's own message; else refuses it (logged, answered). */
  private async invited(id: string, clicked: ClickedMessage | null, requester: Requester, reply: Reply): Promise<boolean> {
    const ref = await this.deps.refs.get(id);
    if (isSameMessage(clicked, ref)) return true;
    this.deps.logger.warn(
      { approvalId: id, clicked, posted: ref, userId: requester.userId },
      'refused an approval button that is not on the message posted for that request; nothing done',
    );
    await reply({ text: notOurButton('/dr approvals') });
    return false;
  }

  private async stale(requester: Requester, reply: Reply): Promise<void> {
    this.deps.logger.warn({ userId: requester.userId }, 'an approval button carried a value Lifeboat did not make; ignored');
    await reply({ text: STALE_BUTTON });
  }
}

/** What the approver reads after their click. */
export function approvedText(id: string, result: ApproveResult): string {
  if (!result.ok) return result.message;
  if (result.executing) return `You approved ${id}. It runs now; progress is posted in the request's thread.`;
  const missing = approvalsMissing(result.approval);
  return `You approved ${id}. It needs ${missing} more approval${missing === 1 ? '' : 's'} from someone else.`;
}

/** What the rejecter reads after their click. */
export function rejectedText(id: string, userId: string, result: RejectResult): string {
  if (!result.ok) return result.message;
  return result.approval.requester === userId ? `You withdrew ${id}; nothing will run.` : `You rejected ${id}; nothing will run.`;
}

/** What the person who pressed Release locks reads. */
export function releasedText(id: string, result: ReleaseResult): string {
  if (!result.ok) return result.message;
  return `You released the locks of ${id}; new requests can use its resources. Nothing was run.`;
}
