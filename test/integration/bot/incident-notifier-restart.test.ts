import nock from 'nock';
import { afterAll, afterEach, expect, it } from 'vitest';
import { fail } from '../../doubles/results.js';
import { guardNetwork, nockChatUpdate, nockPostMessage } from '../../doubles/slack-api-nock.js';
import { MemoryStore } from '../../../src/backend/memory/memory-store.js';
import { startBotHarness } from '../../e2e/bot/slack-bot-harness.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';

const db = useRedisPrefix('bot-restart');
const network = guardNetwork();

afterEach(() => {
  expect(network.unmatched).toEqual([]);
  network.reset();
});
afterAll(() => {
  nock.enableNetConnect();
});

it('after a restart the bot keeps updating the same Slack message (message ref in Redis)', async () => {
  const store = new MemoryStore(); // the incidents themselves survive in a shared store
  const first = await startBotHarness({ store, redis: db.redis, keyPrefix: db.prefix });
  const posted = nockPostMessage();
  await first.engine.apply(fail('SEV2', 'api', first.clock.now()));
  await first.bot.idle();
  await first.close();
  expect(posted.calls).toHaveLength(1);

  // A new process: new bot, new engine, same Redis. The next change updates the message and
  // replies in its thread; nothing is posted top-level again.
  const second = await startBotHarness({ store, redis: db.redis, keyPrefix: db.prefix });
  const update = nockChatUpdate();
  const thread = nockPostMessage();
  await second.engine.apply(fail('SEV3', 'api', second.clock.now(), 500)); // milder: de-escalates (recoverAfter 1)
  await second.bot.idle();
  expect(update.calls.map((c) => [c.body.channel, c.body.ts])).toEqual([['C0INCIDENTS', '1000.000001']]);
  expect(thread.calls.map((c) => [c.body.thread_ts, c.body.text])).toEqual([
    ['1000.000001', ':arrow_down: De-escalated *SEV2* → *SEV3*: HTTP 500 (expected 200)'],
  ]);
  await second.close();
});
