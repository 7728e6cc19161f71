import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Approval } from '../../../../src/approvals/approval.js';
import type { RunOutcome } from '../../../../src/actions/run-outcome.js';
import { ApprovalAnnouncer } from '../../../../src/bot/approvals/approval-announcer.js';
import { RedisApprovalMessageRefs } from '../../../../src/backend/redis/redis-approval-message-refs.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { MemoryStore } from '../../../../src/backend/memory/memory-store.js';
import { startSlackFake, type SlackFake } from '../../../doubles/slack-fake.js';
import type { BotHarness } from '../../../e2e/bot/slack-bot-harness.js';
import { approvalOf, failoverPlan, T0 } from '../../../unit/bot/approvals/fixtures.js';
import { manyChecksConfig, startOutboxBot } from './outbox-wiring.js';
import { useRedisPrefix } from '../../../doubles/redis-prefix.js';

const db = useRedisPrefix('approval-outage');
let fake: SlackFake;
let h: BotHarness;

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(async () => {
  await h.close();
  fake.stop();
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
});

describe('a failover run while Slack refuses the token', () => {
  it('its step and outcome messages are kept through invalid_auth and all arrive, in order and once, when the token works again', async () => {
    h = await startOutboxBot({ redis: db.redis, keyPrefix: db.prefix, store: new MemoryStore(), config: manyChecksConfig(1) });
    fake = startSlackFake({ clock: h.clock });
    const stored = new Map<string, Approval>();
    const announcer = new ApprovalAnnouncer({
      channel: 'C0INCIDENTS',
      gateway: h.bot.gateway,
      refs: new RedisApprovalMessageRefs(db.redis, db.prefix, silentLogger()),
      outbox: h.bot.outbox,
      approvals: { get: async (id) => stored.get(id) ?? null },
      clock: h.clock,
      logger: silentLogger(),
    });
    const request = await announcer.postRequest(approvalOf(failoverPlan()));

    fake.refuse('invalid_auth'); // the token was revoked mid-run
    const report = announcer.reporter.report;
    await report({ type: 'step-started', runId: 'APR-7', planId: 'plan-1', stepId: 'promote', message: 'Promoting orders-replica' });
    await report({
      type: 'step-done',
      runId: 'APR-7',
      planId: 'plan-1',
      stepId: 'promote',
      message: 'orders-replica is primary',
      elapsedMs: 90_000,
    });
    const succeeded = approvalOf(failoverPlan(), {
      state: 'succeeded',
      run: { runnerId: 'r', claimedAt: T0, leaseExpiresAt: T0, steps: [], message: 'Failover done.', detail: { elapsedMs: 95_000 } },
    });
    stored.set('APR-7', succeeded);
    announcer.listener({ approval: succeeded, transition: 'succeeded', at: T0, actor: 'r' });
    await report({
      type: 'finished',
      runId: 'APR-7',
      planId: 'plan-1',
      outcome: { status: 'succeeded' } as RunOutcome,
      message: 'Failover done.',
    });
    for (let minute = 0; minute < 15; minute++) {
      h.clock.advance(60_000);
      await h.bot.idle();
    }
    expect(fake.messages.filter((m) => m.threadTs === request.ts)).toEqual([]);
    expect(await h.bot.outbox.pending()).toBe(4); // message update, two steps, one outcome: none dropped

    fake.ok(); // a good token again
    h.clock.advance(30_000);
    await h.bot.idle();
    expect(fake.messages.filter((m) => m.threadTs === request.ts).map((m) => m.text)).toEqual([
      ':arrow_forward: Step `promote` started: Promoting orders-replica',
      expect.stringContaining('orders-replica is primary'),
      ':white_check_mark: Failover done.',
    ]);
    expect(await h.bot.outbox.pending()).toBe(0);
  });

  it('a request posted while Slack answers after the timeout is found, not posted twice, and the requester gets it', async () => {
    h = await startOutboxBot({
      redis: db.redis,
      keyPrefix: db.prefix,
      store: new MemoryStore(),
      config: manyChecksConfig(1),
      callTimeoutMs: 150,
    });
    fake = startSlackFake({ clock: h.clock });
    fake.slow(400, { method: 'chat.postMessage' });
    const announcer = new ApprovalAnnouncer({
      channel: 'C0INCIDENTS',
      gateway: h.bot.gateway,
      refs: new RedisApprovalMessageRefs(db.redis, db.prefix, silentLogger()),
      outbox: h.bot.outbox,
      approvals: { get: async () => null },
      clock: h.clock,
      logger: silentLogger(),
    });
    const posted = await announcer.postRequest(approvalOf(failoverPlan(), { id: 'APR-8' }));
    expect(fake.messages.map((m) => [m.ts, m.metadata?.event_payload])).toEqual([[posted.ts, { outbox_id: 'request:APR-8' }]]);
    expect(fake.count('conversations.history')).toBe(1);
  });
});
