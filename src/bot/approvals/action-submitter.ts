import type { ApprovalEngine } from '../../approvals/approval-engine.js';
import type { ActionRequest, Actor } from '../../core/action-request.js';
import type { Clock } from '../../core/clock.js';
import type { DrService } from '../../dr/dr-service.js';
import type { Logger } from '../../observability/logger.js';
import type { Reply } from '../bot-ports.js';
import { internalFailure } from '../user-messages.js';
import type { ApprovalAnnouncer } from './approval-announcer.js';
import { dryRunMessage, refusedMessage, requestedMessage } from './blocks/submit-answers.js';

/** Why a request whose message could not be posted is withdrawn (audit log and thread). */
export const UNPOSTED_REASON = 'the approval request could not be posted in Slack';

export interface ActionSubmitterDeps {
  dr: Pick<DrService, 'submit'>;
  approvals: Pick<ApprovalEngine, 'reject'>;
  announcer: Pick<ApprovalAnnouncer, 'postRequest'>;
  clock: Clock;
  logger: Logger;
}

/**
 * The bot's SubmitAction: plans the request through the DR service and answers the requester
 * with the plan (dry run), the refusal, or where the approval request was posted. A request
 * nobody could see is withdrawn at once, so it never holds its resources until expiry.
 */
export class ActionSubmitter {
  constructor(private readonly deps: ActionSubmitterDeps) {}

  readonly submit = async (request: ActionRequest, actor: Actor, reply: Reply): Promise<void> => {
    const outcome = await this.deps.dr.submit(request, actor);
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

  private async withdraw(id: string, requester: string): Promise<void> {
    try {
      const result = await this.deps.approvals.reject(id, requester, UNPOSTED_REASON);
      if (!result.ok) this.deps.logger.warn({ approvalId: id, reason: result.reason }, `could not withdraw ${id} after failing to post it`);
    } catch (err) {
      this.deps.logger.error({ err, approvalId: id }, `could not withdraw ${id}; it holds its resources until it expires. Check the store (REDIS_URL)`);
    }
  }
}
