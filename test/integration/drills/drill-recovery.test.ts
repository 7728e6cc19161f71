import { createServer, type AddressInfo, type Server } from 'node:net';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Sleeper } from '../../../src/actions/wait-until.js';
import { SdkRdsGateway } from '../../../src/aws/rds-gateway-sdk.js';
import { SdkRoute53Gateway } from '../../../src/aws/route53-gateway-sdk.js';
import type { Backend } from '../../../src/backend/create-backend.js';
import type { Config, DrillConfig, RestoreRunbook } from '../../../src/config/types.js';
import { DrillRecovery } from '../../../src/drills/drill-recovery.js';
import { DrillService } from '../../../src/drills/drill-service.js';
import type { DrillStore } from '../../../src/drills/drill-store.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { Metrics } from '../../../src/observability/metrics.js';
import { nockAuroraForDrills } from '../../doubles/aurora-drill-fake.js';
import { httpAwsClients } from '../../doubles/aws-http.js';
import { MANUAL_CLOCK_START, ManualClock } from '../../doubles/manual-clock.js';
import { nockRdsForDrills, type RdsDrillFakeOptions } from '../../doubles/rds-drill-fake.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import { ORDERS_RESTORE } from '../../doubles/runbook-fixtures.js';
import { testBackend } from '../../doubles/test-backend.js';
import { FakeLagSource } from '../actions/fixtures.js';

/*
 * A drill whose process dies mid-restore, then the leader's recovery: real Redis for the drill
 * store, RDS answered statefully at the HTTP layer. The dead process is a DrillService whose
 * every store call and wait hangs from the moment it "dies": it never renews its liveness,
 * never sends another AWS call and never records anything, as after kill -9.
 */

const redisPrefix = useRedisPrefix('drill-recovery', { perTest: true });
const TARGET = 'orders-db-drill-20261121-120000';
const CLUSTER = 'orders-east-drill-20261121-120000';
const LIVENESS = { leaseMs: 150, everyMs: 50 };
const DRILL: DrillConfig = { restore: 'orders', keepForMs: 0, rtoMs: 30 * 60_000 };
const EAST: RestoreRunbook = {
  region: 'us-east-1',
  dbCluster: 'orders-east',
  instanceClass: 'db.r6g.large',
  securityGroups: [],
  overrides: {},
};

const CONFIG = {
  drills: { 'orders-restore': DRILL, 'east-restore': { ...DRILL, restore: 'east' } },
  runbooks: { failover: {}, restore: { orders: { ...ORDERS_RESTORE, overrides: {} }, east: EAST } },
  slack: {} as Config['slack'],
} as Pick<Config, 'drills' | 'runbooks' | 'slack'>;

let tcp: Server;
let endpoint: { address: string; port: number };

beforeEach(async () => {
  tcp = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  endpoint = { address: '127.0.0.1', port: (tcp.address() as AddressInfo).port };
});

afterEach(async () => {
  nock.cleanAll();
  await new Promise((resolve) => tcp.close(resolve));
});

/** A process that can die: from `die()` on, its store calls and waits never return. */
function mortal(store: DrillStore, clock: ManualClock, freezeWhen: () => boolean = () => false) {
  let dead = false;
  const hang = () => new Promise<never>(() => undefined);
  const frozenStore = new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => (dead ? hang() : (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
  const sleep: Sleeper = async (ms) => {
    if (dead || freezeWhen()) {
      dead = true;
      return hang();
    }
    clock.advance(ms);
  };
  return {
    store: frozenStore,
    sleep,
    die: () => {
      dead = true;
    },
    isDead: () => dead,
  };
}

function service(
  backend: Backend,
  clock: ManualClock,
  metrics: Metrics,
  over: { store?: DrillStore; sleep?: Sleeper; config?: typeof CONFIG; liveness?: typeof LIVENESS } = {},
): DrillService {
  const clients = httpAwsClients();
  return new DrillService({
    config: over.config ?? CONFIG,
    store: over.store ?? backend.drills,
    audit: backend.auditLog,
    messageRefs: backend.drillMessageRefs,
    metrics: metrics.drills,
    rds: new SdkRdsGateway(clients),
    route53: new SdkRoute53Gateway((kind) => clients.route53(kind)),
    lag: new FakeLagSource(),
    clock,
    logger: silentLogger(),
    sleep: over.sleep ?? (async (ms) => clock.advance(ms)),
    tcpTimeoutMs: 2_000,
    liveness: over.liveness ?? LIVENESS,
  });
}

function recovery(backend: Backend, clock: ManualClock, owner: string, report: DrillService): DrillRecovery {
  return new DrillRecovery({
    config: CONFIG,
    store: backend.drills,
    rds: new SdkRdsGateway(httpAwsClients()),
    clock,
    sleep: async (ms) => clock.advance(ms),
    logger: silentLogger(),
    owner,
    report: (outcome) => report.report(outcome),
    cleanup: { pollMs: 1_000, writerGoneMs: 10_000 },
  });
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  await vi.waitFor(async () => expect(await condition(), `timed out waiting for ${what}`).toBe(true), { timeout: 10_000, interval: 10 });
}

/** Past the dead run's liveness lease (Redis's own expiry, real time). */
const lapse = () => new Promise((resolve) => setTimeout(resolve, LIVENESS.leaseMs + 50));

function source(options: Partial<RdsDrillFakeOptions> = {}) {
  return nockRdsForDrills(
    { id: 'orders-db', status: 'available', engine: 'postgres', tags: [], latestRestorableTime: new Date(MANUAL_CLOCK_START - 60_000) },
    { endpoint, creatingFor: 3, ...options },
  );
}

describe('a drill whose process died', () => {
  it('is noticed once its liveness lapses; its copy is waited for while creating, then deleted by its tag, recorded and audited', async () => {
    const clock = new ManualClock();
    const backend = testBackend(redisPrefix.redis, redisPrefix.prefix, clock);
    const rds = source();
    const dying = mortal(backend.drills, clock);
    const metrics = new Metrics();
    const started = await service(backend, clock, new Metrics(), dying).start('orders-restore');
    expect(started).toEqual({ ok: true, runId: 'DRL-1' });
    await until(() => rds.instances.has(TARGET), 'the restore to be sent');
    dying.die();

    const leader = recovery(backend, clock, 'replica-b', service(backend, clock, metrics));
    expect(await leader.sweep()).toEqual([]); // still alive: its lease has not lapsed
    await lapse();
    // The copy is still creating: RDS would refuse the delete, so the run waits for a later sweep.
    expect(await leader.sweep()).toEqual([]);
    expect(rds.deleted).toEqual([]);
    let outcomes = await leader.sweep();
    for (let i = 0; outcomes.length === 0 && i < 5; i++) outcomes = await leader.sweep();

    expect(rds.deleted).toEqual([TARGET]);
    expect(rds.sent.find((s) => s.action === 'DeleteDBInstance')?.params).toMatchObject({
      DBInstanceIdentifier: TARGET,
      SkipFinalSnapshot: 'true',
    });
    expect(outcomes).toEqual([
      expect.objectContaining({
        drill: 'orders-restore',
        runId: 'DRL-1',
        result: 'interrupted',
        target: TARGET,
        source: 'orders-db',
        cleanup: [{ resource: TARGET, kind: 'instance', result: 'deleted', message: `${TARGET} is deleting` }],
      }),
    ]);
    expect(outcomes[0]?.summary).toBe(
      `Drill orders-restore was interrupted. The process running it stopped mid-drill (crash, kill or out of memory); the leader cleaned up what it was creating. Deleted: ${TARGET}.`,
    );
    expect((await backend.drills.history('orders-restore', 5)).map((o) => `${o.runId}:${o.result}`)).toEqual(['DRL-1:interrupted']);
    const audit = await backend.auditLog.newest({ limit: 10 });
    expect(audit.filter((e) => 'drillRunId' in e).map((e) => `${e.type}:${e.drillRunId}`)).toEqual([
      'drill-finished:DRL-1',
      'drill-started:DRL-1',
    ]);
    expect(await metrics.registry.metrics()).toContain('lifeboat_drill_runs_total{drill="orders-restore",outcome="interrupted"} 1');
    // Its claim is freed: the source can be drilled (or restored) again, and nothing is left to recover.
    expect(await backend.approvals.lockHolder(['runbook:restore:orders', 'rds:us-east-1:instance:orders-db'])).toBeNull();
    expect(await leader.sweep()).toEqual([]);
  });

  it('an Aurora drill: deletes the writer, waits until it is gone, then the cluster', async () => {
    const clock = new ManualClock();
    const backend = testBackend(redisPrefix.redis, redisPrefix.prefix, clock);
    const aurora = nockAuroraForDrills('orders-east', new Date(MANUAL_CLOCK_START - 60_000), endpoint);
    // Dies while waiting for the writer it just created.
    const dying = mortal(backend.drills, clock, () => aurora.writers.size > 0);
    expect((await service(backend, clock, new Metrics(), dying).start('east-restore')).ok).toBe(true);
    await until(dying.isDead, 'the writer to be created');
    await lapse();

    let outcomes = await recovery(backend, clock, 'replica-b', service(backend, clock, new Metrics())).sweep();
    for (let i = 0; outcomes.length === 0 && i < 5; i++)
      outcomes = await recovery(backend, clock, 'replica-b', service(backend, clock, new Metrics())).sweep();

    expect(aurora.deleted).toEqual([`instance:${CLUSTER}-w`, `cluster:${CLUSTER}`]);
    expect(outcomes.map((o) => [o.result, o.target, o.cleanup.map((s) => `${s.kind}:${s.result}`)])).toEqual([
      ['interrupted', CLUSTER, ['instance:deleted', 'cluster:deleted']],
    ]);
    expect(aurora.clusters.has('orders-east')).toBe(true);
  });

  it('never deletes a leftover whose tag does not match: reported as left behind', async () => {
    const clock = new ManualClock();
    const backend = testBackend(redisPrefix.redis, redisPrefix.prefix, clock);
    const rds = source({ tags: 'drop', creatingFor: 0 });
    const dying = mortal(backend.drills, clock);
    await service(backend, clock, new Metrics(), dying).start('orders-restore');
    await until(() => rds.instances.has(TARGET), 'the restore to be sent');
    dying.die();
    await lapse();

    const [outcome] = await recovery(backend, clock, 'replica-b', service(backend, clock, new Metrics())).sweep();

    expect(rds.actions).not.toContain('DeleteDBInstance');
    expect(rds.instances.get(TARGET)).toBeDefined();
    expect(outcome?.result).toBe('interrupted');
    expect(outcome?.cleanup).toEqual([
      {
        resource: TARGET,
        kind: 'instance',
        result: 'refused',
        message: `${TARGET} was not deleted: it carries no lifeboat:drill tag, not lifeboat:drill=DRL-1`,
      },
    ]);
    expect(outcome?.summary).toContain(`Left behind: ${TARGET} was not deleted`);
  });

  it('two replicas sweeping at once: one cleans the run, once', async () => {
    const clock = new ManualClock();
    const backend = testBackend(redisPrefix.redis, redisPrefix.prefix, clock);
    const other = testBackend(redisPrefix.redis, redisPrefix.prefix, clock);
    const rds = source({ creatingFor: 0 });
    const dying = mortal(backend.drills, clock);
    await service(backend, clock, new Metrics(), dying).start('orders-restore');
    await until(() => rds.instances.has(TARGET), 'the restore to be sent');
    dying.die();
    await lapse();

    const [b, c] = await Promise.all([
      recovery(backend, clock, 'replica-b', service(backend, clock, new Metrics())).sweep(),
      recovery(other, clock, 'replica-c', service(other, clock, new Metrics())).sweep(),
    ]);

    expect([...b, ...c].map((o) => o.runId)).toEqual(['DRL-1']);
    expect(rds.deleted).toEqual([TARGET]);
    expect(await backend.drills.history('orders-restore', 5)).toHaveLength(1);
    const finished = (await backend.auditLog.newest({ limit: 10 })).filter((e) => e.type === 'drill-finished');
    expect(finished).toHaveLength(1);
  });

  it('a live drill is never taken over: it renews its liveness and ends with its own outcome', async () => {
    const clock = new ManualClock();
    const backend = testBackend(redisPrefix.redis, redisPrefix.prefix, clock);
    const rds = source({ creatingFor: 0 });
    const metrics = new Metrics();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A drill kept in its keepFor wait for three liveness leases, alive throughout.
    const drills = { ...CONFIG.drills, 'orders-restore': { ...DRILL, keepForMs: 60_000 } };
    const keeping = service(backend, clock, metrics, {
      config: { ...CONFIG, drills },
      sleep: async (ms) => {
        if (ms === 60_000) await held;
        clock.advance(ms);
      },
    });
    await keeping.start('orders-restore');
    await until(() => rds.instances.get(TARGET)?.status === 'available', 'the copy to be available');
    const leader = recovery(backend, clock, 'replica-b', service(backend, clock, new Metrics()));
    for (let i = 0; i < 3; i++) {
      await lapse();
      expect(await leader.sweep()).toEqual([]);
    }
    release();
    await keeping.settled();
    expect((await backend.drills.history('orders-restore', 5)).map((o) => o.result)).toEqual(['passed']);
    expect(rds.deleted).toEqual([TARGET]);
  });

  it("a drill paused past its lease and taken over sends no restore when it wakes: the leader's outcome stands", async () => {
    const clock = new ManualClock();
    const backend = testBackend(redisPrefix.redis, redisPrefix.prefix, clock);
    const rds = source({ creatingFor: 0 });
    let wake: () => void = () => undefined;
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    let paused = false;
    // The process stalls right after planning (a long GC pause, a frozen VM): no renewals, nothing sent.
    const stalling = new Proxy(backend.drills, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          if (property === 'planned') paused = true;
          if (paused) await woken;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    // No renewal in this test's time: only the last look before the restore can notice the take-over.
    const drill = service(backend, clock, new Metrics(), { store: stalling, liveness: { leaseMs: LIVENESS.leaseMs, everyMs: 60_000 } });
    expect((await drill.start('orders-restore')).ok).toBe(true);
    await until(() => paused, 'the drill to plan');
    await lapse();

    const [outcome] = await recovery(backend, clock, 'replica-b', service(backend, clock, new Metrics())).sweep();
    expect(outcome).toMatchObject({ runId: 'DRL-1', result: 'interrupted', cleanup: [] });
    expect(outcome?.summary).toContain('stopped before it created anything');

    paused = false;
    wake();
    await drill.settled();
    expect(rds.actions).not.toContain('RestoreDBInstanceToPointInTime');
    expect((await backend.drills.history('orders-restore', 5)).map((o) => `${o.runId}:${o.result}`)).toEqual(['DRL-1:interrupted']);
  });
});
