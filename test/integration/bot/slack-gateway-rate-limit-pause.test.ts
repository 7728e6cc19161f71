import nock from 'nock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SlackBotError } from '../../../src/bot/bot-errors.js';
import { WebClientSlackGateway } from '../../../src/bot/web-client-slack-gateway.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { guardNetwork, TEST_SLACK_API_URL } from '../../doubles/slack-api-nock.js';
import { type SlackFake, startSlackFake } from '../../doubles/slack-fake.js';

const network = guardNetwork();
afterAll(() => {
  nock.enableNetConnect();
});

/** Sleeps that end only when the test moves the clock past them. */
class Sleeper {
  private readonly pending: Array<{ until: number; resolve: () => void }> = [];
  readonly asked: number[] = [];
  constructor(private readonly clock: ManualClock) {}
  sleep = (ms: number): Promise<void> => {
    this.asked.push(ms);
    return new Promise((resolve) => this.pending.push({ until: this.clock.now() + ms, resolve }));
  };
  advance(ms: number): void {
    this.clock.advance(ms);
    for (const p of this.pending.splice(0)) {
      if (p.until <= this.clock.now()) p.resolve();
      else this.pending.push(p);
    }
  }
}

let clock: ManualClock;
let sleeper: Sleeper;
let gateway: WebClientSlackGateway;
let fake: SlackFake;

beforeEach(() => {
  clock = new ManualClock();
  sleeper = new Sleeper(clock);
  gateway = new WebClientSlackGateway({
    token: 'xoxb-test-token',
    apiUrl: TEST_SLACK_API_URL,
    logger: silentLogger(),
    networkRetries: 0,
    clock,
    sleep: sleeper.sleep,
  });
  fake = startSlackFake({ clock });
});
afterEach(() => {
  expect(network.unmatched).toEqual([]);
  expect(nock.pendingMocks()).toEqual([]);
  network.reset();
});

/** Lets queued promise callbacks and in-flight intercepted requests run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

/** Polls until `condition` holds: the first 429 goes through HTTP, which a busy machine can take seconds over. */
async function until(condition: () => boolean): Promise<void> {
  await vi.waitFor(() => expect(condition()).toBe(true), { timeout: 10_000 });
}

describe('a 429 pauses its method for every caller of the gateway', () => {
  it('20 posts made while chat.postMessage is paused send nothing until the pause ends, then all go', async () => {
    fake.rateLimited(30, { method: 'chat.postMessage', times: 1 });
    const first = gateway.postMessage({ channel: 'C1', text: 'first' });
    await until(() => sleeper.asked.length === 1);
    expect(gateway.pausedUntil('chat.postMessage')).toBe(clock.now() + 30_000);

    const queued = Array.from({ length: 20 }, (_, i) => gateway.postMessage({ channel: 'C1', text: `post ${i}` }));
    await settle();
    sleeper.advance(29_000);
    await settle();
    expect(fake.count('chat.postMessage')).toBe(1);
    // One wake-up for all of them, not one timer (or request) per caller.
    expect(sleeper.asked).toEqual([30_000]);
    // Other methods are not paused.
    await gateway.authTest();

    sleeper.advance(1_000);
    const posted = await Promise.all([first, ...queued]);
    expect(new Set(posted.map((p) => p.ts)).size).toBe(21);
    expect(fake.count('chat.postMessage')).toBe(22);
    // Posted in the order they were made.
    expect(fake.messages.map((m) => m.text)).toEqual(['first', ...Array.from({ length: 20 }, (_, i) => `post ${i}`)]);
    expect(gateway.pausedUntil('chat.postMessage')).toBe(0);
  });

  it('a caller that would wait longer than its bound is told at once, with the seconds left, and sends nothing', async () => {
    fake.rateLimited(30, { method: 'chat.postMessage', times: 1 });
    const first = gateway.postMessage({ channel: 'C1', text: 'first' });
    await until(() => sleeper.asked.length === 1);
    sleeper.advance(12_000);

    const error = await gateway.postMessage({ channel: 'C1', text: 'outbox entry', maxRateLimitWaitMs: 5_000 }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(SlackBotError);
    expect(error).toMatchObject({
      code: 'LIFEBOAT_SLACK_RATE_LIMITED',
      details: { method: 'chat.postMessage', retryable: true, retryAfterSeconds: 18 },
    });
    expect(fake.count('chat.postMessage')).toBe(1);

    sleeper.advance(18_000);
    await first;
    expect(fake.messages.map((m) => m.text)).toEqual(['first']);
  });

  it('a Retry-After longer than the gateway bound fails the call and every later caller at once, without a request', async () => {
    fake.rateLimited(300, { method: 'chat.update' });
    const posted = await gateway.postMessage({ channel: 'C1', text: 'v1' });
    for (const text of ['v2', 'v3']) {
      const error = await gateway.updateMessage({ channel: posted.channel, ts: posted.ts, text }).then(
        () => null,
        (err: unknown) => err,
      );
      expect(error).toMatchObject({ code: 'LIFEBOAT_SLACK_RATE_LIMITED', details: { retryAfterSeconds: 300 } });
    }
    expect(fake.count('chat.update')).toBe(1);
    expect(sleeper.asked).toEqual([]);
    expect(gateway.pausedUntil('chat.update')).toBe(clock.now() + 300_000);
  });

  it('a pause extended by a later 429 is waited out to its new end', async () => {
    fake.rateLimited(2, { method: 'chat.postMessage', times: 2 });
    const post = gateway.postMessage({ channel: 'C1', text: 'x' });
    await until(() => sleeper.asked.length === 1);
    sleeper.advance(2_000);
    await until(() => sleeper.asked.length === 2);
    expect(fake.count('chat.postMessage')).toBe(2);
    sleeper.advance(2_000);
    await post;
    expect(fake.count('chat.postMessage')).toBe(3);
    expect(sleeper.asked).toEqual([2_000, 2_000]);
  });
});
