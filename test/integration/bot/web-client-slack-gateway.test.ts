import nock from 'nock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackBotError } from '../../../src/bot/bot-errors.js';
import { WebClientSlackGateway } from '../../../src/bot/web-client-slack-gateway.js';
import { silentLogger } from '../../../src/observability/logger.js';
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
let gateway: WebClientSlackGateway;

beforeEach(() => {
  sleeps = [];
  gateway = new WebClientSlackGateway({
    token: 'xoxb-test-token',
    apiUrl: TEST_SLACK_API_URL,
    logger: silentLogger(),
    networkRetries: 0,
    sleep: async (ms) => {
      sleeps.push(ms);
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
        body: { channel: 'C0INCIDENTS', text: 'hello', blocks: [{ type: 'divider' }], thread_ts: '1.2', unfurl_links: 'false', unfurl_media: 'false' },
      },
    ]);
  });

  it('waits out Retry-After on a 429 and then succeeds, with one retry', async () => {
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
  });

  it('names the scope Slack says is missing', async () => {
    nockSlackError('usergroups.users.list', 'missing_scope', { needed: 'usergroups:read', provided: 'chat:write' });
    const error = await failure(gateway.usergroupMembers('S1'));
    expect(error.code).toBe('LIFEBOAT_SLACK_MISSING_SCOPE');
    expect(error.message).toBe('Slack refused usergroups.users.list: missing scope usergroups:read');
    expect(error.details.hint).toMatch(/usergroups:read.*reinstall/);
  });

  it('treats an HTTP 503 as a retryable outage', async () => {
    nock('https://slack.test').post('/api/chat.update').reply(503, 'upstream down');
    const error = await failure(gateway.updateMessage({ channel: 'C1', ts: '1.1', text: 'x' }));
    expect(error).toMatchObject({ code: 'LIFEBOAT_SLACK_UNAVAILABLE', details: { retryable: true } });
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
});
