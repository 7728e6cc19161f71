import type { App } from '@slack/bolt';
import type { Redis } from 'ioredis';
import type { ProgressReporter } from '../../actions/progress-reporter.js';
import type { ApprovalEngine } from '../../approvals/approval-engine.js';
import type { Config } from '../../config/types.js';
import type { Clock } from '../../core/clock.js';
import type { DrService } from '../../dr/dr-service.js';
import type { Logger } from '../../observability/logger.js';
import type { ListApprovals, SubmitAction } from '../bot-ports.js';
import type { SlackOutboxService } from '../outbox/slack-outbox-service.js';
import type { Permissions } from '../permissions.js';
import type { SlackGateway } from '../slack-gateway.js';
import { ActionSubmitter } from './action-submitter.js';
import { ApprovalAnnouncer } from './approval-announcer.js';
import { ApprovalClickHandler } from './approval-click-handler.js';
import type { ApprovalMessageRefs } from './approval-message-refs.js';
import { toApprovalSummary } from './approval-summary.js';
import { ApproverSync } from './approver-sync.js';
import { MemoryApprovalMessageRefs } from './memory-approval-message-refs.js';
import { RedisApprovalMessageRefs } from './redis-approval-message-refs.js';
import { registerApprovalListeners } from './register-approval-listeners.js';

/** How often the expiry / abandoned-run sweep runs once started. */
export const APPROVAL_SWEEP_INTERVAL_MS = 5_000; // 5 seconds

export interface ApprovalUiDeps {
  /** From createSlackBot: listeners go on the same app, behind the same verified receiver. */
  boltApp: App;
  gateway: SlackGateway;
  /** The bot's outbox (createSlackBot): request updates and thread replies are delivered from it. */
  outbox: SlackOutboxService;
  permissions: Pick<Permissions, 'isApprover'>;
  approvals: ApprovalEngine;
  dr: Pick<DrService, 'submit'>;
  config: Pick<Config, 'slack'>;
  logger: Logger;
  clock: Clock;
  /** Shared Redis for the message refs (any replica updates any request's message); null: in memory. */
  redis: Redis | null;
  keyPrefix: string;
  /** Test seam: the sweep cadence. */
  sweepIntervalMs?: number;
}

/** The approval flow in Slack, ready to wire. */
export interface ApprovalUi {
  /** Give to createSlackBot: `/dr failover|restore|statuspage` and the Propose buttons land here. */
  submitAction: SubmitAction;
  /** Give to createSlackBot: `/dr approvals` and `/dr status`. */
  listApprovals: ListApprovals;
  /** Give to the action runner: progress goes to the request's thread. */
  reporter: ProgressReporter;
  /** Reports runs a dead process left (in their threads), then starts the expiry sweep. */
  start(): Promise<void>;
  /** Stops the sweep; queued Slack work stays in the outbox (the bot stops that). */
  stop(): Promise<void>;
  /** Resolves once no Slack work is due (tests; bounded by `timeoutMs`). */
  idle(timeoutMs?: number): Promise<void>;
}

/**
 * Builds the Slack side of two-person approval: posts requests with their plan in
 * `slack.channel`, handles Approve / Reject and the type-to-confirm modal, keeps each request's
 * message current from `approvals.onChange` (subscribed at once) and posts progress in its thread.
 */
export function createApprovalUi(deps: ApprovalUiDeps): ApprovalUi {
  const { approvals, config, clock } = deps;
  const logger = deps.logger.child({ component: 'slack-approvals' });
  const channel = config.slack.channel;
  if (!channel) throw new Error('createApprovalUi needs slack.channel: approval requests are posted there');
  const refs: ApprovalMessageRefs = deps.redis
    ? new RedisApprovalMessageRefs(deps.redis, deps.keyPrefix, logger)
    : new MemoryApprovalMessageRefs(clock);
  const announcer = new ApprovalAnnouncer({
    channel,
    gateway: deps.gateway,
    refs,
    outbox: deps.outbox,
    approvals,
    clock,
    logger,
  });
  approvals.onChange(announcer.listener);
  const approvers = new ApproverSync({ approvers: config.slack.approvers, permissions: deps.permissions, approvals });
  const handler = new ApprovalClickHandler({ approvals, approvers, refs, gateway: deps.gateway, clock, logger });
  registerApprovalListeners({ app: deps.boltApp, handler, gateway: deps.gateway, logger });
  const submitter = new ActionSubmitter({ dr: deps.dr, approvals, announcer, clock, logger });

  return {
    submitAction: submitter.submit,
    listApprovals: async () => (await approvals.listPending()).map(toApprovalSummary),
    reporter: announcer.reporter,
    async start() {
      // Each run found abandoned is announced through onChange ('interrupted') in its own thread.
      try {
        const interrupted = await approvals.recoverInterruptedRuns();
        if (interrupted.length > 0)
          logger.warn({ approvalIds: interrupted.map((a) => a.id) }, `${interrupted.length} interrupted run(s) reported in Slack`);
      } catch (err) {
        logger.error({ err }, 'could not look for interrupted runs at start; the sweep retries. Check the store (REDIS_URL)');
      }
      approvals.startSweeping(deps.sweepIntervalMs ?? APPROVAL_SWEEP_INTERVAL_MS);
    },
    async stop() {
      await approvals.stop();
    },
    idle: (timeoutMs = 10_000) => deps.outbox.idle(timeoutMs),
  };
}
