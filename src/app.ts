import { buildDrills, type DrillDeps, type DrillParts } from './drills/build-drills.js';
import { MultiAzDrillRecord } from './drills/multi-az-drill-record.js';
import { drillCheckId } from './drills/drill-result.js';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildDr, type DrParts } from './app-dr.js';
import { buildIncidentLinks, buildSlack, type SlackParts, type SlackSeams } from './app-slack.js';
import { subscribeParts } from './app-subscriptions.js';
import { AuditRecorder } from './audit/audit-recorder.js';
import { AwsClients } from './aws/aws-clients.js';
import { connectBackend, type Backend } from './backend/create-backend.js';
import type { Sleeper } from './actions/wait-until.js';
import type { Config } from './config/types.js';
import { systemClock, type Clock } from './core/clock.js';
import { IncidentEngine } from './incidents/incident-engine.js';
import { DemoTarget } from './monitor/demo-target.js';
import { createNoise, type NoiseParts } from './noise/create-noise.js';
import type { Probes } from './monitor/build-jobs.js';
import { LeaderElector } from './monitor/leader-elector.js';
import { Monitor } from './monitor/monitor.js';
import { BackupProbe } from './monitor/probes/backup-probe.js';
import { createHttpProber } from './monitor/probes/http-probe.js';
import { ReplicationLagProbe } from './monitor/probes/replication-lag-probe.js';
import type { Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { createPager } from './paging/create-pager.js';
import type { Pager } from './paging/pager.js';
import { planDisplayRefusal } from './bot/approvals/blocks/plan-display-refusal.js';
import { ReadinessEvaluator } from './readiness/readiness-evaluator.js';
import { ReadinessMonitor } from './readiness/readiness-monitor.js';
import { READINESS_POLICY, readinessCheckId } from './readiness/readiness-result.js';
import { buildServer } from './server/build-server.js';
import { PostureReader } from './posture/posture-reader.js';
import { PostureService } from './posture/posture-service.js';
import { warnPostureScheduleOff } from './posture/posture-schedule.js';
import { timelineRoutes } from './server/timeline-route.js';
import { incidentTimelineMarkdown } from './audit/render-timeline.js';
import { pagerDutyWebhookRoutes } from './paging/webhook/pagerduty-webhook.js';
import { createStatusPage, type StatusPageModule } from './statuspage/create-status-page.js';
import type { Store } from './store/store.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Injected in tests (over a test Redis or in memory); otherwise connected from REDIS_URL. */
  backend?: Backend;
  /** Injected in tests; otherwise real HTTP, CloudWatch and RDS probes. */
  probes?: Probes;
  /** Injected in tests (clients pointed at a fake); otherwise one SDK client per region. */
  awsClients?: AwsClients;
  /** Unique per process; distinguishes lease holders. */
  holderId?: string;
  /** Test seams: Slack's (see SlackSeams) and how DR runs wait between polls. */
  seams?: SlackSeams & {
    runSleep?: Sleeper;
    readinessPhase?: () => number;
    noiseSweepIntervalMs?: number;
    /** Drill liveness and the leader's recovery sweep (drill-recovery.ts), shortened. */
    drillRecovery?: DrillDeps['recovery'];
  };
}

/** The wired service. `start` listens and begins leader election; `stop` drains and closes. */
export interface App {
  readonly server: FastifyInstance;
  readonly backend: Backend;
  readonly store: Store;
  readonly engine: IncidentEngine;
  readonly monitor: Monitor;
  /** Every runbook's pre-flight, read-only: on the leader every `readiness.every`, and on `/dr readiness`. */
  readonly readiness: ReadinessMonitor;
  readonly metrics: Metrics;
  readonly statusPage: StatusPageModule;
  readonly pager: Pager;
  /** Null when Slack is off (no SLACK_BOT_TOKEN): then nothing can be approved, so no DR actions. */
  readonly slack: SlackParts | null;
  readonly dr: DrParts | null;
  /** Silences, maintenance windows and reminders (SPEC §9). */
  readonly noise: NoiseParts;
  /** Restore drills (SPEC §10); null when none are configured. */
  readonly drills: DrillParts | null;
  /** Listens on `port` (0 for any); returns the base URL. */
  start(port: number, host?: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Builds every part from config and dependencies without opening a port, in dependency order:
 * state, monitoring, outward channels (status page, paging), DR and Slack, the HTTP server;
 * then who tells whom (app-subscriptions.ts).
 */
export function buildApp(deps: AppDeps): App {
  const { config, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const backend = deps.backend ?? connectBackend({ redisUrl: config.env.redisUrl, logger, clock, retention: config.retention });
  const { store } = backend;
  const metrics = new Metrics();
  const closeProbes: Array<() => Promise<void>> = [];
  const awsClients = deps.awsClients ?? new AwsClients();
  const probes = deps.probes ?? realProbes(clock, awsClients, closeProbes);
  const holderId = deps.holderId ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

  // Every replica runs an elector, the in-memory store included: writes always carry the lease.
  const elector = new LeaderElector({
    store,
    name: 'monitor',
    holder: holderId,
    ttlMs: config.monitor.leaseTtlMs,
    logger: logger.child({ component: 'leader' }),
  });
  const engine = new IncidentEngine({
    store,
    clock,
    logger: logger.child({ component: 'incidents' }),
    policies: new Map([
      ...config.checks.map((c) => [c.id, { failAfter: c.failAfter, recoverAfter: c.recoverAfter }] as const),
      ...Object.keys(config.runbooks.failover).map((name) => [readinessCheckId('failover', name), READINESS_POLICY] as const),
      ...Object.keys(config.runbooks.restore).map((name) => [readinessCheckId('restore', name), READINESS_POLICY] as const),
      // A drill's outcome is a readiness verdict too: one decides, days apart.
      ...Object.keys(config.drills ?? {}).map((name) => [drillCheckId(name), READINESS_POLICY] as const),
    ]),
    fencing: { mode: 'leader-lease', currentLease: () => elector.currentLease() },
    dependencies: new Map(config.checks.flatMap((c) => (c.dependsOn ? [[c.id, c.dependsOn] as const] : []))),
  });
  const monitor = new Monitor({
    checks: config.checks,
    probes,
    engine,
    store,
    metrics,
    logger: logger.child({ component: 'monitor' }),
    clock,
    concurrency: config.monitor.concurrency,
  });
  const readiness = new ReadinessMonitor({
    evaluator: new ReadinessEvaluator({
      config,
      clients: awsClients,
      store,
      clock,
      metrics,
      logger: logger.child({ component: 'readiness' }),
      ...(config.env.hookTokens && { hookTokens: config.env.hookTokens }),
      displayRefusal: planDisplayRefusal,
    }),
    engine,
    config: config.readiness,
    logger: logger.child({ component: 'readiness' }),
    ...(deps.seams?.readinessPhase && { phase: deps.seams.readinessPhase }),
  });

  const noise = createNoise({
    config,
    backend,
    clock,
    logger,
    ...(deps.seams?.noiseSweepIntervalMs !== undefined && { sweepIntervalMs: deps.seams.noiseSweepIntervalMs }),
  });
  // Every incident transition and page joins the audit log (approvals write theirs in the store).
  const audit = new AuditRecorder(backend.auditLog, logger.child({ component: 'audit' }));
  const statusPage = createStatusPage({ config, logger, store: backend.statusPage, clock, incidents: store });
  const slackOn = Boolean(config.env.slackBotToken);
  if (config.posture && !slackOn) warnPostureScheduleOff(config.posture.schedule, logger.child({ component: 'posture' }));
  // The PagerDuty alert links the incident's Slack message.
  const links = slackOn ? buildIncidentLinks(config, backend, clock, logger) : null;
  // Any replica may deliver pages: every claim on the queue is atomic in the store.
  const pager = createPager({
    config,
    logger,
    metrics,
    queue: backend.pagingQueue,
    clock,
    ...(links ? { slackLinkFor: (incidentId: string) => links.slackLinkFor(incidentId) } : {}),
    onPageEvent: audit.onPage,
  });

  // Scheduled drills need no Slack (the config is their approval); `/dr drill` does.
  const drills = buildDrills({
    config,
    backend,
    awsClients,
    metrics,
    clock: backend.sharedClock,
    logger,
    engine,
    owner: holderId,
    ...(deps.seams?.runSleep ? { sleep: deps.seams.runSleep } : {}),
    ...(deps.seams?.drillRecovery ? { recovery: deps.seams.drillRecovery } : {}),
  });
  // The DR posture (SPEC §10): AWS facts cached briefly, the leader's stored verdicts, drills and runs.
  const posture = new PostureService({
    config,
    reader: new PostureReader({ clients: awsClients, clock, logger: logger.child({ component: 'posture' }) }),
    ...(drills ? { drills: drills.service } : {}),
    runs: { auditLog: backend.auditLog, approvals: backend.approvals },
    clock,
    logger: logger.child({ component: 'posture' }),
  });
  // Without Slack nobody can approve, so there are no DR actions at all.
  const dr = slackOn
    ? buildDr({
        config,
        logger,
        clock: backend.sharedClock,
        metrics,
        store,
        approvalStore: backend.approvals,
        awsClients,
        statusPage: statusPage.statusPage,
        instanceId: holderId,
        drillRuns: backend.drills,
        probes,
        ...(drills && {
          drills: new MultiAzDrillRecord({
            config,
            store: backend.drills,
            audit: backend.auditLog,
            metrics: metrics.drills,
            clock: backend.sharedClock,
            logger: logger.child({ component: 'drills' }),
          }),
        }),
        ...(deps.seams?.runSleep ? { sleep: deps.seams.runSleep } : {}),
      })
    : null;
  const slack = dr
    ? buildSlack({
        config,
        logger,
        metrics,
        clock,
        backend,
        engine,
        pager,
        dr,
        readiness,
        silences: noise.silences,
        audit,
        ...(drills ? { drills: drills.service } : {}),
        posture,
        ...(deps.seams ? { seams: deps.seams } : {}),
      })
    : null;
  if (slack && drills) drills.service.attachSlack(slack.outbox);

  const server = buildServer({
    logger,
    metrics,
    readiness: [
      { name: 'store', check: () => store.ping() },
      ...(statusPage.readiness ? [statusPage.readiness] : []),
      ...(pager.readiness ? [pager.readiness] : []),
      ...(slack ? [slack.bot.readiness] : []),
    ],
    beforeScrape: async () => metrics.setOpenIncidents(await store.openIncidentSeverities()),
  });
  if (statusPage.routes) void server.register(statusPage.routes);
  // Not wrapped in fastify-plugin: its raw-body parser must apply to /slack/events only.
  if (slack) void server.register(slack.bot.routes);
  const webhookSecret = config.env.pagerdutyWebhookSecret;
  if (webhookSecret) {
    void server.register(
      pagerDutyWebhookRoutes({
        secret: webhookSecret,
        ...(config.pagerduty.dedupPrefix !== undefined && { dedupPrefix: config.pagerduty.dedupPrefix }),
        incidents: engine,
        logger,
        metrics: metrics.paging,
      }),
    );
  }

  const apiToken = config.env.apiToken;
  if (apiToken) {
    const sources = { store, auditLog: backend.auditLog, approvals: backend.approvals, compactions: backend.retention };
    void server.register(timelineRoutes({ token: apiToken, markdown: (id) => incidentTimelineMarkdown(id, sources, clock.now()), logger }));
  }

  const detachSlack = subscribeParts({
    logger,
    metrics,
    backend,
    elector,
    monitor,
    readiness,
    engine,
    pager,
    statusPage,
    dr,
    slack,
    noise,
    audit,
    drills,
  });
  const demo = config.demo ? new DemoTarget({ ...config.demo, clock, logger: logger.child({ component: 'demo-target' }) }) : null;

  return {
    server,
    backend,
    store,
    engine,
    monitor,
    readiness,
    metrics,
    statusPage,
    pager,
    slack,
    dr,
    noise,
    drills,
    async start(port, host = '0.0.0.0') {
      if (demo) await demo.start();
      const address = await server.listen({ port, host });
      if (slack) {
        // Approvals compare times written by other replicas: agree on the shared clock first.
        await backend.sharedClock.start();
        await slack.bot.start();
        // Reports runs a dead process left behind, then sweeps expired requests.
        await slack.approvalUi.start();
        slack.archiver.start();
      }
      // Not awaited: a slow store must not hold the server's start; the gauge follows when it answers.
      if (drills) void drills.primeMetrics();
      elector.start();
      pager.start();
      backend.retention?.start();
      return address;
    },
    async stop() {
      // Order matters: stop taking requests, stop checking (and hand the lease back so another
      // replica takes over at once), then close what they used.
      await server.close();
      // A run in flight cannot finish within the SIGTERM budget (10 s). Hand it back at once:
      // marked interrupted with the step it stopped in, locks kept, its steps stopped before the
      // next AWS call; so Slack says so now instead of "Running" until its lease lapses elsewhere.
      // Nothing re-runs a step blindly. Then give the runners a moment to post where they stopped.
      if (dr) {
        await settleWithin(dr.approvals.handBackRuns(), RUNS_SETTLE_MS);
        await settleWithin(dr.approvals.whenIdle(), RUNS_SETTLE_MS);
      }
      drills?.scheduler.stop();
      await drills?.incidents.stop();
      // A recovery mid-cleanup keeps its lease: if cut off here, the next leader retries it after.
      await settleWithin(drills?.recovery.stop() ?? Promise.resolve(), RUNS_SETTLE_MS);
      // Cuts keepFor and restore waits short: each drill deletes what it created, then ends; before
      // the outbox's last pass, so its outcome reaches Slack now rather than from the next process.
      await settleWithin(drills?.service.stop() ?? Promise.resolve(), RUNS_SETTLE_MS);
      // A drill still going is left to the next leader, which deletes its copy by its tag.
      drills?.service.abandon();
      detachSlack();
      // Stops the approval sweep too, and drains the Slack updates the hand-back queued.
      if (slack) await slack.stop();
      // The passing results waiting in memory, written while the lease still holds: the successor
      // then shows them (those of runs ending after this are refused once the lease is handed back).
      await engine.flushQuietPasses();
      await elector.stop();
      await monitor.stop();
      await readiness.stop();
      await noise.sweeper.stop();
      await pager.stop();
      await backend.retention?.stop();
      if (demo) await demo.stop();
      await Promise.allSettled(closeProbes.map((close) => close()));
      awsClients.destroy();
      await backend.close();
    },
  };
}

/** How long stop() waits for the hand-back to be recorded, then for the runs to report where they stopped. */
const RUNS_SETTLE_MS = 2_000; // 2 seconds

async function settleWithin(task: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([
    task.then(
      () => undefined,
      () => undefined,
    ),
    timeout,
  ]);
  clearTimeout(timer);
}

function realProbes(clock: Clock, clients: AwsClients, closers: Array<() => Promise<void>>): Probes {
  const http = createHttpProber();
  closers.push(() => http.close());
  const lag = new ReplicationLagProbe({ clients, clock });
  const backup = new BackupProbe({ clients, clock });
  return {
    http: (spec, signal, options) => http.probe(spec, signal, options),
    lagBatch: (specs, signal) => lag.probeBatch(specs, signal),
    backup: (spec, signal) => backup.probe(spec, signal),
  };
}
