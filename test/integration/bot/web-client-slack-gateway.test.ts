import nock from 'nock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackBotError } from '../../../src/bot/bot-errors.js';
import { WebApiPermalinks } from '../../../src/bot/incident-links.js';
import { WebClientSlackGateway } from '../../../src/bot/web-client-slack-gateway.js';
import { createLogger, silentLogger } from '../../../src/observability/logger.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { startSlackFake } from '../../doubles/slack-fake.js';
import {
  guardNetwork,
  nockConversationsCreate,
  nockConversationsInvite,
  nockPostMessage,
  nockRateLimited,
  nockResponseUrl,
  nockSlackError,
  nockUsergroupUsers,
  TEST_SLACK_API_URL,
} from '../../doubles/slack-api-nock.js';

const network = guardNetwork();
let sleeps: number[];
let clock: ManualClock;
let gateway: WebClientSlackGateway;

beforeEach(() => {
  sleeps = [];
  clock = new ManualClock();
  gateway = new WebClientSlackGateway({
    token: 'xoxb-test-token',
    apiUrl: TEST_SLACK_API_URL,
    logger: silentLogger(),
    networkRetries: 0,
    clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
  });
});
afterEach(() => {
  expect(network.unmatched).toEqual([]);
  expect(nock.pendingMocks()).toEqual([]);
  network.reset();
});
afterAll(() => {
  nock.enableNetConnect();
});

async function failure(promise: Promise<unknown>): Promise<SlackBotError> {
  const error = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(SlackBotError);
  return error as SlackBotError;
}

describe('WebClientSlackGateway', () => {
  it('posts to SLACK_API_URL with the bot token as a bearer header and the exact fields', async () => {
    const posted = nockPostMessage();
    const message = await gateway.postMessage({ channel: 'C0INCIDENTS', text: 'hello', blocks: [{ type: 'divider' }], threadTs: '1.2' });
    expect(message).toEqual({ channel: 'C0INCIDENTS', ts: '1000.000001' });
    expect(posted.calls).toEqual([
      {
        authorization: 'Bearer xoxb-test-token',
        body: {
          channel: 'C0INCIDENTS',
          text: 'hello',
          blocks: [{ type: 'divider' }],
          thread_ts: '1.2',
          unfurl_links: 'false',
          unfurl_media: 'false',
        },
      },
    ]);
  });

  it('waits out Retry-After on a 429 (the method is paused meanwhile) and then succeeds, with one retry', async () => {
    const limited = nockRateLimited('chat.postMessage', 7);
    const posted = nockPostMessage();
    await expect(gateway.postMessage({ channel: 'C1', text: 'x' })).resolves.toEqual({ channel: 'C0INCIDENTS', ts: '1000.000001' });
    expect(sleeps).toEqual([7_000]);
    expect(limited.calls).toHaveLength(1);
    expect(posted.calls).toHaveLength(1);
  });

  it('gives up after three 429s with a retryable rate-limit error', async () => {
    nockRateLimited('chat.update', 1, 4);
    const error = await failure(gateway.updateMessage({ channel: 'C1', ts: '1.1', text: 'x' }));
    expect(error.code).toBe('LIFEBOAT_SLACK_RATE_LIMITED');
    expect(error.retryable).toBe(true);
    expect(sleeps).toEqual([1_000, 1_000, 1_000]);
  });

  it('does not block on a Retry-After longer than a minute: the caller retries later', async () => {
    nockRateLimited('chat.postMessage', 120);
    const error = await failure(gateway.postMessage({ channel: 'C1', text: 'x' }));
    expect(error).toMatchObject({ code: 'LIFEBOAT_SLACK_RATE_LIMITED', details: { retryAfterSeconds: 120, retryable: true } });
    expect(sleeps).toEqual([]);
  });

  it.each([
    ['not_in_channel', 'LIFEBOAT_SLACK_CHANNEL', false, /invite the bot/],
    ['invalid_auth', 'LIFEBOAT_SLACK_AUTH', false, /SLACK_BOT_TOKEN/],
    ['internal_error', 'LIFEBOAT_SLACK_API_ERROR', true, /internal_error/],
    ['msg_too_long', 'LIFEBOAT_SLACK_API_ERROR', false, /msg_too_long/],
  ])('maps the platform error %s to %s', async (slackError, code, retryable, hint) => {
    nockSlackError('chat.postMessage', slackError);
    const error = await failure(gateway.postMessage({ channel: 'C1', text: 'x' }));
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.details.hint).toMatch(hint);
    expect(error.details.slackError).toBe(slackError);
    // internal_error: "It's possible some aspect of the operation succeeded" (Slack's common errors).
    expect(error.details.ambiguous ?? false).toBe(slackError === 'internal_error');
  });

  it('names the scope Slack says is missing', async () => {
    nockSlackError('usergroups.users.list', 'missing_scope', { needed: 'usergroups:read', provided: 'chat:write' });
    const error = await failure(gateway.usergroupMembers('S1'));
    expect(error.code).toBe('LIFEBOAT_SLACK_MISSING_SCOPE');
    expect(error.message).toBe('Slack refused usergroups.users.list: missing scope usergroups:read');
    expect(error.details.hint).toMatch(/usergroups:read.*reinstall/);
  });

  it('treats an HTTP 503 as a retryable outage (of an idempotent call: not ambiguous)', async () => {
    nock('https://slack.test').post('/api/chat.update').reply(503, 'upstream down');
    const error = await failure(gateway.updateMessage({ channel: 'C1', ts: '1.1', text: 'x' }));
    expect(error).toMatchObject({ code: 'LIFEBOAT_SLACK_UNAVAILABLE', details: { retryable: true } });
    expect(error.details.ambiguous).toBeUndefined();
  });

  it('asks bots.info for the app id of our bot, and auth.test keeps the identity', async () => {
    const fake = startSlackFake();
    expect(await gateway.authTest()).toEqual({ userId: 'UBOT', botId: 'BBOT', teamId: 'T1' });
    expect(await gateway.botInfo('BBOT')).toEqual({ botId: 'BBOT', appId: 'A1', userId: 'UBOT' });
    expect(fake.requests.map((r) => [r.method, r.body])).toEqual([
      ['auth.test', {}],
      ['bots.info', { bot: 'BBOT' }],
    ]);
  });

  it('lists usergroup members, creates a channel and invites with force', async () => {
    const members = nockUsergroupUsers(['U1', 'U2']);
    const created = nockConversationsCreate('CINC9');
    const invited = nockConversationsInvite();
    expect(await gateway.usergroupMembers('S0OPS')).toEqual(['U1', 'U2']);
    expect(await gateway.createChannel('inc-9-api')).toEqual({ id: 'CINC9', name: 'inc-9-api' });
    await gateway.inviteToChannel('CINC9', ['U1', 'U2']);
    expect(members.calls[0]?.body).toEqual({ usergroup: 'S0OPS' });
    expect(created.calls[0]?.body).toEqual({ name: 'inc-9-api', is_private: 'false' });
    expect(invited.calls[0]?.body).toEqual({ channel: 'CINC9', users: 'U1,U2', force: 'true' });
  });

  it('answers through a response_url with an ephemeral JSON body', async () => {
    const hook = nockResponseUrl();
    await gateway.respond(hook.url, { text: 'done' });
    expect(hook.bodies).toEqual([{ text: 'done', response_type: 'ephemeral' }]);
  });

  it('reports an expired response_url as a coded, non-retryable error', async () => {
    const hook = nockResponseUrl('/commands/T1/1/old', 1, 404);
    const error = await failure(gateway.respond(hook.url, { text: 'late' }));
    expect(error).toMatchObject({ code: 'LIFEBOAT_SLACK_RESPONSE_URL', details: { retryable: false } });
  });

  it('writes Slack client log lines with one component key (raw JSON, before any parse)', async () => {
    const lines: string[] = [];
    const root = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
    const logged = new WebClientSlackGateway({
      token: 'xoxb-test-token',
      apiUrl: TEST_SLACK_API_URL,
      logger: root.child({ component: 'slack' }),
      networkRetries: 0,
      clock,
    });
    const fake = startSlackFake();
    fake.refuse('invalid_blocks', { method: 'chat.postMessage' });
    await logged.postMessage({ channel: 'C1', text: 'x', blocks: [{ type: 'divider' }] });
    // The client's own lines (debug requests, the [ERROR] of response_metadata) and ours.
    const clientLines = lines.filter((l) => l.includes('"slackClient":"web-api"'));
    expect(clientLines.length).toBeGreaterThan(3);
    expect(lines.some((l) => l.includes('must be less than 76 characters'))).toBe(true);
    for (const line of lines) expect(line.match(/"component":/g) ?? []).toHaveLength(1);
    expect(lines.every((l) => l.includes('"component":"slack"'))).toBe(true);
  });

  it('writes the permalink client log lines with one component key too', async () => {
    const lines: string[] = [];
    const root = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
    const permalinks = new WebApiPermalinks({
      token: 'xoxb-test-token',
      apiUrl: TEST_SLACK_API_URL,
      logger: root.child({ component: 'slack' }),
    });
    nock('https://slack.test').post('/api/chat.getPermalink').reply(200, { ok: false, error: 'message_not_found' });
    await expect(permalinks.permalink('C1', '1.2')).rejects.toBeInstanceOf(SlackBotError);
    expect(lines.filter((l) => l.includes('"slackClient":"permalinks"')).length).toBeGreaterThan(0);
    for (const line of lines) expect(line.match(/"component":/g) ?? []).toHaveLength(1);
  });
});
