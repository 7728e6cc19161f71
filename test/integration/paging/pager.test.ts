import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PageOnCall } from '../../../src/bot/bot-ports.js';
import { createPager } from '../../../src/paging/create-pager.js';
import type { PagingError } from '../../../src/paging/paging-error.js';
import type { PagingState } from '../../../src/paging/paging-state.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { Metrics } from '../../../src/observability/metrics.js';
import { MANUAL_CLOCK_START as T0, ManualClock } from '../../doubles/manual-clock.js';
import { ACCEPTED, TEST_ROUTING_KEY, acceptedAfter, nockEnqueue, watchUnmatched } from '../../doubles/pagerduty-events-nock.js';
import { fail, lag } from '../../doubles/results.js';
import { apiTrigger, followUp, lagTrigger } from './expected-events.js';
import { pagerHarness, pagingConfig } from './pager-harness.js';
import { testBackend } from '../../doubles/test-backend.js';

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

describe('paging on incident changes', () => {
  it('an incident opening at SEV1 triggers at once with the exact event', async () => {
    const h = pagerHarness();
    const bodies: unknown[] = [];
    nockEnqueue(bodies, ACCEPTED);

    await h.engine.apply(fail('SEV1', 'api'));
    await h.pager.runOnce();

    expect(bodies).toEqual([apiTrigger('INC-1', T0)]);
    expect(await h.pager.pagingState('INC-1')).toEqual({
      incidentId: 'INC-1',
      status: 'triggered',
      at: T0,
      reason: 'SEV1 is at or above pageAt (SEV2)',
    });
  });

  it('acknowledging and resolving in Slack send acknowledge and resolve with the same dedup_key', async () => {
    const h = pagerHarness();
    const bodies: unknown[] = [];
    nockEnqueue(bodies, ACCEPTED, ACCEPTED, ACCEPTED);
    await h.engine.apply(fail('SEV1', 'api'));
    await h.pager.runOnce();

    h.clock.advance(MINUTE);
    expect((await h.engine.acknowledge('INC-1', 'U0AAA')).ok).toBe(true);
    await h.pager.runOnce();
    expect(await h.pager.pagingState('INC-1')).toEqual({
      incidentId: 'INC-1',
      status: 'acknowledged',
      at: T0 + MINUTE,
      reason: 'acknowledged in Slack by U0AAA',
      actor: 'U0AAA',
    });

    h.clock.advance(MINUTE);
    expect((await h.engine.resolve('INC-1', 'U0BBB', 'failed over')).ok).toBe(true);
    await h.pager.runOnce();

    expect(bodies).toEqual([apiTrigger('INC-1', T0), followUp('acknowledge', 'INC-1'), followUp('resolve', 'INC-1')]);
    expect(await h.pager.pagingState('INC-1')).toMatchObject({ status: 'resolved', reason: 'resolved in Slack by U0BBB', actor: 'U0BBB' });
  });

  it('an incident below pageAt is not paged at first; escalating into pageAt triggers then, and only once', async () => {
    const h = pagerHarness();
    await h.engine.apply(lag(90, 'SEV3'));
    await h.pager.runOnce();
    expect(await h.pager.pagingState('INC-1')).toMatchObject({ status: 'scheduled', escalationDueAt: T0 + 15 * MINUTE });

    const bodies: unknown[] = [];
    nockEnqueue(bodies, ACCEPTED);
    h.clock.advance(2 * MINUTE);
    await h.engine.apply(lag(400, 'SEV2'));
    await h.pager.runOnce();
    expect(bodies).toEqual([
      lagTrigger({
        incidentId: 'INC-1',
        severity: 'SEV2',
        lagSeconds: 400,
        at: T0 + 2 * MINUTE,
        reason: 'SEV2 is at or above pageAt (SEV2)',
      }),
    ]);

    // Paged already: the escalation timer is gone, so nothing more goes out when it would have fired.
    h.clock.advance(30 * MINUTE);
    await h.pager.runOnce();
    expect(bodies).toHaveLength(1);
  });

  it('a resolve for an incident that was never paged sends nothing', async () => {
    const h = pagerHarness();
    await h.engine.apply(lag(90, 'SEV3'));
    h.clock.advance(MINUTE);
    await h.engine.resolve('INC-1', 'U0AAA');
    h.clock.advance(60 * MINUTE);
    await h.pager.runOnce(); // any request would be unmatched
    expect(await h.pager.pagingState('INC-1')).toBeNull();
  });
});

describe('escalateUnackedAfter', () => {
  it('pages an unacknowledged SEV3 once escalateUnackedAfter has passed, with its latest value, and not before', async () => {
    const h = pagerHarness();
    await h.engine.apply(lag(90, 'SEV3'));
    h.clock.advance(5 * MINUTE);
    await h.engine.apply(lag(120, 'SEV3')); // value moves: the page will say 120s, and is not postponed
    h.clock.set(T0 + 15 * MINUTE - 1);
    await h.pager.runOnce();

    const bodies: unknown[] = [];
    nockEnqueue(bodies, ACCEPTED);
    h.clock.advance(1);
    await h.pager.runOnce();

    expect(bodies).toEqual([
      lagTrigger({
        incidentId: 'INC-1',
        severity: 'SEV3',
        lagSeconds: 120,
        at: T0 + 15 * MINUTE,
        reason: 'SEV3 was not acknowledged within 15m',
        note: 'unacknowledged for 15m',
      }),
    ]);
    expect(await h.pager.pagingState('INC-1')).toMatchObject({ status: 'triggered', reason: 'SEV3 was not acknowledged within 15m' });
  });

  it('acknowledging in time means nobody is paged, then or later', async () => {
    const h = pagerHarness();
    await h.engine.apply(lag(90, 'SEV3'));
    h.clock.advance(14 * MINUTE);
    await h.engine.acknowledge('INC-1', 'U0AAA');
    h.clock.advance(60 * MINUTE);
    await h.engine.apply(lag(95, 'SEV3'));
    await h.pager.runOnce(); // any request would be unmatched
    await h.engine.resolve('INC-1', 'U0AAA');
    await h.pager.runOnce();
    expect(await h.pager.pagingState('INC-1')).toBeNull();
  });
});

describe('paging by hand', () => {
  it('pageNow triggers a SEV3 incident at once, names who paged, and tells them', async () => {
    const h = pagerHarness();
    const change = await h.engine.apply(lag(90, 'SEV3'));
    const bodies: unknown[] = [];
    nockEnqueue(bodies, ACCEPTED);
    h.clock.advance(MINUTE);

    const pageNow: PageOnCall = (incident, actor) => h.pager.pageNow(incident, actor); // the bot's port
    expect(await pageNow(change!.incident, { userId: 'U0AAA', name: 'Ana' })).toEqual({
      ok: true,
      message: 'Paging on-call for INC-1 now.',
    });
    await h.pager.runOnce();

    const expected = lagTrigger({
      incidentId: 'INC-1',
      severity: 'SEV3',
      lagSeconds: 90,
      at: T0 + MINUTE,
      reason: 'paged from Slack by U0AAA',
    });
    expected.payload.custom_details = {
      ...expected.payload.custom_details,
      paged_by: 'Ana (U0AAA)',
    } as typeof expected.payload.custom_details;
    expect(bodies).toEqual([expected]);
    expect(await h.pager.pagingState('INC-1')).toMatchObject({ status: 'triggered', actor: 'U0AAA' });
  });

  it('pageNow refuses a resolved incident and sends nothing', async () => {
    const h = pagerHarness();
    await h.engine.apply(lag(90, 'SEV3'));
    const resolved = await h.engine.resolve('INC-1', 'U0AAA');
    if (!resolved.ok) throw new Error('resolve failed');
    expect(await h.pager.pageNow(resolved.change.incident, { userId: 'U0BBB' })).toEqual({
      ok: false,
      message: 'INC-1 is resolved, so there is nobody to page for it.',
    });
    await h.pager.runOnce();
  });

  it('links the trigger to the Slack message when the bot knows it', async () => {
    const link = 'https://example.slack.com/archives/C0INCIDENTS/p1000000001';
    const h = pagerHarness({ slackLinkFor: async (id) => (id === 'INC-1' ? link : undefined) });
    const bodies: unknown[] = [];
    nockEnqueue(bodies, ACCEPTED);
    await h.engine.apply(fail('SEV1', 'api'));
    await h.pager.runOnce();
    expect(bodies).toEqual([{ ...apiTrigger('INC-1', T0), links: [{ href: link, text: 'Slack: INC-1' }] }]);
  });

  it('pages without the link when looking it up fails', async () => {
    const h = pagerHarness({ slackLinkFor: () => Promise.reject(new Error('Slack is down')) });
    const bodies: unknown[] = [];
    nockEnqueue(bodies, ACCEPTED);
    await h.engine.apply(fail('SEV1', 'api'));
    await h.pager.runOnce();
    expect(bodies).toEqual([apiTrigger('INC-1', T0)]);
  });

  it('with no routing key, paging is off and pageNow says so', async () => {
    const config = pagingConfig(undefined, { PAGERDUTY_ROUTING_KEY: '' });
    const pager = createPager({
      config,
      logger: silentLogger(),
      metrics: new Metrics(),
      queue: testBackend(null, 'x:', new ManualClock()).pagingQueue,
      clock: new ManualClock(),
    });
    expect(pager.enabled).toBe(false);
    expect(pager.readiness).toBeNull();
    const h = pagerHarness();
    const change = await h.engine.apply(fail('SEV1', 'api'));
    await pager.onIncidentChange(change!);
    expect(await pager.pageNow(change!.incident, { userId: 'U0AAA' })).toEqual({
      ok: false,
      message: 'Paging is off in this Lifeboat (no PagerDuty integration key is set). Call on-call directly.',
    });
  });
});

describe('delivery through failures', () => {
  it('an outage answering 500, 500, 429 with Retry-After, then 202 delivers the trigger exactly once, honouring Retry-After', async () => {
    const h = pagerHarness();
    const bodies: unknown[] = [];
    nockEnqueue(bodies, { status: 500 }, { status: 500 }, { status: 429, headers: { 'Retry-After': '7' } }, ACCEPTED);
    await h.engine.apply(fail('SEV1', 'api'));

    await h.pager.runOnce(); // 500; jitter fixed at 0.5: waits 750 ms
    expect(await h.pager.pagingState('INC-1')).toMatchObject({
      status: 'queued',
      retrying: { attempts: 1, lastError: 'PagerDuty answered HTTP 500', nextAttemptAt: T0 + 750 },
    });
    h.clock.advance(749);
    await h.pager.runOnce(); // not due: nothing sent
    h.clock.advance(1);
    await h.pager.runOnce(); // 500; waits 1500 ms
    h.clock.advance(1_500);
    await h.pager.runOnce(); // 429; backoff would be 3 s, Retry-After says 7 s
    expect(await h.pager.pagingState('INC-1')).toMatchObject({
      retrying: { attempts: 3, lastError: 'PagerDuty answered HTTP 429 (rate limited)', nextAttemptAt: T0 + 2_250 + 7_000 },
    });
    h.clock.advance(6_999);
    await h.pager.runOnce();
    expect(bodies).toHaveLength(3);
    h.clock.advance(1);
    await h.pager.runOnce(); // 202

    expect(bodies).toEqual(Array.from({ length: 4 }, () => apiTrigger('INC-1', T0)));
    const state = await h.pager.pagingState('INC-1');
    expect(state).toEqual({ incidentId: 'INC-1', status: 'triggered', at: T0 + 9_250, reason: 'SEV1 is at or above pageAt (SEV2)' });
    h.clock.advance(10 * MINUTE);
    await h.pager.runOnce(); // delivered: never sent again
    const metrics = await h.metrics.registry.getSingleMetricAsString('lifeboat_pagerduty_events_total');
    expect(metrics).toContain('lifeboat_pagerduty_events_total{action="trigger",outcome="retried"} 3');
    expect(metrics).toContain('lifeboat_pagerduty_events_total{action="trigger",outcome="delivered"} 1');
  });

  it('a 60-second outage loses no event and sends none twice: trigger then resolve arrive in order', async () => {
    const h = pagerHarness();
    const outageEnd = T0 + 60_000;
    const bodies: unknown[] = [];
    const answers = Array.from({ length: 7 }, () => ({ status: 503 }));
    nockEnqueue(bodies, ...answers, ACCEPTED, ACCEPTED);
    await h.engine.apply(fail('SEV1', 'api'));
    await h.pager.runOnce();
    h.clock.advance(20_000);
    await h.engine.resolve('INC-1', 'U0AAA'); // queued behind the trigger

    let attempts = 1;
    while (attempts < 20) {
      const state = await h.pager.pagingState('INC-1');
      if (state?.status === 'resolved') break;
      if (state?.retrying) h.clock.set(Math.max(h.clock.now(), state.retrying.nextAttemptAt));
      await h.pager.runOnce();
      attempts += 1;
    }
    // The 7th failure was at 45.75 s into the outage; the 8th attempt, after it ended, succeeded.
    expect(bodies.slice(0, 8)).toEqual(Array.from({ length: 8 }, () => apiTrigger('INC-1', T0)));
    expect(bodies.slice(8)).toEqual([followUp('resolve', 'INC-1')]);
    expect(h.clock.now()).toBeGreaterThan(outageEnd);
    expect(h.clock.now() - outageEnd).toBeLessThanOrEqual(30_000);
  });

  it('a network error is retried like a 5xx', async () => {
    const h = pagerHarness();
    const bodies: unknown[] = [];
    nockEnqueue(bodies, { networkError: 'socket hang up' }, ACCEPTED);
    await h.engine.apply(fail('SEV1', 'api'));
    await h.pager.runOnce();
    expect(await h.pager.pagingState('INC-1')).toMatchObject({
      retrying: { attempts: 1, lastError: 'cannot reach PagerDuty: socket hang up' },
    });
    h.clock.advance(750);
    await h.pager.runOnce();
    expect(bodies).toEqual([apiTrigger('INC-1', T0), apiTrigger('INC-1', T0)]);
    expect(await h.pager.pagingState('INC-1')).toMatchObject({ status: 'triggered' });
  });

  it("a 400 is logged with the API's errors and dropped; the next event still goes out", async () => {
    const h = pagerHarness();
    const bodies: unknown[] = [];
    const apiErrors = ["'payload.summary' is missing or blank"];
    nockEnqueue(
      bodies,
      { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors: apiErrors } },
      ACCEPTED,
    );
    await h.engine.apply(fail('SEV1', 'api'));
    await h.pager.runOnce();

    const reason = "PagerDuty refused the trigger (HTTP 400: Event object is invalid; 'payload.summary' is missing or blank)";
    expect(await h.pager.pagingState('INC-1')).toEqual({ incidentId: 'INC-1', status: 'failed', at: T0, reason });
    const logged = h.logs.lines.find((line) => line.httpStatus === 400);
    expect(logged).toMatchObject({
      level: 50,
      incidentId: 'INC-1',
      apiMessage: 'Event object is invalid',
      apiErrors,
      event: { dedup_key: 'INC-1' },
    });
    expect(h.logs.raw()).not.toContain(TEST_ROUTING_KEY);

    h.clock.advance(60 * MINUTE);
    await h.engine.resolve('INC-1', 'U0AAA'); // paged (the trigger was queued), so the resolve follows
    await h.pager.runOnce();
    expect(bodies).toEqual([apiTrigger('INC-1', T0), followUp('resolve', 'INC-1')]);
  });

  it('a 401 is reported once (hook, readiness, log) and not retried, and later pages wait instead of being sent', async () => {
    const h = pagerHarness();
    const failures: PagingError[] = [];
    h.pager.onAuthFailure((error) => failures.push(error));
    const bodies: unknown[] = [];
    nockEnqueue(bodies, { status: 401, body: { message: 'Unauthorized' } });
    await h.engine.apply(fail('SEV1', 'api'));
    await h.pager.runOnce();

    const change = await h.engine.apply(lag(90, 'SEV3'));
    expect(await h.pager.pageNow(change!.incident, { userId: 'U0AAA' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^PagerDuty is refusing/),
    });
    for (let i = 0; i < 5; i += 1) {
      h.clock.advance(60 * MINUTE);
      await h.pager.runOnce();
    }

    expect(bodies).toHaveLength(1);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ code: 'LIFEBOAT_PAGING_KEY_REFUSED', httpStatus: 401, since: T0 });
    await expect(h.pager.readiness!.check()).rejects.toThrow(/refuses Lifeboat's routing key \(HTTP 401\).*PAGERDUTY_ROUTING_KEY/);
    expect(await h.pager.pagingState('INC-1')).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('queued until it is fixed'),
    });
    expect(h.logs.lines.filter((line) => line.code === 'LIFEBOAT_PAGING_KEY_REFUSED')).toHaveLength(1);
    expect(h.logs.raw()).not.toContain(TEST_ROUTING_KEY);
  });

  it('a 400 "Invalid routing key" is a key failure, not one bad event', async () => {
    const h = pagerHarness();
    const failures: PagingError[] = [];
    h.pager.onAuthFailure((error) => failures.push(error));
    nockEnqueue([], { status: 400, body: { status: 'invalid event', message: 'Invalid routing key' } });
    await h.engine.apply(fail('SEV1', 'api'));
    await h.pager.runOnce();
    expect(failures.map((f) => f.code)).toEqual(['LIFEBOAT_PAGING_KEY_REFUSED']);
    await expect(h.pager.readiness!.check()).rejects.toThrow(/HTTP 400/);
  });

  it('readiness passes while PagerDuty accepts events', async () => {
    const h = pagerHarness();
    await expect(h.pager.readiness!.check()).resolves.toBeUndefined();
  });
});

describe('the delivery loop', () => {
  it('onIncidentChange only queues: the monitor does not wait for a slow PagerDuty', async () => {
    const h = pagerHarness();
    const bodies: unknown[] = [];
    nockEnqueue(bodies, acceptedAfter(3_000));
    const states: PagingState['status'][] = [];
    h.pager.subscribe((state) => states.push(state.status));
    h.pager.start();
    try {
      const started = performance.now();
      await h.engine.apply(fail('SEV1', 'api'));
      // Half PagerDuty's 3 s: an apply that waited for it could not pass, one on a busy machine can.
      expect(performance.now() - started).toBeLessThan(1_500);
      await vi.waitFor(async () => expect(await h.pager.pagingState('INC-1')).toMatchObject({ status: 'triggered' }), { timeout: 10_000 });
    } finally {
      await h.pager.stop();
    }
    expect(bodies).toEqual([apiTrigger('INC-1', T0)]);
    expect(states).toEqual(['queued', 'triggered']);
  });

  it('stop() aborts a request in flight and hands the event back, so it is sent after a restart', async () => {
    const h = pagerHarness();
    const bodies: unknown[] = [];
    nockEnqueue(bodies, acceptedAfter(10_000), ACCEPTED);
    h.pager.start();
    await h.engine.apply(fail('SEV1', 'api'));
    await vi.waitFor(() => expect(bodies).toHaveLength(1), { timeout: 10_000 });
    const stopping = performance.now();
    await h.pager.stop();
    expect(performance.now() - stopping).toBeLessThan(3_000); // the request is held 10 s: far below, with room for a stalled loop
    expect(await h.pager.pagingState('INC-1')).toMatchObject({ status: 'queued' });

    h.pager.start();
    try {
      await vi.waitFor(async () => expect(await h.pager.pagingState('INC-1')).toMatchObject({ status: 'triggered' }), { timeout: 10_000 });
    } finally {
      await h.pager.stop();
    }
    expect(bodies).toEqual([apiTrigger('INC-1', T0), apiTrigger('INC-1', T0)]);
  });
});
