import nock from 'nock';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { SlackBotError } from '../../../src/bot/bot-errors.js';
import { SLACK_NETWORK_RETRIES, WebClientSlackGateway } from '../../../src/bot/web-client-slack-gateway.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { guardNetwork, TEST_SLACK_API_URL } from '../../doubles/slack-api-nock.js';
import { startSlackFake } from '../../doubles/slack-fake.js';

const network = guardNetwork();
afterEach(() => {
  expect(network.unmatched).toEqual([]);
  expect(nock.pendingMocks()).toEqual([]);
  network.reset();
});
afterAll(() => {
  nock.enableNetConnect();
});

/** The production retry policy (SLACK_NETWORK_RETRIES), with a short timeout so the test is quick. */
function gateway(timeoutMs = 150): WebClientSlackGateway {
  return new WebClientSlackGateway({
    token: 'xoxb-test-token',
    apiUrl: TEST_SLACK_API_URL,
    logger: silentLogger(),
    timeoutMs,
    networkRetries: SLACK_NETWORK_RETRIES,
  });
}

async function failure(promise: Promise<unknown>): Promise<SlackBotError> {
  const error = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(SlackBotError);
  return error as SlackBotError;
}

/** What undici's fetch rejects with: TypeError('fetch failed') caused by the socket error and its code. */
function socketError(code: string, message: string): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('non-idempotent Slack calls are never retried blindly', () => {
  it('a chat.postMessage carried out but answered after the timeout reaches Slack once and fails as ambiguous', async () => {
    const fake = startSlackFake().slow(400, { method: 'chat.postMessage' });
    const error = await failure(
      gateway().postMessage({ channel: 'C1', text: 'INC-1 opened', metadata: { eventType: 'lifeboat_post', payload: { entry: 'e1' } } }),
    );
    expect(error.details).toMatchObject({ method: 'chat.postMessage', retryable: true, ambiguous: true });
    expect(error.details.hint).toMatch(/findPosted/);
    await settle(450); // room for a retry to show, had there been one
    // The fake counts a slow request once it answers: polled, as that answer can be late on a busy machine.
    await vi.waitFor(() => expect(fake.count('chat.postMessage')).toBeGreaterThanOrEqual(1), { timeout: 10_000 });
    expect(fake.count('chat.postMessage')).toBe(1);
    // It was posted: the caller must look for it instead of posting again.
    expect(fake.messages).toHaveLength(1);
  });

  it('the same slow answer to an idempotent chat.update is retried by the client (its retries are kept)', async () => {
    const fake = startSlackFake();
    const posted = await gateway().postMessage({ channel: 'C1', text: 'v1' });
    fake.slow(400, { method: 'chat.update', times: 1 });
    await gateway().updateMessage({ channel: posted.channel, ts: posted.ts, text: 'v2' });
    expect(fake.count('chat.update')).toBe(2);
    expect(fake.messages.map((m) => m.text)).toEqual(['v2']);
    await settle(450);
  });

  it.each([
    ['chat.postMessage', (g: WebClientSlackGateway) => g.postMessage({ channel: 'C1', text: 'x' })],
    ['chat.postEphemeral', (g: WebClientSlackGateway) => g.postEphemeral({ channel: 'C1', user: 'U1', text: 'x' })],
    ['conversations.create', (g: WebClientSlackGateway) => g.createChannel('inc-1-api')],
    ['conversations.invite', (g: WebClientSlackGateway) => g.inviteToChannel('CINC1', ['U1'])],
    [
      'views.open',
      (g: WebClientSlackGateway) => g.openView('trigger-1', { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] }),
    ],
  ])('%s answered 503 is sent once and is ambiguous', async (method, call) => {
    const scope = nock('https://slack.test').post(`/api/${method}`).reply(503, 'upstream down');
    const error = await failure(call(gateway()));
    expect(error).toMatchObject({ code: 'LIFEBOAT_SLACK_UNAVAILABLE', details: { method, retryable: true, ambiguous: true } });
    expect(scope.isDone()).toBe(true);
  });

  it('a connection reset after sending is ambiguous; a refused connection is not (nothing reached Slack)', async () => {
    nock('https://slack.test').post('/api/chat.postMessage').replyWithError(socketError('ECONNRESET', 'socket hang up'));
    expect((await failure(gateway().postMessage({ channel: 'C1', text: 'x' }))).details).toMatchObject({
      retryable: true,
      ambiguous: true,
    });
    nock('https://slack.test').post('/api/chat.postMessage').replyWithError(socketError('ECONNREFUSED', 'connect ECONNREFUSED'));
    const refused = await failure(gateway().postMessage({ channel: 'C1', text: 'x' }));
    expect(refused.details.retryable).toBe(true);
    expect(refused.details.ambiguous).toBeUndefined();
  });

  it.each([
    ['rate limited (429)', () => nock('https://slack.test').post('/api/chat.postMessage').reply(429, '', { 'retry-after': '120' })],
    [
      'refused (invalid_auth)',
      () => nock('https://slack.test').post('/api/chat.postMessage').reply(200, { ok: false, error: 'invalid_auth' }),
    ],
  ])('a post Slack %s is not ambiguous: nothing was posted', async (_name, reply) => {
    reply();
    const error = await failure(gateway().postMessage({ channel: 'C1', text: 'x' }));
    expect(error.details.ambiguous).toBeUndefined();
  });
});
