import { afterEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { LAPSE_SLACK_MS, LeaderElector, type StandbyWait } from '../../../src/monitor/leader-elector.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { RedisStore } from '../../../src/backend/redis/redis-store.js';
import type { Lease, Store } from '../../../src/store/store.js';
import { PartitionableStore } from '../../doubles/partitionable-store.js';
import { aCheckState } from '../store/fixtures.js';
import { newRedisClient, sleep } from '../../doubles/test-redis.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';

const db = useRedisPrefix('leader', { perTest: true });
// ms; electors tick every 300 ms. A leader loses the lease only if its renewals stall for 600 ms:
// twice what a busy CI machine has been seen to stall the event loop for.
const TTL = 900;
const TICK = TTL / 3;
/** How long to wait for something that must happen, when how soon is not what is tested. */
const PATIENCE_MS = 10_000;
/** A stall of the event loop on a busy machine that a bound on elapsed time must absorb. */
const STALL_MS = 500;

interface Happening {
  who: string;
  what: 'elected' | 'demoted';
  at: number;
}

/** One "process": its own Redis connection, store and elector, all recording into `log`. */
interface Replica {
  name: string;
  redis: Redis;
  store: RedisStore;
  elector: LeaderElector;
}

let log: Happening[];
let replicas: Replica[];
afterEach(async () => {
  for (const replica of replicas) {
    await replica.elector.stop();
    if (replica.redis.status !== 'end') await replica.redis.quit();
  }
});

function setUp(): void {
  log = [];
  replicas = [];
}

function replica(
  name: string,
  ttlMs = TTL,
  wrap: (store: Store) => Store = (s) => s,
  onStandbyWait?: (wait: StandbyWait) => void,
): Replica {
  const redis = newRedisClient();
  // A dead replica's client errors on every call; the elector logs them, the test need not.
  redis.on('error', () => {});
  const store = new RedisStore({ redis, keyPrefix: db.prefix });
  const elector = new LeaderElector({
    store: wrap(store),
    name: 'monitor',
    holder: `${name}:${process.pid}`,
    ttlMs,
    logger: silentLogger(),
    ...(onStandbyWait ? { onStandbyWait } : {}),
  });
  elector.onTerm({
    elected: () => log.push({ who: name, what: 'elected', at: Date.now() }),
    demoted: () => log.push({ who: name, what: 'demoted', at: Date.now() }),
  });
  const created = { name, redis, store, elector };
  replicas.push(created);
  return created;
}

async function waitFor<T>(probe: () => T | null | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

const electedAfter = (who: string, since: number) => () => log.find((h) => h.who === who && h.what === 'elected' && h.at >= since);

describe('leader election over Redis', () => {
  it('two replicas competing for one lease: exactly one is elected, and stays so', async () => {
    setUp();
    const a = replica('a');
    const b = replica('b');
    a.elector.start();
    b.elector.start();

    await waitFor(() => log[0], PATIENCE_MS, 'a leader');
    await sleep(TTL * 3); // several renewals and acquisition attempts

    expect(log).toHaveLength(1);
    const leaders = [a, b].filter((r) => r.elector.currentLease() !== null);
    expect(leaders.map((r) => r.name)).toEqual([log[0]!.who]);
  });

  it('a leader that dies without releasing is replaced within the ttl plus one tick', async () => {
    setUp();
    const a = replica('a');
    a.elector.start();
    const old = await waitFor(() => a.elector.currentLease(), PATIENCE_MS, 'a elected');
    const b = replica('b');
    b.elector.start();
    await sleep(TICK * 2);
    expect(b.elector.currentLease()).toBeNull();

    const killedAt = Date.now();
    a.redis.disconnect(); // abrupt: no release, every later call fails

    const taken = await waitFor(electedAfter('b', killedAt), PATIENCE_MS, 'b elected');
    // Slack for timer jitter, round-trips and a stalled loop; without the lease expiring this would never happen.
    expect(taken.at - killedAt).toBeLessThan(TTL + TICK + 200 + STALL_MS);
    const lease = b.elector.currentLease();
    expect(lease!.token).toBeGreaterThan(old.token);
    // The cut-off leader stopped acting on its own before its successor started.
    const demoted = log.find((h) => h.who === 'a' && h.what === 'demoted');
    expect(demoted).toBeDefined();
    expect(demoted!.at).toBeLessThanOrEqual(taken.at);
  });

  it('a partitioned leader demotes itself before a successor is elected, and its old fence is refused', async () => {
    setUp();
    let partitionable: PartitionableStore | undefined;
    const a = replica('a', TTL, (store) => (partitionable = new PartitionableStore(store)));
    a.elector.start();
    const stale: Lease = await waitFor(() => a.elector.currentLease(), PATIENCE_MS, 'a elected');
    const b = replica('b');
    b.elector.start();

    const cutAt = Date.now();
    partitionable!.partition(); // calls now hang: a cannot tell whether its renewals land
    const taken = await waitFor(electedAfter('b', cutAt), PATIENCE_MS, 'b elected');

    const demoted = log.find((h) => h.who === 'a' && h.what === 'demoted');
    expect(demoted).toBeDefined();
    expect(demoted!.at).toBeLessThanOrEqual(taken.at);
    expect(a.elector.currentLease()).toBeNull();

    // The network heals; a's in-flight evaluation lands with the lease it used to hold.
    partitionable!.heal();
    expect(await a.store.commitEvaluation({ fence: stale, checkState: aCheckState('api', 'INC-9') })).toBe('fenced');
    expect(await a.store.getCheckState('api')).toBeNull();
    const current = b.elector.currentLease()!;
    expect(await b.store.commitEvaluation({ fence: current, checkState: aCheckState('api') })).toBe('committed');

    // And a, back on the network, does not take the lease from b.
    await sleep(TICK * 3);
    expect(a.elector.currentLease()).toBeNull();
    expect(b.elector.currentLease()).toEqual(current);
  });

  it('a graceful stop releases the lease, so the other replica takes over well before the ttl', async () => {
    setUp();
    const longTtl = 3_000; // ms; ticks every second
    const a = replica('a', longTtl);
    a.elector.start();
    await waitFor(() => a.elector.currentLease(), PATIENCE_MS, 'a elected');
    const b = replica('b', longTtl);
    b.elector.start();

    const stoppedAt = Date.now();
    await a.elector.stop();
    expect(log.filter((h) => h.who === 'a').map((h) => h.what)).toEqual(['elected', 'demoted']);
    expect(a.elector.currentLease()).toBeNull();

    // b's next attempt (at most one tick away) finds the lease free; waiting out the ttl would take 2-3 s.
    const taken = await waitFor(electedAfter('b', stoppedAt), PATIENCE_MS, 'b elected');
    expect(taken.at - stoppedAt).toBeLessThan(longTtl * 0.6);
  });

  it('a standby times its next attempt from the holder PTTL and takes over as soon as the lease lapses', async () => {
    setUp();
    const ttl = 3_000; // ticks every second
    const interval = ttl / 3;
    const a = replica('a', ttl);
    a.elector.start();
    const old = await waitFor(() => a.elector.currentLease(), PATIENCE_MS, 'a elected');
    // Half a tick out of phase with a's renewals: a standby polling every tick would come back
    // about half a tick after the lease lapses.
    await sleep(interval / 2);
    const waits: Array<StandbyWait & { at: number }> = [];
    const b = replica(
      'b',
      ttl,
      (s) => s,
      (wait) => waits.push({ ...wait, at: Date.now() }),
    );
    b.elector.start();
    await waitFor(() => waits[0], PATIENCE_MS, 'b refused once');

    a.redis.disconnect(); // killed: no release, no renewals
    const askedAt = Date.now();
    const lapsesInMs = await db.redis.pttl(`${db.prefix}lease:monitor`);
    // Redis read the PTTL after askedAt, so this is at or before the real lapse: never flaky.
    const lapseAt = askedAt + lapsesInMs;
    expect(lapsesInMs).toBeGreaterThan(0);

    const taken = await waitFor(electedAfter('b', 0), PATIENCE_MS, 'b elected');
    expect(b.elector.currentLease()!.token).toBeGreaterThan(old.token);
    // Ordering: b never held it before the lease lapsed in Redis.
    expect(taken.at).toBeGreaterThanOrEqual(lapseAt);
    // Before the lapse b waited whole ticks; its last wait was the PTTL it was told, not a tick.
    const refused = waits.filter((w) => w.at <= taken.at);
    const last = refused.at(-1)!;
    expect(last.lapsesInMs).toBeLessThan(interval);
    expect(last.waitMs).toBeLessThanOrEqual(last.lapsesInMs + LAPSE_SLACK_MS);
    // Less only by the reply's round-trip, which a stalled loop lengthens.
    expect(last.waitMs).toBeGreaterThanOrEqual(last.lapsesInMs - 250 - STALL_MS);
    // A lease a tick or more from lapsing means a whole tick. One nearer can be seen before the
    // last refusal too, when a busy machine held back a's renewal: then it is timed from the PTTL.
    for (const earlier of refused.slice(0, -1)) {
      if (earlier.lapsesInMs >= interval + 250 + STALL_MS) expect(earlier.waitMs).toBe(interval);
      else expect(earlier.waitMs).toBeLessThanOrEqual(Math.min(interval, earlier.lapsesInMs + LAPSE_SLACK_MS));
    }
    expect(refused.slice(0, -1).some((w) => w.waitMs === interval)).toBe(true);
  });
});
