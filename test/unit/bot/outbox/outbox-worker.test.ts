import { MemorySlackOutbox } from '../../../../src/backend/memory/memory-slack-outbox.js';
import { describe, expect, it, vi } from 'vitest';
import { rateLimited, SlackBotError } from '../../../../src/bot/bot-errors.js';
import { DEFAULT_OUTBOX_RETRY } from '../../../../src/bot/outbox/outbox-retry.js';
import { SlackOutboxService } from '../../../../src/bot/outbox/slack-outbox-service.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { Metrics } from '../../../../src/observability/metrics.js';
import { ManualClock } from '../../../doubles/manual-clock.js';
import { RecordingSlackGateway } from '../../../doubles/slack-recording-gateway.js';

function setup(fail: () => Error | null) {
  const clock = new ManualClock();
  const logger = silentLogger();
  const metrics = new Metrics();
  const outbox = new SlackOutboxService({
    outbox: new MemorySlackOutbox(),
    gateway: new RecordingSlackGateway(),
    clock,
    logger,
    metrics,
    retry: DEFAULT_OUTBOX_RETRY,
    random: () => 0,
  });
  const attempts: number[] = [];
  outbox.register('test.post', async () => {
    attempts.push(clock.now());
    const err = fail();
    if (err) throw err;
  });
  const enqueue = (lane = 'incident:INC-1') => outbox.enqueue({ lane, kind: 'test.post', methods: ['chat.postMessage'], data: {} });
  const count = async (outcome: string) =>
    (await metrics.slackOutboxDeliveries.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  return { clock, logger, outbox, attempts, enqueue, count };
}

const slackError = (code: SlackBotError['code'], slackError: string, retryable = false) =>
  new SlackBotError(code, `Slack refused chat.postMessage: ${slackError}`, {
    method: 'chat.postMessage',
    slackError,
    retryable,
    hint: 'fix it',
  });

describe('OutboxWorker', () => {
  it('drops only what Slack refuses outright (even as plain text), with an error and a metric', async () => {
    const { outbox, logger, enqueue, count } = setup(() => slackError('LIFEBOAT_SLACK_API_ERROR', 'msg_too_long'));
    const errors = vi.spyOn(logger, 'error');
    enqueue();
    await outbox.idle();
    expect(await outbox.pending()).toBe(0);
    expect(await count('dropped')).toBe(1);
    expect(errors.mock.calls[0]?.[1]).toMatch(/dropped/);
  });

  it('keeps what a person must fix (invalid_auth), retries it at least every 30 s, says so loudly once, and delivers it once fixed', async () => {
    let broken = true;
    const { outbox, logger, clock, attempts, enqueue } = setup(() => (broken ? slackError('LIFEBOAT_SLACK_AUTH', 'invalid_auth') : null));
    const errors = vi.spyOn(logger, 'error');
    enqueue('incident:INC-1');
    enqueue('incident:INC-2');
    for (let second = 0; second < 600; second += 5) {
      clock.advance(5_000);
      await outbox.idle();
    }
    expect(await outbox.pending()).toBe(2);
    const gaps = attempts.slice(1).map((t, i) => t - (attempts[i] as number));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(30_000 + 5_000);
    expect(errors).toHaveBeenCalledTimes(1);
    expect(errors.mock.calls[0]?.[1]).toMatch(/KEPT/);
    broken = false;
    clock.advance(30_000);
    await outbox.idle();
    expect(await outbox.pending()).toBe(0);
  });

  it('a 429 holds every lane of the method for exactly Retry-After, then all of them go', async () => {
    let limited = true;
    const { outbox, clock, attempts, enqueue } = setup(() => (limited ? rateLimited('chat.postMessage', 7) : null));
    for (let i = 1; i <= 10; i++) enqueue(`incident:INC-${i}`);
    await outbox.idle();
    const first = attempts.length;
    expect(first).toBeLessThanOrEqual(4); // one per delivery slot, then the method is paused
    expect(await outbox.outbox.pauses(clock.now())).toEqual([{ method: 'chat.postMessage', until: clock.now() + 7_000 }]);
    clock.advance(6_999);
    await outbox.idle();
    expect(attempts).toHaveLength(first);
    limited = false;
    clock.advance(1);
    await outbox.idle();
    expect(await outbox.pending()).toBe(0);
  });

  it('transient failures are retried within 3 s, so a lane catches up promptly once Slack answers', async () => {
    let down = true;
    const { outbox, clock, attempts, enqueue } = setup(() => (down ? slackError('LIFEBOAT_SLACK_UNAVAILABLE', 'http_503', true) : null));
    enqueue();
    for (let second = 0; second < 120; second++) {
      clock.advance(1_000);
      await outbox.idle();
    }
    const gaps = attempts.slice(1).map((t, i) => t - (attempts[i] as number));
    expect(Math.max(...gaps.slice(-10))).toBeLessThanOrEqual(3_000);
    down = false;
    const back = clock.now();
    while ((await outbox.pending()) > 0) {
      clock.advance(250);
      await outbox.idle();
    }
    expect(clock.now() - back).toBeLessThanOrEqual(3_000);
  });
});
