import type { ProgressReporter } from '../../actions/progress-reporter.js';
import type { ApprovalChangeListener, ApprovalEngine } from '../../approvals/approval-engine.js';
import type { Config } from '../../config/types.js';
import type { Clock } from '../../core/clock.js';
import type { DrService } from '../../dr/dr-service.js';
import type { Logger } from '../../observability/logger.js';
import type { ListApprovals, SubmitAction } from '../bot-ports.js';
import type { SlackPlatform } from '../create-slack-platform.js';
import { ActionSubmitter } from './action-submitter.js';
import { ApprovalAnnouncer } from './approval-announcer.js';
import { ApprovalClickHandler } from './approval-click-handler.js';
import type { ApprovalMessageRefs } from './approval-message-refs.js';
import { toApprovalSummary } from './approval-summary.js';
import { ApproverSync } from './approver-sync.js';
import { registerApprovalListeners } from './register-approval-listeners.js';

/** How often the expiry / abandoned-run sweep runs once started. */
export const APPROVAL_SWEEP_INTERVAL_MS = 5_000; // 5 seconds

export interface ApprovalUiDeps {
  /** Buttons go on its Bolt app, behind the same verified receiver; posts go through its outbox. */
  platform: Pick<SlackPlatform, 'boltApp' | 'gateway' | 'outbox' | 'permissions'>;
  approvals: ApprovalEngine;
  dr: Pick<DrService, 'submit'>;
  config: Pick<Config, 'slack'>;
  logger: Logger;
  clock: Clock;
  /** Where each request's message lives (the backend's: any replica updates any request's message). */
  refs: ApprovalMessageRefs;
  /** Test seam: the sweep cadence. */
  sweepIntervalMs?: number;
}

/** The approval flow in Slack, ready to wire. */
export interface ApprovalUi {
  /** Subscribe to the approval engine: keeps each request's message and thread current. */
  onApprovalChange: ApprovalChangeListener;
  /** Give to createSlackBot: `/dr failover|restore|statuspage` and the Propose buttons land here. */
  submitAction: SubmitAction;
  /** Give to createSlackBot: `/dr approvals` and `/dr status`. */
  listApprovals: ListApprovals;
  /** Subscribe to the runner's progress: it goes to the request's thread. */
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
 * message current (`onApprovalChange`) and posts progress in its thread (`reporter`).
 */
export function createApprovalUi(deps: ApprovalUiDeps): ApprovalUi {
  const { approvals, config, clock } = deps;
  const logger = deps.logger.child({ component: 'slack-approvals' });
  const channel = config.slack.channel;
  if (!channel) throw new Error('createApprovalUi needs slack.channel: approval requests are posted there');
  const { refs } = deps;
  const { boltApp, gateway, outbox, permissions } = deps.platform;
  const announcer = new ApprovalAnnouncer({
    channel,
    gateway,
    refs,
    outbox,
    approvals,
    clock,
    logger,
  });
  const approvers = new ApproverSync({ approvers: config.slack.approvers, permissions, approvals });
  const submitter = new ActionSubmitter({ dr: deps.dr, approvals, announcer, clock, logger });
  const handler = new ApprovalClickHandler({
    approvals,
    approvers,
    operators: permissions,
    submit: submitter.submit,
    refs,
    gateway,
    clock,
    logger,
  });
  registerApprovalListeners({ app: boltApp, handler, gateway, logger });

  return {
    onApprovalChange: announcer.listener,
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
    idle: (timeoutMs = 10_000) => outbox.idle(timeoutMs),
  };
}
