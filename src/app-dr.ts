import type { DrillStore } from './drills/drill-store.js';
import { buildActions, type Actions } from './actions/build-actions.js';
import { ApprovalEngine } from './approvals/approval-engine.js';
import { approvalPolicyFromConfig } from './approvals/approval-rules.js';
import type { ApprovalStore } from './approvals/approval-store.js';
import type { AwsClients } from './aws/aws-clients.js';
import type { Config } from './config/types.js';
import type { Clock } from './core/clock.js';
import { ControlJournal } from './dr/control-journal.js';
import { DrService, type DrServiceDeps } from './dr/dr-service.js';
import type { Probes } from './monitor/probe-check.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import type { StatusPage } from './statuspage/status-page.js';
import type { Store } from './store/store.js';
import type { Sleeper } from './actions/wait-until.js';

export interface DrParts {
  dr: DrService;
  approvals: ApprovalEngine;
  actions: Actions;
}

export interface DrDeps {
  config: Config;
  logger: Logger;
  /** The clock replicas agree on (the backend's shared clock): approvals and run leases compare times. */
  clock: Clock;
  metrics: Metrics;
  store: Store;
  approvalStore: ApprovalStore;
  awsClients: AwsClients;
  statusPage: StatusPage;
  instanceId: string;
  /** Drill runs, so a request refused by a drill's claim names the drill. */
  drillRuns?: Pick<DrillStore, 'run'>;
  /** Test seam: how runs wait between polls (tests move a manual clock instead of sleeping). */
  sleep?: Sleeper;
  /** The monitor's probes, which verify steps run too. */
  probes: Probes;
  /** Records Multi-AZ failover drill runs as drills; absent when no drills are configured. */
  drills?: DrServiceDeps['drills'];
}

/**
 * Approval engine, planner, runner and the DR service joining them. Built only when Slack is on:
 * without Slack nobody can approve, and nothing acts on one person's word. Who tells whom
 * (approved requests to the DR service, progress to Slack) is wired in app-subscriptions.ts.
 */
export function buildDr(deps: DrDeps): DrParts {
  const { clock } = deps;
  const approvals = new ApprovalEngine({
    store: deps.approvalStore,
    clock,
    logger: deps.logger.child({ component: 'approvals' }),
    policy: approvalPolicyFromConfig(deps.config.slack),
    instanceId: deps.instanceId,
    metrics: deps.metrics,
    ...(deps.drillRuns && { drillRuns: deps.drillRuns }),
  });
  const journal = new ControlJournal();
  const actions = buildActions({
    config: deps.config,
    clients: deps.awsClients,
    store: deps.store,
    clock,
    logger: deps.logger,
    metrics: deps.metrics,
    journal,
    runs: approvals,
    statusPage: async (publication) => {
      const published = await deps.statusPage.publish(publication);
      return published.url ? { url: published.url } : {};
    },
    probes: deps.probes,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    ...(deps.config.env.hookTokens && { hookTokens: deps.config.env.hookTokens }),
  });
  const dr = new DrService({
    planner: actions.planner,
    runner: actions.runner,
    approvals,
    journal,
    logger: deps.logger.child({ component: 'dr' }),
    ...(deps.drills && { drills: deps.drills }),
  });
  return { dr, approvals, actions };
}
