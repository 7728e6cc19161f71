import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { RedisStore } from '../../../src/backend/redis/redis-store.js';
import type { FlapPolicy } from '../../../src/core/evaluate-result.js';
import { IncidentEngine } from '../../../src/incidents/incident-engine.js';
import { silentLogger } from '../../../src/observability/logger.js';
import type { Lease } from '../../../src/store/store.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import { fail, pass } from '../../doubles/results.js';
import { openMonitorFeed } from '../../doubles/monitor-feed.js';

/* Passes that change nothing are not committed one by one (issue 15): counted on Redis itself. */

const bed = useRedisPrefix('quiet-engine', { perTest: true });
const monitors: Array<{ close(): void }> = [];
afterAll(() => {
  for (const m of monitors) m.close();
});

const policy: FlapPolicy = { failAfter: 3, recoverAfter: 2 };
const policies = new Map([
  ['api', policy],
  ['web', policy],
]);

/**
 * Every command clients send under this test's prefix, as Redis's MONITOR reports it (commands
 * run inside scripts are left out: they come from the one EVALSHA that ran them). `settle()`
 * sends a marker and waits until MONITOR has shown it, so everything before it was counted.
 */
async function watchCommands(prefix: string): Promise<{ sent: string[][]; settle(): Promise<void> }> {
  const sent: string[][] = [];
  let marker: (() => void) | null = null;
  const monitor = await openMonitorFeed(({ args, source }) => {
    if (source === 'lua' || !args.some((a) => a.startsWith(prefix))) return;
    if (args[1] === `${prefix}marker`) marker?.();
    else sent.push(args);
  });
  monitors.push(monitor);
  return {
    sent,
    settle: () =>
      new Promise<void>((resolve) => {
        marker = resolve;
        void bed.redis.get(`${prefix}marker`);
      }),
  };
}

function replica(redis: Redis, lease: () => Lease | null, quietPassFlushMs?: number) {
  const store = new RedisStore({ redis, keyPrefix: bed.prefix });
  const engine = new IncidentEngine({
    store,
    clock: new ManualClock(),
    logger: silentLogger(),
    policies,
    fencing: { mode: 'leader-lease', currentLease: lease },
    ...(quietPassFlushMs !== undefined ? { quietPassFlushMs } : {}),
  });
  return { store, engine };
}

describe('a pass on a check with no incident and no failure streak', () => {
  it('sends nothing to Redis; the latest one is written in one fenced batch that any replica reads', async () => {
    const commands = await watchCommands(bed.prefix);
    const leader = replica(bed.redis, () => lease);
    const lease = (await leader.store.acquireLease('monitor', 'a', 10_000))!;
    await commands.settle();
    commands.sent.length = 0;

    for (let run = 1; run <= 20; run += 1) {
      expect(await leader.engine.apply(pass('api', run * 1_000), lease)).toBeNull();
      expect(await leader.engine.apply(pass('web', run * 1_000), lease)).toBeNull();
    }
    await commands.settle();
    // One read per check when the term first met it (state and latest pass, one round trip); no write.
    expect(commands.sent.map((c) => c[0]?.toLowerCase())).toEqual(['get', 'hget', 'get', 'hget']);

    await leader.engine.flushQuietPasses();
    await commands.settle();
    // One script call (EVAL the first time on a connection, EVALSHA after), whatever the count of passes.
    expect(commands.sent.slice(4).map((c) => c[0]?.toLowerCase())).toEqual([expect.stringMatching(/^eval(sha)?$/)]);

    // What /dr status and the failover lag guard read, from another replica's connection.
    const standby = new RedisStore({ redis: bed.other, keyPrefix: bed.prefix });
    expect(await standby.getCheckState('api')).toMatchObject({
      consecutiveFailures: 0,
      consecutiveSuccesses: 20,
      openIncidentId: null,
      lastResult: { startedAt: 20_000, ok: true },
    });
  });

  it('is written within the flush interval without being asked', async () => {
    let lease: Lease | null = null;
    const leader = replica(bed.redis, () => lease, 50);
    lease = await leader.store.acquireLease('monitor', 'a', 10_000);
    await leader.engine.apply(pass('api', 1_000), lease!);
    const reader = new RedisStore({ redis: bed.other, keyPrefix: bed.prefix });
    expect(await reader.getCheckState('api')).toBeNull();
    // Polled: the 50 ms flush timer can fire late on a busy machine; nothing here asks for a flush.
    await vi.waitFor(async () => expect(await reader.getCheckState('api')).toMatchObject({ lastResult: { startedAt: 1_000 } }), {
      timeout: 10_000,
    });
  });
});

describe('a failing streak across a change of leader', () => {
  it('opens exactly one incident; the stale leader writes nothing, passes included', async () => {
    let leaseA: Lease | null = null;
    let leaseB: Lease | null = null;
    const a = replica(bed.redis, () => leaseA);
    const b = replica(bed.other, () => leaseB);
    leaseA = await a.store.acquireLease('monitor', 'a', 150);

    // Term A: passes (quiet, written at the end of nothing yet), then two failures (committed, fenced).
    await a.engine.apply(pass('api', 1_000), leaseA!);
    await a.engine.apply(pass('web', 1_000), leaseA!);
    await a.engine.apply(fail('SEV2', 'api', 2_000), leaseA!);
    await a.engine.apply(fail('SEV2', 'api', 3_000), leaseA!);
    expect(await b.store.getCheckState('api')).toMatchObject({ consecutiveFailures: 2 });

    // A's lease lapses without A noticing (a stall); B takes over in a new term.
    await new Promise((resolve) => setTimeout(resolve, 200));
    leaseB = await b.store.acquireLease('monitor', 'b', 10_000);
    expect(leaseB).not.toBeNull();
    b.engine.resetCache();

    // Both measure the third failure: only B's lands, and it continues A's committed streak.
    expect(await a.engine.apply(fail('SEV2', 'api', 4_000), leaseA!)).toBeNull();
    const opened = await b.engine.apply(fail('SEV2', 'api', 4_100), leaseB!);
    expect(opened?.event?.type).toBe('opened');
    expect(await a.engine.apply(fail('SEV2', 'api', 5_000), leaseA!)).toBeNull();
    expect(await b.engine.apply(fail('SEV2', 'api', 5_100), leaseB!)).toBeNull(); // same value: no change

    // A's waiting passes (web at 1 s, and one more) are refused; B's are what readers see.
    await a.engine.apply(pass('web', 6_000), leaseA!);
    await a.engine.flushQuietPasses();
    expect(await b.store.getCheckState('web')).toBeNull();
    await b.engine.apply(pass('web', 6_100), leaseB!);
    await b.engine.flushQuietPasses();
    expect(await a.store.getCheckState('web')).toMatchObject({ consecutiveSuccesses: 1, lastResult: { startedAt: 6_100 } });

    // (A's refused opening still drew an incident number: numbers may skip, incidents never double.)
    const incidents = await b.store.listRecentIncidents(10);
    expect(incidents.map((i) => `${i.id} ${i.state}`)).toEqual([`${opened?.incident.id} open`]);
    expect(await b.store.getIncidentEvents(opened!.incident.id)).toHaveLength(1);
    expect(await b.store.getCheckState('api')).toMatchObject({
      consecutiveFailures: 4,
      openIncidentId: opened?.incident.id,
      lastResult: { startedAt: 5_100 },
    });
  });

  it('a new term reads the passes the last one wrote and keeps counting them', async () => {
    let lease: Lease | null = null;
    const first = replica(bed.redis, () => lease);
    lease = await first.store.acquireLease('monitor', 'a', 10_000);
    for (let run = 1; run <= 3; run += 1) await first.engine.apply(pass('api', run * 1_000), lease!);
    await first.engine.flushQuietPasses(); // what Monitor.stop does at the end of a term

    const next = replica(bed.other, () => lease);
    lease = await next.store.acquireLease('monitor', 'a', 10_000);
    await next.engine.apply(pass('api', 4_000), lease!);
    await next.engine.apply(fail('SEV2', 'api', 5_000), lease!);
    expect(await first.store.getCheckState('api')).toMatchObject({
      consecutiveFailures: 1,
      consecutiveSuccesses: 0,
      lastResult: { ok: false },
    });
    await next.engine.apply(pass('api', 6_000), lease!);
    expect(await first.store.getCheckState('api')).toMatchObject({
      consecutiveFailures: 0,
      consecutiveSuccesses: 1,
      lastResult: { startedAt: 6_000 },
    });
  });
});
