import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AwsClients } from './aws/aws-clients.js';
import type { Config } from './config/types.js';
import { systemClock, type Clock } from './core/clock.js';
import { IncidentEngine } from './incidents/incident-engine.js';
import { DemoTarget } from './monitor/demo-target.js';
import type { Probes } from './monitor/build-jobs.js';
import { LeaderElector } from './monitor/leader-elector.js';
import { Monitor } from './monitor/monitor.js';
import { BackupProbe } from './monitor/probes/backup-probe.js';
import { createHttpProber } from './monitor/probes/http-probe.js';
import { ReplicationLagProbe } from './monitor/probes/replication-lag-probe.js';
import type { Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { buildServer } from './server/build-server.js';
import type { Redis } from 'ioredis';
import { buildDr, type DrParts } from './app-dr.js';
import { buildSlack, type SlackParts } from './app-slack.js';
import { statusPageAuthNotice } from './bot/operator-notices.js';
import { createPager } from './paging/create-pager.js';
import type { Pager } from './paging/pager.js';
import { createStatusPage, type StatusPageModule } from './statuspage/create-status-page.js';
import { createStoreBackend, DEFAULT_KEY_PREFIX } from './store/create-store.js';
import { IncidentRetention } from './store/incident-retention.js';
import { approvalKeys } from './approvals/approval-keys.js';
import { pagingRedisKeys } from './paging/paging-redis-keys.js';
import type { Store } from './store/store.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Injected in tests (with `redis` when it is a RedisStore); otherwise built from `config.env.redisUrl`. */
  store?: Store;
  /** The Redis connection behind an injected store, shared by the other Redis-backed parts. */
  redis?: Redis | null;
  keyPrefix?: string;
  /** Injected in tests; otherwise real HTTP, CloudWatch and RDS probes. */
  probes?: Probes;
  /** Unique per process; distinguishes lease holders. */
  holderId?: string;
}

/** The wired service. `start` listens and begins leader election; `stop` drains and closes. */
export interface App {
  readonly server: FastifyInstance;
  readonly store: Store;
  readonly engine: IncidentEngine;
  readonly monitor: Monitor;
  readonly metrics: Metrics;
  readonly statusPage: StatusPageModule;
  readonly pager: Pager;
  /** Null when Slack is off (no SLACK_BOT_TOKEN): then nothing can be approved, so no DR actions. */
  readonly slack: SlackParts | null;
  readonly dr: DrParts | null;
  /** Listens on `port` (0 for any); returns the base URL. */
  start(port: number, host?: string): Promise<string>;
  stop(): Promise<void>;
}

/** Builds every part from config and dependencies without opening a port. */
export function buildApp(deps: AppDeps): App {
  const { config, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const backend = deps.store
    ? { store: deps.store, redis: deps.redis ?? null, keyPrefix: deps.keyPrefix ?? DEFAULT_KEY_PREFIX }
    : createStoreBackend({ redisUrl: config.env.redisUrl, logger, clock });
  const { store } = backend;
  const metrics = new Metrics();
  const closeProbes: Array<() => Promise<void>> = [];
  const awsClients = new AwsClients();
  const probes = deps.probes ?? realProbes(clock, awsClients, closeProbes);
  const holderId = deps.holderId ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

  let elector: LeaderElector | null = null;
  const engine = new IncidentEngine({
    store,
    clock,
    logger: logger.child({ component: 'incidents' }),
    policies: new Map(config.checks.map((c) => [c.id, { failAfter: c.failAfter, recoverAfter: c.recoverAfter }])),
    // Every replica runs an elector, the in-memory store included: writes always carry the lease.
    fencing: { mode: 'leader-lease', currentLease: () => elector?.currentLease() ?? null },
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

  elector = new LeaderElector({
    store,
    name: 'monitor',
    holder: holderId,
    ttlMs: config.monitor.leaseTtlMs,
    logger: logger.child({ component: 'leader' }),
    onElected: (lease) => {
      metrics.isLeader.set(1);
      engine.resetCache();
      // The term's lease fences every result of the runs it starts, even ones that land later.
      monitor.start(lease);
    },
    onDemoted: () => {
      metrics.isLeader.set(0);
      // stop() ends the term before its first await: from here no result of ours is written.
      monitor.stop().catch((err: unknown) => logger.error({ err }, 'monitor did not stop cleanly after demotion'));
    },
  });

  // Slack is built last (it needs the pager and the DR parts) but they tell it things: late-bound.
  let slack: SlackParts | null = null;
  const statusPage = createStatusPage({
    config,
    logger,
    redis: backend.redis,
    keyPrefix: backend.keyPrefix,
    clock,
    incidents: store,
    onAuthFailure: (error) => slack?.notices.notify('statuspage-auth', statusPageAuthNotice(error)),
  });
  // Any replica may deliver pages: every claim on the queue is atomic in the store.
  const pager = createPager({
    config,
    logger,
    metrics,
    redis: backend.redis,
    keyPrefix: backend.keyPrefix,
    clock,
    slackLinkFor: (incidentId) => slack?.links.slackLinkFor(incidentId),
  });
  // Subscribed before the Slack notifier, so an incident's first message already shows its page.
  engine.subscribe((change) => pager.onIncidentChange(change));
  // Bounded growth (config `retention`): a resolved incident is compacted and expires; a sweep trims the rest.
  const retention = backend.redis
    ? new IncidentRetention({
        redis: backend.redis,
        keyPrefix: backend.keyPrefix,
        policy: config.retention,
        clock,
        logger: logger.child({ component: 'retention' }),
        incidentKeys: (id) => [pagingRedisKeys(backend.keyPrefix).incident(id)],
        auditStreams: [approvalKeys(backend.keyPrefix).audit()],
      })
    : null;
  if (retention) engine.subscribe((change) => (change.event?.type === 'resolved' ? retention.onResolved(change.incident) : undefined));

  const slackOn = Boolean(config.env.slackBotToken);
  const dr = slackOn
    ? buildDr({
        config,
        logger,
        clock,
        metrics,
        store,
        redis: backend.redis,
        keyPrefix: backend.keyPrefix,
        awsClients,
        statusPage: statusPage.statusPage,
        instanceId: holderId,
      })
    : null;
  slack = dr
    ? buildSlack({ config, logger, metrics, clock, store, redis: backend.redis, keyPrefix: backend.keyPrefix, engine, pager, dr })
    : null;

  const server = buildServer({
    logger,
    metrics,
    readiness: [
      { name: 'store', check: () => store.ping() },
      ...(statusPage.readiness ? [statusPage.readiness] : []),
      ...(pager.readiness ? [pager.readiness] : []),
      ...(slack ? [slack.bot.readiness] : []),
    ],
    beforeScrape: async () => metrics.setOpenIncidents((await store.listOpenIncidents()).map((i) => i.severity)),
  });
  if (statusPage.routes) void server.register(statusPage.routes);
  // Not wrapped in fastify-plugin: its raw-body parser must apply to /slack/events only.
  if (slack) void server.register(slack.bot.routes);

  const demo = config.demo ? new DemoTarget({ ...config.demo, clock, logger: logger.child({ component: 'demo-target' }) }) : null;
  const leader = elector;

  return {
    server,
    store,
    engine,
    monitor,
    metrics,
    statusPage,
    pager,
    slack,
    dr,
    async start(port, host = '0.0.0.0') {
      if (demo) await demo.start();
      const address = await server.listen({ port, host });
      if (slack) {
        // Approvals compare times written by other replicas: agree on Redis's clock first.
        await dr?.clock.start?.();
        await slack.bot.start();
        // Reports runs a dead process left behind, then sweeps expired requests.
        await slack.approvalUi.start();
      }
      leader.start();
      pager.start();
      retention?.start();
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
      // Stops the approval sweep too, and drains the Slack updates the hand-back queued.
      if (slack) await slack.stop();
      dr?.clock.stop?.();
      await leader.stop();
      await monitor.stop();
      await pager.stop();
      await retention?.stop();
      if (demo) await demo.stop();
      await Promise.allSettled(closeProbes.map((close) => close()));
      awsClients.destroy();
      await store.close();
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
    http: (spec, signal) => http.probe(spec, signal),
    lagBatch: (specs, signal) => lag.probeBatch(specs, signal),
    backup: (spec, signal) => backup.probe(spec, signal),
  };
}
