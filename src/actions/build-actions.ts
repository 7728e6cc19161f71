import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { CallKind } from '../aws/aws-clients.js';
import { SdkRdsGateway } from '../aws/rds-gateway-sdk.js';
import { SdkRoute53Gateway } from '../aws/route53-gateway-sdk.js';
import type { Config } from '../config/types.js';
import type { CheckState } from '../core/check-state.js';
import type { Clock } from '../core/clock.js';
import type { Incident } from '../core/incident.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { ActionPlanner } from './action-planner.js';
import { ActionRunner } from './action-runner.js';
import { cutOverLagSource, storeLagSource } from './lag-source.js';
import type { Probes } from '../monitor/probe-check.js';
import { ReplicationLagProbe } from '../monitor/probes/replication-lag-probe.js';
import { ProgressEvents } from './progress-reporter.js';
import { recoverInterrupted } from './recover-interrupted.js';
import type { RunJournal, RunJournalReader } from './run-journal.js';
import type { RecordedRuns } from './recorded-run.js';
import type { RunOutcome } from './run-outcome.js';
import type { StatusPagePublisher } from './status-page-publisher.js';
import type { Sleeper } from './wait-until.js';

/** What the app hands the actions module. */
export interface ActionsDeps {
  config: Pick<Config, 'runbooks' | 'checks' | 'statuspage'>;
  /** `AwsClients` (one SDK client per region, shared with the monitor). */
  clients: {
    rds(region: string, kind?: CallKind): RDSClient;
    route53(kind?: CallKind): Route53Client;
    cloudwatch(region: string): CloudWatchClient;
  };
  /** The store: latest lag per check (the guard) and incidents (status-page posts). */
  store: { getCheckState(checkId: string): Promise<CheckState | null>; getIncident(id: string): Promise<Incident | null> };
  clock: Clock;
  logger: Logger;
  metrics: Pick<Metrics, 'actions'>;
  journal: RunJournal & RunJournalReader;
  statusPage?: StatusPagePublisher;
  /** Test seam: how runs wait between polls. */
  sleep?: Sleeper;
  /** The monitor's probes: a runbook's verify step runs its checks with them. */
  probes: Probes;
  /** The hooks' bearer tokens by variable (`EnvConfig.hookTokens`). */
  hookTokens?: Readonly<Record<string, string>>;
  /** Past runs (the approval engine), for `/dr resume` and `/dr revert-dns`. */
  runs?: RecordedRuns;
}

/** The wired actions: plan requests, run approved plans, report runs a crash interrupted. */
export interface Actions {
  planner: ActionPlanner;
  runner: ActionRunner;
  /** What runs report as they go; subscribe to tell people (the approval thread in Slack). */
  progress: ProgressEvents;
  /** Call once at start-up, before taking new work. */
  recoverInterrupted(): Promise<RunOutcome[]>;
}

/** Builds the planner and runner over the real SDK gateways. */
export function buildActions(deps: ActionsDeps): Actions {
  const rds = new SdkRdsGateway(deps.clients);
  const route53 = new SdkRoute53Gateway((kind) => deps.clients.route53(kind));
  const lag = storeLagSource(deps.store);
  const metrics = deps.metrics.actions;
  const logger = deps.logger.child({ component: 'actions' });
  const progress = new ProgressEvents(logger);
  const hookTokens = deps.hookTokens && { hookTokens: deps.hookTokens };
  const planner = new ActionPlanner({
    rds,
    route53,
    lag,
    clock: deps.clock,
    config: deps.config,
    checks: deps.config.checks,
    incidents: deps.store,
    ...hookTokens,
    ...(deps.runs && { runs: deps.runs }),
  });
  const runner = new ActionRunner({
    rds,
    route53,
    // Right before the first step the guard reads CloudWatch afresh: the data-loss window at cut-over.
    lag: cutOverLagSource({
      checks: deps.config.checks,
      probe: new ReplicationLagProbe({ clients: deps.clients, clock: deps.clock }),
      monitor: lag,
      clock: deps.clock,
    }),
    clock: deps.clock,
    journal: deps.journal,
    reporter: progress,
    logger,
    metrics,
    verify: { checks: deps.config.checks, probes: deps.probes },
    incidents: deps.store,
    ...(deps.statusPage && { statusPage: deps.statusPage }),
    ...(deps.sleep && { sleep: deps.sleep }),
    ...hookTokens,
  });
  return {
    planner,
    runner,
    progress,
    recoverInterrupted: () => recoverInterrupted({ journal: deps.journal, reporter: progress, clock: deps.clock, logger, metrics }),
  };
}
