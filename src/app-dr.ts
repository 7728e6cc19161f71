import type { Redis } from 'ioredis';
import { buildActions, type Actions } from './actions/build-actions.js';
import type { ProgressEvent, ProgressReporter } from './actions/progress-reporter.js';
import { ApprovalEngine } from './approvals/approval-engine.js';
import { approvalPolicyFromConfig } from './approvals/approval-rules.js';
import { MemoryApprovalStore } from './approvals/memory-approval-store.js';
import { RedisApprovalStore } from './approvals/redis-approval-store.js';
import type { AwsClients } from './aws/aws-clients.js';
import type { Config } from './config/types.js';
import type { Clock } from './core/clock.js';
import { ControlJournal } from './dr/control-journal.js';
import { DrService } from './dr/dr-service.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import type { StatusPage } from './statuspage/status-page.js';
import { RedisSyncedClock } from './store/redis-synced-clock.js';
import type { Store } from './store/store.js';

/**
 * Progress goes to Slack, but the Slack side is built after the runner that reports to it;
 * this forwards to whichever reporter is attached, and logs when none is.
 */
export class ForwardingReporter implements ProgressReporter {
  private target: ProgressReporter | null = null;

  constructor(private readonly logger: Logger) {}

  attach(target: ProgressReporter): void {
    this.target = target;
  }

  async report(event: ProgressEvent): Promise<void> {
    this.logger.info({ runId: event.runId, event: event.type, ...('stepId' in event ? { stepId: event.stepId } : {}) }, event.message);
    if (this.target) await this.target.report(event);
  }
}

export interface DrParts {
  /** The clock approvals and runs use: Redis's time when shared through Redis (see RedisSyncedClock). */
  clock: Clock & { start?(): Promise<void>; stop?(): void };
  dr: DrService;
  approvals: ApprovalEngine;
  actions: Actions;
  reporter: ForwardingReporter;
}

export interface DrDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  metrics: Metrics;
  store: Store;
  redis: Redis | null;
  keyPrefix: string;
  awsClients: AwsClients;
  statusPage: StatusPage;
  instanceId: string;
}

/**
 * Approval engine, planner, runner and the DR service joining them. Built only when Slack is on:
 * without Slack nobody can approve, and nothing acts on one person's word.
 */
export function buildDr(deps: DrDeps): DrParts {
  const logger = deps.logger.child({ component: 'dr' });
  // Replicas compare the expiry times and run leases they write into Redis: one clock for all.
  const clock = deps.redis ? new RedisSyncedClock(deps.redis, deps.clock, logger) : deps.clock;
  const approvals = new ApprovalEngine({
    store: deps.redis ? new RedisApprovalStore({ redis: deps.redis, keyPrefix: deps.keyPrefix }) : new MemoryApprovalStore(),
    clock,
    logger: deps.logger.child({ component: 'approvals' }),
    policy: approvalPolicyFromConfig(deps.config.slack),
    instanceId: deps.instanceId,
    metrics: deps.metrics,
  });
  const journal = new ControlJournal();
  const reporter = new ForwardingReporter(logger);
  const actions = buildActions({
    config: deps.config,
    clients: deps.awsClients,
    store: deps.store,
    clock,
    logger: deps.logger,
    metrics: deps.metrics,
    journal,
    reporter,
    statusPage: async (publication) => {
      const published = await deps.statusPage.publish(publication);
      return published.url ? { url: published.url } : {};
    },
  });
  const dr = new DrService({ planner: actions.planner, runner: actions.runner, approvals, journal, logger });
  return { clock, dr, approvals, actions, reporter };
}
