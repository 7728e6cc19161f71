import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../../src/backend/memory/memory-store.js';
import { fail } from '../../../doubles/results.js';
import { startSlackFake, type SlackFake } from '../../../doubles/slack-fake.js';
import type { BotHarness } from '../../../e2e/bot/slack-bot-harness.js';
import { manyChecksConfig, replies, startOutboxBot, topLevel } from './outbox-wiring.js';
import { useRedisPrefix } from '../../../doubles/redis-prefix.js';

const db = useRedisPrefix('slack-outage', { perTest: true });
let fake: SlackFake;
const open: BotHarness[] = [];

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
  fake?.stop();
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
});

async function bot(options: { store: MemoryStore; checks?: number; callTimeoutMs?: number }): Promise<BotHarness> {
  const h = await startOutboxBot({
    redis: db.redis,
    keyPrefix: db.prefix,
    store: options.store,
    config: manyChecksConfig(options.checks ?? 20),
    ...(options.callTimeoutMs ? { callTimeoutMs: options.callTimeoutMs } : {}),
  });
  open.push(h);
  return h;
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `INC-${i + 1}`);

describe('Slack outages through the wired bot (real Redis, Slack at the network layer)', () => {
  it('a 230 s rate-limit storm while 20 checks fail: the method is paused for every lane, nothing is lost, order is kept, and it catches up within 5 s', async () => {
    const h = await bot({ store: new MemoryStore() });
    fake = startSlackFake({ clock: h.clock });
    const RETRY_AFTER_S = 2;
    fake.rateLimited(RETRY_AFTER_S, { method: 'chat.postMessage' });
    const stormStart = h.clock.now();
    // 20 incidents open in the first 20 s, each then escalates to SEV1 and back: three changes per lane.
    for (let i = 1; i <= 20; i++) {
      await h.engine.apply(fail('SEV2', `c${i}`, h.clock.now(), 503));
      h.clock.advance(1_000);
      await h.bot.idle();
    }
    while (h.clock.now() - stormStart < 230_000) {
      const second = Math.floor((h.clock.now() - stormStart) / 1000);
      if (second === 100) for (let i = 1; i <= 20; i++) await h.engine.apply(fail('SEV1', `c${i}`, h.clock.now(), 500));
      if (second === 180) for (let i = 1; i <= 20; i++) await h.engine.apply(fail('SEV2', `c${i}`, h.clock.now(), 502));
      h.clock.advance(1_000);
      await h.bot.idle();
    }
    const stormPosts = fake.count('chat.postMessage');
    expect(fake.messages).toEqual([]);
    // Paused, not hammered: a few calls per Retry-After window (one per delivery slot), where each
    // lane calling on its own schedule made 25 calls a second.
    expect(stormPosts).toBeLessThanOrEqual(4 * (230 / RETRY_AFTER_S + 1));
    expect(await h.bot.outbox.pending()).toBe(20 * 3); // each lane: one message entry, two thread replies

    fake.ok();
    const slackBack = h.clock.now();
    while ((await h.bot.outbox.pending()) > 0 && h.clock.now() - slackBack <= 5_000) {
      h.clock.advance(250);
      await h.bot.idle();
    }
    expect(await h.bot.outbox.pending()).toBe(0);
    expect(h.clock.now() - slackBack).toBeLessThanOrEqual(5_000);
    const scraped = await h.metrics.registry.metrics();
    expect(scraped).toMatch(/^lifeboat_slack_outbox_pending 0$/m);
    expect(scraped).toMatch(/^lifeboat_slack_outbox_deliveries_total\{kind="incident.message",outcome="rate_limited"\} [1-9]\d*$/m);
    expect(scraped).toMatch(/^lifeboat_slack_outbox_deliveries_total\{kind="incident.reply",outcome="delivered"\} 40$/m);
    for (const id of ids(20)) {
      const [message, ...copies] = topLevel(fake, id);
      expect(copies).toEqual([]);
      // Rendered at delivery from the newest state: escalated, then back to SEV2 at HTTP 502.
      expect(message?.text).toMatch(new RegExp(`^SEV2 ${id} c\\d+: HTTP 502 \\(expected 200\\) \\(open\\)$`));
      expect(replies(fake, message as NonNullable<typeof message>)).toEqual([
        ':arrow_up: Escalated *SEV2* → *SEV1*: HTTP 500 (expected 200)',
        ':arrow_down: De-escalated *SEV1* → *SEV2*: HTTP 502 (expected 200)',
      ]);
    }
  }, 60_000);

  it('chat.postMessage carried out but answered after the timeout, again and again: exactly one message per incident, none left saying "open"', async () => {
    const h = await bot({ store: new MemoryStore(), checks: 5, callTimeoutMs: 150 });
    fake = startSlackFake({ clock: h.clock });
    fake.slow(400, { method: 'chat.postMessage' });
    for (let i = 1; i <= 5; i++) await h.engine.apply(fail('SEV2', `c${i}`, h.clock.now()));
    for (let round = 0; round < 4; round++) await h.bot.idle();
    h.clock.advance(60_000);
    for (let i = 1; i <= 5; i++)
      await h.engine.apply({
        ...fail('SEV2', `c${i}`, h.clock.now()),
        ok: true,
        severity: null,
        summary: 'HTTP 200 in 5ms',
        measurement: { kind: 'http', status: 200, url: 'x' },
      });
    for (let round = 0; round < 6 && (await h.bot.outbox.pending()) > 0; round++) await h.bot.idle();
    expect(await h.bot.outbox.pending()).toBe(0);
    expect(fake.count('conversations.history')).toBeGreaterThanOrEqual(5); // each lost answer looked for
    for (const id of ids(5)) {
      const [message, ...copies] = topLevel(fake, id);
      expect(copies).toEqual([]);
      expect(message?.text).toContain('(resolved)');
      expect(replies(fake, message as NonNullable<typeof message>)).toEqual([':white_check_mark: Recovered after 1m: HTTP 200 in 5ms']);
    }
    expect(fake.messages.filter((m) => m.threadTs === undefined && m.text.includes('(open)'))).toEqual([]);
  }, 60_000);

  it('a restart delivers what the old process left in the store (Slack down meanwhile)', async () => {
    const store = new MemoryStore();
    const first = await bot({ store, checks: 3 });
    fake = startSlackFake({ clock: first.clock });
    fake.down();
    for (let i = 1; i <= 3; i++) await first.engine.apply(fail('SEV2', `c${i}`, first.clock.now()));
    await first.bot.idle();
    expect(await first.bot.outbox.pending()).toBe(3);
    await first.close();
    open.splice(open.indexOf(first), 1);

    fake.ok();
    const second = await bot({ store, checks: 3 });
    second.clock.advance(10_000);
    await second.bot.idle();
    expect(ids(3).map((id) => topLevel(fake, id).length)).toEqual([1, 1, 1]);
    expect(await second.bot.outbox.pending()).toBe(0);
  });

  it('two replicas on one Redis deliver every entry exactly once', async () => {
    const store = new MemoryStore();
    const a = await bot({ store, checks: 10 });
    const b = await bot({ store, checks: 10 });
    fake = startSlackFake({ clock: a.clock });
    for (let i = 1; i <= 10; i++) {
      await a.engine.apply(fail('SEV2', `c${i}`, a.clock.now()));
      await a.engine.apply(fail('SEV1', `c${i}`, a.clock.now(), 500));
    }
    await Promise.all([a.bot.idle(), b.bot.idle(), a.bot.idle(), b.bot.idle()]);
    await Promise.all([a.bot.idle(), b.bot.idle()]);
    for (const id of ids(10)) {
      const [message, ...copies] = topLevel(fake, id);
      expect(copies).toEqual([]);
      expect(replies(fake, message as NonNullable<typeof message>)).toEqual([
        ':arrow_up: Escalated *SEV2* → *SEV1*: HTTP 500 (expected 200)',
      ]);
    }
    expect(fake.count('chat.postMessage')).toBe(20);
  });

  it('a replica that died mid-post leaves the claim to lapse; the next holder finds the post in Slack instead of posting again', async () => {
    const h = await bot({ store: new MemoryStore(), checks: 1 });
    fake = startSlackFake({ clock: h.clock });
    await h.bot.outbox.worker.stop(0); // this process does not deliver on its own: the test plays the dying replica
    await h.engine.apply(fail('SEV2', 'c1', h.clock.now()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const store = h.bot.outbox.outbox;
    const claim = await store.claimNext(h.clock.now(), 30_000);
    if (!claim) throw new Error('expected the incident message to be queued');
    // Marked before sending, then posted (with the entry's id), then the process dies.
    await store.saveProgress(claim, { done: {}, inFlight: '' }, h.clock.now() + 30_000);
    await h.bot.gateway.postMessage({
      channel: 'C0INCIDENTS',
      text: 'SEV2 INC-1 c1: posted by the replica that died',
      metadata: { eventType: 'lifeboat_post', payload: { outbox_id: claim.id } },
    });

    const next = await startOutboxBot({
      redis: db.redis,
      keyPrefix: db.prefix,
      store: h.store as MemoryStore,
      config: manyChecksConfig(1),
    });
    open.push(next);
    next.clock.set(h.clock.now() + 30_001);
    await next.bot.idle();
    const [message, ...copies] = topLevel(fake, 'INC-1');
    expect(copies).toEqual([]);
    expect(fake.count('chat.postMessage')).toBe(1);
    // Found, recorded as the incident's message, and brought up to date in place.
    expect(await next.bot.notifier.messageRef('INC-1')).toEqual({ channel: 'C0INCIDENTS', ts: message?.ts });
    expect(message?.text).toBe('SEV2 INC-1 c1: HTTP 503 (expected 200) (open)');
  });
});
