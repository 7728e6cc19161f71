import type { Redis } from 'ioredis';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisPagingQueue } from '../../../src/backend/redis/redis-paging-queue.js';
import { RedisStore } from '../../../src/backend/redis/redis-store.js';
import { MANUAL_CLOCK_START as T0, ManualClock } from '../../doubles/manual-clock.js';
import { ACCEPTED, nockEnqueue, watchUnmatched } from '../../doubles/pagerduty-events-nock.js';
import { fail, lag } from '../../doubles/results.js';
import { apiTrigger, lagTrigger } from './expected-events.js';
import { pagerHarness, type PagerHarness } from './pager-harness.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';

const db = useRedisPrefix('pager', { perTest: true });
const MINUTE = 60_000;
let unmatched: ReturnType<typeof watchUnmatched>;

beforeEach(() => {
  nock.disableNetConnect();
  unmatched = watchUnmatched();
});
afterEach(() => {
  unmatched.stop();
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(unmatched.requests, 'requests no interceptor expected').toEqual([]);
  expect(pending, 'interceptors never called').toEqual([]);
});

/** One Lifeboat process on the shared Redis: its own connection, store, engine and pager. */
function replica(client: Redis, clock: ManualClock): PagerHarness {
  return pagerHarness({ clock, redis: client, keyPrefix: db.prefix, store: new RedisStore({ redis: client, keyPrefix: db.prefix }) });
}

describe('pager on Redis', () => {
  it('a restart with an event still waiting (PagerDuty was down) delivers it, once', async () => {
    const clock = new ManualClock();
    const bodies: unknown[] = [];
    nockEnqueue(bodies, { status: 503 }, ACCEPTED);
    const before = replica(db.redis, clock);
    await before.engine.apply(fail('SEV1', 'api'));
    await before.pager.runOnce(); // 503: retry in 750 ms; then this process goes away

    clock.advance(750);
    const after = replica(db.other, clock);
    await after.pager.runOnce();
    await after.pager.runOnce();

    expect(bodies).toEqual([apiTrigger('INC-1', T0), apiTrigger('INC-1', T0)]);
    expect(await after.pager.pagingState('INC-1')).toMatchObject({ status: 'triggered' });
  });

  it('an event queued but never attempted before a restart is delivered by the next process', async () => {
    const clock = new ManualClock();
    const before = replica(db.redis, clock);
    await before.engine.apply(fail('SEV1', 'api')); // queued; the process dies before its loop runs

    const bodies: unknown[] = [];
    nockEnqueue(bodies, ACCEPTED);
    await replica(db.other, clock).pager.runOnce();
    expect(bodies).toEqual([apiTrigger('INC-1', T0)]);
  });

  it('an event claimed by a replica that died mid-send is delivered by another once the lease lapses', async () => {
    const clock = new ManualClock();
    const first = replica(db.redis, clock);
    await first.engine.apply(fail('SEV1', 'api'));
    // The dead replica's claim, taken exactly as its worker would (30 s lease), never completed.
    expect(await new RedisPagingQueue(db.redis, db.prefix).claimNext(clock.now(), 30_000)).not.toBeNull();

    const survivor = replica(db.other, clock);
    clock.advance(29_999);
    await survivor.pager.runOnce(); // still leased: nothing sent

    const bodies: unknown[] = [];
    nockEnqueue(bodies, ACCEPTED);
    clock.advance(1);
    await survivor.pager.runOnce();
    expect(bodies).toEqual([apiTrigger('INC-1', T0)]);
  });

  it('two replicas sweeping the same due escalation at the same moment page once', async () => {
    const clock = new ManualClock();
    const a = replica(db.redis, clock);
    const b = replica(db.other, clock);
    await a.engine.apply(lag(90, 'SEV3'));

    const bodies: unknown[] = [];
    nockEnqueue(bodies, ACCEPTED);
    clock.advance(15 * MINUTE);
    await Promise.all([a.pager.runOnce(), b.pager.runOnce(), a.pager.runOnce(), b.pager.runOnce()]);
    await Promise.all([a.pager.runOnce(), b.pager.runOnce()]);

    expect(bodies).toEqual([
      lagTrigger({
        incidentId: 'INC-1',
        severity: 'SEV3',
        lagSeconds: 90,
        at: T0 + 15 * MINUTE,
        reason: 'SEV3 was not acknowledged within 15m',
        note: 'unacknowledged for 15m',
      }),
    ]);
  });

  it('the escalation timer survives a restart: not postponed by the new process, and fired once', async () => {
    const clock = new ManualClock();
    await replica(db.redis, clock).engine.apply(lag(90, 'SEV3'));

    clock.advance(10 * MINUTE);
    const restarted = replica(db.other, clock);
    await restarted.engine.apply(lag(95, 'SEV3')); // same incident, a new value seen by the new process
    clock.set(T0 + 15 * MINUTE - 1);
    await restarted.pager.runOnce();

    const bodies: unknown[] = [];
    nockEnqueue(bodies, ACCEPTED);
    clock.set(T0 + 15 * MINUTE);
    await restarted.pager.runOnce();
    clock.advance(60 * MINUTE);
    await restarted.pager.runOnce();
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({ payload: { summary: 'SEV3 INC-1 orders-lag: lag 95s (unacknowledged for 15m)' } });
  });

  it('acknowledging on one replica cancels the escalation the other replica would fire', async () => {
    const clock = new ManualClock();
    const a = replica(db.redis, clock);
    const b = replica(db.other, clock);
    await a.engine.apply(lag(90, 'SEV3'));
    clock.advance(5 * MINUTE);
    await b.engine.acknowledge('INC-1', 'U0AAA');
    clock.advance(15 * MINUTE);
    await Promise.all([a.pager.runOnce(), b.pager.runOnce()]); // any request would be unmatched
    expect(await a.pager.pagingState('INC-1')).toBeNull();
  });
});
