import { Redis } from 'ioredis';
import nock from 'nock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_READ_DEADLINE_MS } from '../../../src/bot/command-handler.js';
import { STORE_DOWN_TEXT } from '../../../src/bot/fastify-slack-receiver.js';
import { MemoryStore } from '../../../src/backend/memory/memory-store.js';
import { PartitionableStore } from '../../doubles/partitionable-store.js';
import { fail } from '../../doubles/results.js';
import { guardNetwork, nockPostMessage, nockResponseUrl } from '../../doubles/slack-api-nock.js';
import { slashCommandBody } from '../../doubles/slack-requests.js';
import { FORM, startBotHarness, type BotHarness } from './slack-bot-harness.js';

const network = guardNetwork();
let h: BotHarness;
let store: PartitionableStore;

/** INC-1 open and posted; the store can be cut. */
beforeEach(async () => {
  store = new PartitionableStore(new MemoryStore());
  h = await startBotHarness({ store });
  nockPostMessage();
  await h.engine.apply(fail('SEV2', 'api', h.clock.now()));
  await h.bot.idle();
});
afterEach(async () => {
  store.heal();
  await h.close();
  expect(network.unmatched).toEqual([]);
  network.reset();
});
afterAll(() => {
  nock.enableNetConnect();
});

interface Answer {
  text: string;
  blocks?: Array<{ text?: { text: string } }>;
}

/** Sends `/dr <text>` and returns the one answer posted to its response_url. */
async function command(text: string, userId = 'U0ZZZ'): Promise<Answer> {
  const hook = nockResponseUrl();
  const response = await h.post(slashCommandBody(text, { userId }), FORM);
  expect(response.statusCode).toBe(200);
  expect(response.body).toBe('');
  await h.bot.idle();
  expect(hook.bodies).toHaveLength(1);
  return hook.bodies[0] as Answer;
}

const blockTexts = (answer: Answer) => (answer.blocks ?? []).map((b) => b.text?.text ?? '').join('\n');

describe('/dr status and /dr incidents while the store is unreachable', () => {
  it('answer what this replica last read, marked stale with its age; /dr ack is refused and changes nothing', async () => {
    const liveStatus = await command('status');
    const liveIncidents = await command('incidents');
    expect(liveStatus.text).toBe('DR posture: 1 of 3 checks failing, 1 open incident.');
    expect(liveIncidents.text).toBe('1 open incident');

    h.clock.advance(42_000);
    store.fail();
    const status = await command('status');
    expect(status.text).toBe(
      'Redis is unreachable: this is what this replica last read 42s ago. DR posture: 1 of 3 checks failing, 1 open incident.',
    );
    expect(status.blocks?.[0]?.text?.text).toBe(':warning: Redis is unreachable: this is what this replica last read 42s ago.');
    expect(blockTexts(status)).toContain('*INC-1* SEV2 `api`');

    h.clock.advance(5_000);
    const incidents = await command('incidents');
    expect(incidents.text).toBe('Redis is unreachable: this is what this replica last read 47s ago. 1 open incident');
    expect(blockTexts(incidents)).toContain('*Open incidents (1)*');
    expect(blockTexts(incidents)).toContain('*INC-1*');

    const ack = await command('ack INC-1', 'U0AAA');
    expect(ack.text).not.toContain('Acknowledged');
    expect(ack.text).toMatch(
      /^Lifeboat cannot reach its state store right now, so it could not finish this\. Try again in a minute \(reference [0-9a-f]{6}\)\.\nUsage: `\/dr ack <incident>`$/,
    );

    store.heal();
    expect(await h.store.getIncident('INC-1')).toMatchObject({ state: 'open' });
    expect((await h.store.getIncidentEvents('INC-1')).map((e) => e.type)).toEqual(['opened']);
    // Back to live answers once the store answers again.
    expect((await command('incidents')).text).toBe('1 open incident');
  });

  it('with nothing read before, says so', async () => {
    store.fail();
    expect((await command('status')).text).toBe(
      'Redis is unreachable, and this replica has not read `/dr status` since it started, so it has nothing to show. Try again in a minute; if it persists, check the Lifeboat service.',
    );
    expect((await command('incidents')).text).toMatch(
      /^Redis is unreachable, and this replica has not read `\/dr incidents` since it started/,
    );
  });

  it('a store that hangs is waited for at most the read deadline', async () => {
    await command('status');
    h.clock.advance(3_000);
    store.partition();
    const started = Date.now();
    const status = await command('status');
    const elapsed = Date.now() - started;
    expect(status.text).toMatch(/^Redis is unreachable: this is what this replica last read 3s ago\./);
    expect(elapsed).toBeGreaterThanOrEqual(STORE_READ_DEADLINE_MS - 50);
    expect(elapsed).toBeLessThan(STORE_READ_DEADLINE_MS + 1_000);
  });
});

describe('the receiver when it cannot record deliveries', () => {
  it('lets read-only commands through and still refuses everything else', async () => {
    await h.close();
    // Deliveries are recorded in a Redis that is not there; the incident store itself works.
    const redis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    try {
      h = await startBotHarness({ redis });
      await h.engine.apply(fail('SEV2', 'api', h.clock.now()));
      await h.bot.idle();

      expect((await command('incidents')).text).toBe('1 open incident');
      expect((await command('status')).text).toBe('DR posture: 1 of 3 checks failing, 1 open incident.');
      for (const text of ['ack INC-1', 'resolve INC-1', 'page INC-1', 'failover orders']) {
        expect(await command(text, 'U0AAA')).toEqual({ text: STORE_DOWN_TEXT, response_type: 'ephemeral' });
      }
      expect(h.ports.untouched).toBe(true);
      expect((await h.store.getIncident('INC-1'))?.state).toBe('open');
    } finally {
      redis.disconnect();
    }
  });
});
