import type { types } from '@slack/bolt';
import nock from 'nock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackBotError } from '../../../src/bot/bot-errors.js';
import { PLAIN_TEXT_LIMIT } from '../../../src/bot/plain-text-fallback.js';
import { WebClientSlackGateway } from '../../../src/bot/web-client-slack-gateway.js';
import { createLogger } from '../../../src/observability/logger.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { guardNetwork, nockResponseUrl, TEST_RESPONSE_URL_ORIGIN, TEST_SLACK_API_URL } from '../../doubles/slack-api-nock.js';
import { type SlackFake, startSlackFake } from '../../doubles/slack-fake.js';

const network = guardNetwork();
afterAll(() => {
  nock.enableNetConnect();
});

let lines: string[];
let gateway: WebClientSlackGateway;
let fake: SlackFake;
const BLOCKS: types.KnownBlock[] = [
  { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Propose failover: a-very-long-runbook-name' } }] },
];

beforeEach(() => {
  lines = [];
  const clock = new ManualClock();
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } }).child({
    component: 'slack',
  });
  gateway = new WebClientSlackGateway({ token: 'xoxb-test-token', apiUrl: TEST_SLACK_API_URL, logger, networkRetries: 0, clock });
  fake = startSlackFake({ clock });
});
afterEach(() => {
  expect(network.unmatched).toEqual([]);
  expect(nock.pendingMocks()).toEqual([]);
  network.reset();
});

/** Our own error line about the refusal (the client logs Slack's [ERROR] lines separately). */
function fallbackLog(): Record<string, unknown> | undefined {
  return lines
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((l) => typeof l.msg === 'string' && l.msg.includes('sending it again as plain text'));
}

describe('when Slack refuses the blocks, the message goes out once more as plain text', () => {
  it.each(['invalid_blocks', 'invalid_blocks_format', 'msg_blocks_too_long'])(
    'chat.postMessage refused with %s is posted as text, with its thread and metadata',
    async (error) => {
      const parent = await gateway.postMessage({ channel: 'C1', text: 'parent' });
      fake.refuse(error, { method: 'chat.postMessage' });
      const posted = await gateway.postMessage({
        channel: 'C1',
        text: 'INC-1 opened: api is down',
        blocks: BLOCKS,
        threadTs: parent.ts,
        metadata: { eventType: 'lifeboat_post', payload: { entry: 'e1' } },
      });
      expect(fake.messages.at(-1)).toEqual({
        channel: 'C1',
        ts: posted.ts,
        threadTs: parent.ts,
        text: 'INC-1 opened: api is down',
        metadata: { event_type: 'lifeboat_post', event_payload: { entry: 'e1' } },
        botId: 'BBOT',
      });
      expect(fake.count('chat.postMessage')).toBe(3);
      expect(fallbackLog()).toMatchObject({
        level: 50,
        component: 'slack',
        method: 'chat.postMessage',
        slackError: error,
        slackMessages: [expect.stringContaining('json-pointer:/blocks/0')],
      });
    },
  );

  it('chat.update refused with invalid_blocks replaces the blocks by an empty list (Slack would keep the old ones)', async () => {
    const posted = await gateway.postMessage({ channel: 'C1', text: 'v1', blocks: [{ type: 'divider' }] });
    fake.refuse('invalid_blocks', { method: 'chat.update' });
    await gateway.updateMessage({ channel: posted.channel, ts: posted.ts, text: 'v2 resolved', blocks: BLOCKS });
    expect(fake.messages).toEqual([{ channel: 'C1', ts: posted.ts, text: 'v2 resolved', botId: 'BBOT' }]);
    expect(fake.requests.filter((r) => r.method === 'chat.update').map((r) => r.body.blocks)).toEqual([BLOCKS, []]);
    expect(fallbackLog()).toMatchObject({ method: 'chat.update', slackError: 'invalid_blocks' });
  });

  it('chat.postEphemeral refused with invalid_blocks is sent as text', async () => {
    fake.refuse('invalid_blocks', { method: 'chat.postEphemeral' });
    await gateway.postEphemeral({ channel: 'C1', user: 'U1', text: 'You cannot approve your own request', blocks: BLOCKS });
    expect(fake.ephemerals).toEqual([{ channel: 'C1', user: 'U1', text: 'You cannot approve your own request' }]);
    expect(fallbackLog()).toMatchObject({ method: 'chat.postEphemeral' });
  });

  it('a response_url answering 400 invalid_blocks gets the text alone', async () => {
    nock(TEST_RESPONSE_URL_ORIGIN).post('/commands/T1/1/abc').reply(400, 'invalid_blocks');
    const hook = nockResponseUrl();
    await gateway.respond(hook.url, { text: 'Status: 3 checks failing', blocks: BLOCKS, replaceOriginal: true });
    expect(hook.bodies).toEqual([{ text: 'Status: 3 checks failing', response_type: 'ephemeral', replace_original: true }]);
    expect(fallbackLog()).toMatchObject({ method: 'response_url', slackError: 'invalid_blocks' });
  });

  it('msg_too_long: the text is cut to Slack\'s limit with a visible "…"', async () => {
    fake.refuse('msg_too_long', { method: 'chat.postMessage', times: 1 });
    const long = `${'Measured: snapshot failed. '.repeat(300)}END`;
    await gateway.postMessage({ channel: 'C1', text: long, blocks: BLOCKS });
    const text = fake.messages[0]?.text ?? '';
    expect(Array.from(text)).toHaveLength(PLAIN_TEXT_LIMIT);
    expect(text.endsWith('…')).toBe(true);
    expect(long.startsWith(text.slice(0, -1))).toBe(true);
  });

  it('a refusal of the plain text too is a non-retryable error, after exactly two requests', async () => {
    fake.refuse('msg_too_long', { method: 'chat.postMessage' });
    const error = await gateway.postMessage({ channel: 'C1', text: 'x', blocks: BLOCKS }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(SlackBotError);
    expect(error).toMatchObject({ details: { method: 'chat.postMessage', slackError: 'msg_too_long', retryable: false } });
    expect((error as SlackBotError).details.ambiguous).toBeUndefined();
    expect((error as Error).message).toMatch(/even as plain text/);
    expect(fake.count('chat.postMessage')).toBe(2);
    expect(fake.messages).toEqual([]);
  });

  it('a message without blocks refused with invalid_blocks is not sent again', async () => {
    fake.stop();
    nock('https://slack.test').post('/api/chat.postMessage').reply(200, { ok: false, error: 'invalid_blocks' });
    await expect(gateway.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      details: { slackError: 'invalid_blocks', retryable: false },
    });
    expect(fallbackLog()).toBeUndefined();
  });
});
