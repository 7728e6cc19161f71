import { Redis } from 'ioredis';
import nock from 'nock';
import { STORE_DOWN_TEXT } from '../../../src/bot/fastify-slack-receiver.js';
import { AUTH_CHECK_TTL_MS } from '../../../src/bot/slack-connection.js';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fail } from '../../doubles/results.js';
import {
  guardNetwork,
  nockAuthTest,
  nockChatUpdate,
  nockPostMessage,
  nockResponseUrl,
  nockSlackError,
} from '../../doubles/slack-api-nock.js';
import { signed, slashCommandBody, TEST_SIGNING_SECRET } from '../../doubles/slack-requests.js';
import { FORM, startBotHarness, type BotHarness } from './slack-bot-harness.js';

const network = guardNetwork();
let h: BotHarness;

beforeEach(async () => {
  h = await startBotHarness();
  // An open incident, posted: any request that got through would ack it.
  const posted = nockPostMessage();
  await h.engine.apply(fail('SEV2', 'api', h.clock.now()));
  await h.bot.idle();
  expect(posted.calls).toHaveLength(1);
});
afterEach(async () => {
  await h.close();
  expect(network.unmatched).toEqual([]);
  network.reset();
});
afterAll(() => {
  nock.enableNetConnect();
});

async function expectNoSideEffect(): Promise<void> {
  await h.bot.idle();
  expect(h.ports.untouched).toBe(true);
  expect((await h.store.getIncident('INC-1'))?.state).toBe('open');
  // guardNetwork: any Web API or response_url call would be recorded as unmatched.
  expect(network.unmatched).toEqual([]);
}

describe('POST /slack/events refuses what Slack did not sign', () => {
  const body = () => slashCommandBody('ack INC-1');

  it('a forged signature gets 401 and no Web API call', async () => {
    const request = signed(body(), FORM, h.clock.now(), 'not-the-secret');
    const response = await h.postSigned(request);
    expect(response.statusCode).toBe(401);
    await expectNoSideEffect();
  });

  it('a body changed after signing gets 401', async () => {
    const request = signed(body(), FORM, h.clock.now());
    const response = await h.postSigned({ ...request, body: request.body.replace('ack', 'resolve') });
    expect(response.statusCode).toBe(401);
    await expectNoSideEffect();
  });

  it('a timestamp older than 5 minutes gets 401, even correctly signed', async () => {
    const request = signed(body(), FORM, h.clock.now() - 301_000, TEST_SIGNING_SECRET);
    const response = await h.postSigned(request);
    expect(response.statusCode).toBe(401);
    await expectNoSideEffect();
  });

  it('a timestamp 4 minutes old is still accepted', async () => {
    const hook = nockResponseUrl();
    const update = nockChatUpdate();
    const reply = nockPostMessage();
    const response = await h.postSigned(signed(body(), FORM, h.clock.now() - 240_000));
    expect(response.statusCode).toBe(200);
    await h.bot.idle();
    expect(hook.bodies).toEqual([{ text: 'Acknowledged INC-1.', response_type: 'ephemeral', replace_original: false }]);
    expect(update.calls).toHaveLength(1);
    expect(reply.calls).toHaveLength(1);
  });

  it.each([
    ['no signature', ['x-slack-signature']],
    ['no timestamp', ['x-slack-request-timestamp']],
    ['neither header', ['x-slack-signature', 'x-slack-request-timestamp']],
  ])('%s gets 401', async (_label, missing) => {
    const request = signed(body(), FORM, h.clock.now());
    for (const name of missing) delete request.headers[name];
    const response = await h.postSigned(request);
    expect(response.statusCode).toBe(401);
    await expectNoSideEffect();
  });

  it('a non-numeric timestamp gets 401', async () => {
    const request = signed(body(), FORM, h.clock.now());
    const response = await h.postSigned({ ...request, headers: { ...request.headers, 'x-slack-request-timestamp': '1e9' } });
    expect(response.statusCode).toBe(401);
    await expectNoSideEffect();
  });

  it('accepts the form content type in any letter case (media types are case-insensitive, RFC 9110 §8.3.1)', async () => {
    const hook = nockResponseUrl();
    const update = nockChatUpdate();
    const reply = nockPostMessage();
    const response = await h.post(body(), 'Application/X-WWW-Form-Urlencoded; Charset=UTF-8');
    expect(response.statusCode).toBe(200);
    await h.bot.idle();
    expect(hook.bodies).toEqual([{ text: 'Acknowledged INC-1.', response_type: 'ephemeral', replace_original: false }]);
    expect(update.calls).toHaveLength(1);
    expect(reply.calls).toHaveLength(1);
  });

  it('answers url_verification with the challenge once signed', async () => {
    const response = await h.post(JSON.stringify({ token: 't', challenge: 'c-123', type: 'url_verification' }), 'application/json');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ challenge: 'c-123' });
  });

  it('an unsigned url_verification is refused too', async () => {
    const response = await h.server.inject({
      method: 'POST',
      url: '/slack/events',
      payload: JSON.stringify({ challenge: 'c-123', type: 'url_verification' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(401);
  });
});

describe('retried deliveries', () => {
  it('a retried slash command (X-Slack-Retry-Num) acts once', async () => {
    const hook = nockResponseUrl();
    const update = nockChatUpdate();
    const reply = nockPostMessage();
    const body = slashCommandBody('ack INC-1');
    const first = await h.post(body, FORM);
    const retry = await h.post(body, FORM, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    const again = await h.post(body, FORM, { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' });
    expect([first.statusCode, retry.statusCode, again.statusCode]).toEqual([200, 200, 200]);
    await h.bot.idle();
    expect(hook.bodies).toHaveLength(1);
    expect(update.calls).toHaveLength(1);
    expect(reply.calls).toHaveLength(1);
    const events = await h.store.getIncidentEvents('INC-1');
    expect(events.map((e) => e.type)).toEqual(['opened', 'acknowledged']);
  });

  it('a retried submission reaches the approval layer once', async () => {
    const hook = nockResponseUrl();
    const body = slashCommandBody('failover orders --dry-run');
    await h.post(body, FORM);
    await h.post(body, FORM, { 'x-slack-retry-num': '1' });
    await h.bot.idle();
    expect(h.ports.submitted).toHaveLength(1);
    expect(hook.bodies).toHaveLength(1);
  });
});

describe('store unavailable', () => {
  it('a command is answered but not acted on when the store cannot record the delivery (fail closed)', async () => {
    await h.close();
    // A Redis that is not there: every command fails at once.
    const redis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    try {
      h = await startBotHarness({ redis });
      const posted = nockPostMessage();
      await h.engine.apply(fail('SEV2', 'api', h.clock.now()));
      await h.bot.idle();
      expect(posted.calls).toHaveLength(0); // the message ref cannot be stored either: retried, then dropped
      const hook = nockResponseUrl();
      const response = await h.post(slashCommandBody('ack INC-1'), FORM);
      expect(response.statusCode).toBe(200);
      await h.bot.idle();
      expect(hook.bodies).toEqual([{ text: STORE_DOWN_TEXT, response_type: 'ephemeral' }]);
      expect((await h.store.getIncident('INC-1'))?.state).toBe('open');
    } finally {
      redis.disconnect();
    }
  });
});

describe('readiness', () => {
  it('/readyz reports Slack not connected while auth.test fails, and ready once it answers', async () => {
    // The harness checked at start; past the cache, /readyz asks again.
    h.clock.advance(AUTH_CHECK_TTL_MS);
    nockSlackError('auth.test', 'invalid_auth');
    const down = await h.server.inject({ method: 'GET', url: '/readyz' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({
      ready: false,
      checks: { slack: { ok: false, reason: 'Slack is not connected: Slack refused auth.test: invalid_auth' } },
    });
    expect(down.body).not.toContain('xoxb-');

    nockAuthTest();
    const up = await h.server.inject({ method: 'GET', url: '/readyz' });
    expect(up.statusCode).toBe(200);
    expect(up.json()).toEqual({ ready: true, checks: { store: { ok: true }, slack: { ok: true } } });
  });

  it('records the ack latency histogram', async () => {
    await h.post(slashCommandBody('help'), FORM);
    const metrics = await h.metrics.registry.metrics();
    expect(metrics).toMatch(/lifeboat_slack_ack_seconds_count 1\b/);
  });
});
