import { isRequestUnconfirmed, type ApprovalError } from '../../approvals/approval-error.js';
import type { ApprovalEngine } from '../../approvals/approval-engine.js';
import type { ActionRequest, Actor } from '../../core/action-request.js';
import type { Clock } from '../../core/clock.js';
import type { DrService } from '../../dr/dr-service.js';
import type { Logger } from '../../observability/logger.js';
import type { Reply } from '../bot-ports.js';
import { internalFailure } from '../user-messages.js';
import type { ApprovalAnnouncer } from './approval-announcer.js';
import { planDisplayRefusal } from './blocks/plan-display-refusal.js';
import { dryRunMessage, refusedMessage, requestedMessage } from './blocks/submit-answers.js';

/** Why a request whose message could not be posted is withdrawn (audit log and thread). */
export const UNPOSTED_REASON = 'the approval request could not be posted in Slack';
/** Why a request the store made without confirming it is withdrawn (audit log). */
export const UNCONFIRMED_REASON = 'the state store did not confirm the request in time, so it was never posted';

export interface ActionSubmitterDeps {
  dr: Pick<DrService, 'submit'>;
  approvals: Pick<ApprovalEngine, 'reject' | 'findByPlan'>;
  announcer: Pick<ApprovalAnnouncer, 'postRequest' | 'markUnposted'>;
  clock: Clock;
  logger: Logger;
}

/**
 * The bot's SubmitAction: plans the request through the DR service and answers the requester
 * with the plan (dry run), the refusal, or where the approval request was posted. A plan that
 * cannot be shown whole (approval message, dry run, confirm modal) is refused before it exists. A request
 * nobody could see is withdrawn at once, so it never holds its resources until expiry: one
 * whose message could not be posted, and one the store made while its reply was lost.
 */
export class ActionSubmitter {
  constructor(private readonly deps: ActionSubmitterDeps) {}

  readonly submit = async (request: ActionRequest, actor: Actor, reply: Reply): Promise<void> => {
    let outcome: Awaited<ReturnType<DrService['submit']>>;
    try {
      // A plan approvers cannot read whole is refused here, before any request exists.
      outcome = await this.deps.dr.submit(request, actor, { refuse: planDisplayRefusal });
    } catch (err) {
      if (!isRequestUnconfirmed(err)) throw err;
      await this.withdrawUnconfirmed(err, actor.userId, reply);
      return;
    }
    switch (outcome.kind) {
      case 'dry-run':
        await reply(dryRunMessage(outcome.plan));
        return;
      case 'refused':
        await reply(refusedMessage(outcome.message, outcome.plan));
        return;
      case 'requested': {
        const { approval } = outcome;
        let channel: string;
        try {
          channel = (await this.deps.announcer.postRequest(approval)).channel;
        } catch (err) {
          const text = internalFailure(this.deps.logger, err, `posting approval request ${approval.id}`, { userId: actor.userId });
          await this.withdraw(approval.id, actor.userId);
          await reply({ text: `${text} ${approval.id} was withdrawn, so nothing will run; request it again.` });
          return;
        }
        await reply(requestedMessage(approval, channel, this.deps.clock.now()));
        return;
      }
    }
  };

  /**
   * The store failed while creating the request, possibly after making it (its reply lost): a
   * request nobody was told about would hold the runbook's locks, with no message and no buttons,
   * refusing every retry until it expires. Find it by its plan and withdraw it, then say so.
   */
  private async withdrawUnconfirmed(err: ApprovalError & { planId: string }, requester: string, reply: Reply): Promise<void> {
    const { logger } = this.deps;
    const text = internalFailure(logger, err.cause ?? err, `recording the approval request for plan ${err.planId}`, { userId: requester });
    let outcome: string;
    try {
      const made = await this.deps.approvals.findByPlan(err.planId);
      if (!made) {
        logger.info({ plan: err.planId }, `no request was made for plan ${err.planId}; nothing to withdraw`);
        outcome = 'Nothing was recorded, so nothing will run.';
      } else if (made.state !== 'pending') {
        logger.warn(
          { approvalId: made.id, plan: err.planId, state: made.state },
          `${made.id} was made for plan ${err.planId} without a confirmation and is already ${made.state}`,
        );
        outcome = `${made.id} was recorded anyway and is already ${made.state}.`;
      } else {
        this.deps.announcer.markUnposted(made.id);
        const withdrawn = await this.deps.approvals.reject(made.id, requester, UNCONFIRMED_REASON);
        if (!withdrawn.ok) throw new Error(`the engine refused to withdraw ${made.id}: ${withdrawn.reason}`);
        logger.warn(
          { approvalId: made.id, plan: err.planId },
          `${made.id} was made for plan ${err.planId} but the store's reply was lost; withdrew it so it does not hold its resources unseen`,
        );
        outcome = `${made.id} was recorded anyway and has been withdrawn, so it holds nothing and nothing will run.`;
      }
    } catch (lookupErr) {
      logger.error(
        { err: lookupErr, plan: err.planId },
        `could not check whether plan ${err.planId} became a request; if one exists it holds its resources, unposted, until it expires. ` +
          `Find it in the approval store by plan id (approvals:by-plan) and reject it. Check the store (REDIS_URL)`,
      );
      outcome = 'It could not tell whether your request was recorded; if it was, it runs nothing without approval and expires by itself.';
    }
    await reply({ text: `${text} ${outcome}` });
  }

  private async withdraw(id: string, requester: string): Promise<void> {
    try {
      const result = await this.deps.approvals.reject(id, requester, UNPOSTED_REASON);
      if (!result.ok) this.deps.logger.warn({ approvalId: id, reason: result.reason }, `could not withdraw ${id} after failing to post it`);
    } catch (err) {
      this.deps.logger.error(
        { err, approvalId: id },
        `could not withdraw ${id}; it holds its resources until it expires. Check the store (REDIS_URL)`,
      );
    }
  }
}
