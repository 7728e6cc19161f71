import { storeLagSource } from '../actions/lag-source.js';
import { realSleep, type Sleeper } from '../actions/wait-until.js';
import type { AwsClients } from '../aws/aws-clients.js';
import { SdkRdsGateway } from '../aws/rds-gateway-sdk.js';
import { SdkRoute53Gateway } from '../aws/route53-gateway-sdk.js';
import type { Backend } from '../backend/create-backend.js';
import type { Config } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { IncidentEngine } from '../incidents/incident-engine.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { primeDrillMetrics } from './drill-metrics-prime.js';
import { DrillIncidents } from './drill-incidents.js';
import { DrillRecovery } from './drill-recovery.js';
import { DrillScheduler } from './drill-scheduler.js';
import { DrillService, type DrillLiveness } from './drill-service.js';
import { NextScheduledRun } from './next-scheduled-run.js';

export interface DrillParts {
  service: DrillService;
  /** Started on the leader (app-subscriptions.ts). */
  scheduler: DrillScheduler;
  /** Sets the last-success gauge from the stored history (at start; never throws). */
  primeMetrics(): Promise<void>;
  /** Outcomes to incidents (`drill:<name>`), on the leader (app-subscriptions.ts). */
  incidents: DrillIncidents;
  /** Cleans up after drills whose process died; runs on the leader (app-subscriptions.ts). */
  recovery: DrillRecovery;
}

export interface DrillDeps {
  config: Config;
  backend: Backend;
  awsClients: AwsClients;
  metrics: Metrics;
  clock: Clock;
  logger: Logger;
  /** Where a drill that does not pass opens its incident (the monitor's engine, under the leader's lease). */
  engine: Pick<IncidentEngine, 'apply'>;
  /** This replica (the leader election's holder id): who recovers a dead drill. */
  owner: string;
  /** Test seam: how drills wait (restore polls, keepFor, cleanup). */
  sleep?: Sleeper;
  /** Test seam: liveness lease and renewal, and the leader's recovery sweep interval. */
  recovery?: { liveness?: DrillLiveness; sweepMs?: number };
}

/** The drill service over the real SDK gateways, and its schedule; null when no drills are configured. */
export function buildDrills(deps: DrillDeps): DrillParts | null {
  const drills = deps.config.drills;
  if (!drills || Object.keys(drills).length === 0) return null;
  const logger = deps.logger.child({ component: 'drills' });
  const rds = new SdkRdsGateway(deps.awsClients);
  // A Multi-AZ failover drill has no schedule: it only runs through two-person approval.
  const schedules = Object.entries(drills).flatMap(([name, d]) =>
    'restore' in d && d.schedule !== undefined ? [{ name, schedule: d.schedule }] : [],
  );
  const service = new DrillService({
    config: deps.config,
    store: deps.backend.drills,
    audit: deps.backend.auditLog,
    metrics: deps.metrics.drills,
    rds,
    route53: new SdkRoute53Gateway((kind) => deps.awsClients.route53(kind)),
    lag: storeLagSource(deps.backend.store),
    clock: deps.clock,
    logger,
    messageRefs: deps.backend.drillMessageRefs,
    ...(deps.sleep && { sleep: deps.sleep }),
    ...(deps.config.env.drillTokens && { webhookTokens: deps.config.env.drillTokens }),
    ...(deps.recovery?.liveness && { liveness: deps.recovery.liveness }),
    nextRuns: new NextScheduledRun(schedules),
  });
  const recovery = new DrillRecovery({
    config: deps.config,
    store: deps.backend.drills,
    rds,
    clock: deps.clock,
    sleep: deps.sleep ?? realSleep,
    logger: logger.child({ component: 'drill-recovery' }),
    owner: deps.owner,
    report: (outcome) => service.report(outcome),
    ...(deps.recovery?.sweepMs !== undefined && { everyMs: deps.recovery.sweepMs }),
  });
  const incidents = new DrillIncidents({
    names: Object.keys(drills),
    drills: deps.backend.drills,
    store: deps.backend.store,
    engine: deps.engine,
    severity: deps.config.readiness.severity,
    logger,
  });
  deps.metrics.drills.scheduled(schedules.map((s) => s.name));
  return {
    service,
    scheduler: new DrillScheduler(service, schedules, logger),
    incidents,
    recovery,
    primeMetrics: () => primeDrillMetrics({ store: deps.backend.drills, metrics: deps.metrics.drills, logger }, Object.keys(drills)),
  };
}
