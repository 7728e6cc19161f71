import nock from 'nock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIND_POSTED_PAGE_SIZE, WebClientSlackGateway } from '../../../src/bot/web-client-slack-gateway.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { guardNetwork, TEST_SLACK_API_URL } from '../../doubles/slack-api-nock.js';
import { type SlackFake, startSlackFake } from '../../doubles/slack-fake.js';

const network = guardNetwork();
afterAll(() => {
  nock.enableNetConnect();
});

let clock: ManualClock;
let gateway: WebClientSlackGateway;
let fake: SlackFake;

beforeEach(() => {
  clock = new ManualClock();
  gateway = new WebClientSlackGateway({
    token: 'xoxb-test-token',
    apiUrl: TEST_SLACK_API_URL,
    logger: silentLogger(),
    networkRetries: 0,
    clock,
  });
  fake = startSlackFake({ clock });
});
afterEach(() => {
  expect(network.unmatched).toEqual([]);
  expect(nock.pendingMocks()).toEqual([]);
  network.reset();
});

const meta = (entry: string) => ({ eventType: 'lifeboat_post', payload: { entry, incident: 'INC-1' } });

describe('findPosted', () => {
  it('finds a post in the channel history by its metadata, reading only since the entry (less clock skew) with all metadata', async () => {
    const since = clock.now();
    clock.advance(1_000);
    await gateway.postMessage({ channel: 'C1', text: 'other', metadata: meta('e0') });
    const posted = await gateway.postMessage({ channel: 'C1', text: 'INC-1 opened', metadata: meta('e1') });
    await gateway.postMessage({ channel: 'C1', text: 'later' });
    expect(await gateway.findPosted({ channel: 'C1', key: 'entry', value: 'e1', sinceMs: since, eventType: 'lifeboat_post' })).toEqual(
      posted,
    );
    const read = fake.requests.filter((r) => r.method === 'conversations.history');
    expect(read.map((r) => r.body)).toEqual([
      {
        channel: 'C1',
        oldest: ((since - 5 * 60_000) / 1000).toFixed(6),
        include_all_metadata: 'true',
        limit: String(FIND_POSTED_PAGE_SIZE),
      },
    ]);
  });

  it('finds a post whose ts Slack stamped slightly before our clock said the entry was made', async () => {
    const posted = await gateway.postMessage({ channel: 'C1', text: 'x', metadata: meta('e1') });
    // Our clock runs 20 s ahead of Slack's.
    expect(await gateway.findPosted({ channel: 'C1', key: 'entry', value: 'e1', sinceMs: clock.now() + 20_000 })).toEqual(posted);
  });

  it('finds a reply in a thread with conversations.replies, never the thread parent carrying the same incident', async () => {
    const parent = await gateway.postMessage({ channel: 'C1', text: 'INC-1 opened', metadata: meta('e1') });
    const reply = await gateway.postMessage({ channel: 'C1', text: 'paged', threadTs: parent.ts, metadata: meta('e2') });
    expect(await gateway.findPosted({ channel: 'C1', threadTs: parent.ts, key: 'incident', value: 'INC-1', sinceMs: clock.now() })).toEqual(
      reply,
    );
    expect(await gateway.findPosted({ channel: 'C1', threadTs: parent.ts, key: 'entry', value: 'e1', sinceMs: clock.now() })).toBeNull();
    // Not in the channel history: Slack lists only top-level messages there.
    expect(await gateway.findPosted({ channel: 'C1', key: 'entry', value: 'e2', sinceMs: clock.now() })).toBeNull();
    expect(fake.requests.filter((r) => r.method === 'conversations.replies')[0]?.body).toMatchObject({
      channel: 'C1',
      ts: parent.ts,
      include_all_metadata: 'true',
    });
  });

  it('follows response_metadata.next_cursor to the second page', async () => {
    const since = clock.now();
    const posted = await gateway.postMessage({ channel: 'C1', text: 'the one', metadata: meta('e1') });
    // Newer messages fill the first page (history is newest first); kept directly, as if posted.
    for (let i = 0; i < FIND_POSTED_PAGE_SIZE + 5; i++) {
      clock.advance(10);
      fake.messages.push({
        channel: 'C1',
        ts: (clock.now() / 1000).toFixed(6),
        text: `noise ${i}`,
        botId: 'BBOT',
        metadata: { event_type: 'lifeboat_post', event_payload: { entry: `n${i}` } },
      });
    }
    expect(await gateway.findPosted({ channel: 'C1', key: 'entry', value: 'e1', sinceMs: since })).toEqual(posted);
    const pages = fake.requests.filter((r) => r.method === 'conversations.history');
    expect(pages).toHaveLength(2);
    expect(pages[1]?.body.cursor).toEqual(expect.any(String));
  });

  it('answers null when the post is not there (Slack never carried it out), after reading every page', async () => {
    await gateway.postMessage({ channel: 'C1', text: 'x', metadata: meta('e0') });
    expect(await gateway.findPosted({ channel: 'C1', key: 'entry', value: 'e1', sinceMs: clock.now() })).toBeNull();
    expect(await gateway.findPosted({ channel: 'C2', key: 'entry', value: 'e0', sinceMs: clock.now() })).toBeNull();
  });

  it("ignores another bot's message carrying the same key once auth.test has named ours", async () => {
    await gateway.authTest();
    fake.messages.push({
      channel: 'C1',
      ts: `${clock.now() / 1000 + 1}.000001`,
      text: 'copy',
      botId: 'BOTHER',
      metadata: { event_type: 'lifeboat_post', event_payload: { entry: 'e1' } },
    });
    expect(await gateway.findPosted({ channel: 'C1', key: 'entry', value: 'e1', sinceMs: clock.now() })).toBeNull();
  });

  it('looks in a channel posted to by name under the id Slack answered', async () => {
    fake.stop();
    nock('https://slack.test').post('/api/chat.postMessage').reply(200, { ok: true, channel: 'C0INCIDENTS', ts: '1795262400.000100' });
    await gateway.postMessage({ channel: '#incidents', text: 'x', metadata: meta('e1') });
    const history = startSlackFake({ clock });
    await gateway.findPosted({ channel: '#incidents', key: 'entry', value: 'e1', sinceMs: clock.now() });
    expect(history.requests.find((r) => r.method === 'conversations.history')?.body.channel).toBe('C0INCIDENTS');
    await expect(gateway.findPosted({ channel: '#other', key: 'entry', value: 'e1', sinceMs: clock.now() })).rejects.toMatchObject({
      code: 'LIFEBOAT_SLACK_CHANNEL',
      details: { retryable: false },
    });
  });
});
