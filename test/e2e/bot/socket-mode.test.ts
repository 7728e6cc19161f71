import { parse as parseQuery } from 'node:querystring';
import { Redis } from 'ioredis';
import nock from 'nock';
import { ACTION_IDS } from '../../../src/bot/action-ids.js';
import { STORE_DOWN_TEXT } from '../../../src/bot/fastify-slack-receiver.js';
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest';
import { fail } from '../../doubles/results.js';
import { guardNetwork, nockAuthTest, nockChatUpdate, nockPostMessage, nockResponseUrl } from '../../doubles/slack-api-nock.js';
import { blockActionBody, slashCommandBody } from '../../doubles/slack-requests.js';
import { FakeSlackSocketServer } from '../../doubles/slack-socket-server.js';
import { botConfig, startBotHarness, type BotHarness } from './slack-bot-harness.js';

const network = guardNetwork();
let socketServer: FakeSlackSocketServer;
let h: BotHarness;
let opened: Array<string | undefined>;

beforeEach(async () => {
  socketServer = new FakeSlackSocketServer();
  const url = await socketServer.start();
  opened = [];
  // apps.connections.open goes to SLACK_API_URL with the app-level token.
  nock('https://slack.test')
    .post('/api/apps.connections.open')
    .reply(function () {
      const auth = this.req.headers.authorization;
      opened.push(Array.isArray(auth) ? auth[0] : auth);
      return [200, { ok: true, url }];
    });
  h = await startBotHarness({ config: botConfig(undefined, { SLACK_APP_TOKEN: 'xapp-1-test-app-token' }) });
});
afterEach(async () => {
  await h.close();
  await socketServer.stop();
  expect(network.unmatched).toEqual([]);
  network.reset();
});
afterAll(() => {
  nock.enableNetConnect();
});

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function commandEnvelope(envelopeId: string, text: string) {
  const fields = parseQuery(slashCommandBody(text));
  return { envelope_id: envelopeId, type: 'slash_commands', accepts_response_payload: true, payload: fields };
}

it('in Socket Mode the bot connects over the WebSocket, answers commands there, and /readyz follows the connection', async () => {
  expect(h.bot.mode).toBe('socket');
  const before = await h.server.inject({ method: 'GET', url: '/readyz' });
  expect(before.json()).toMatchObject({ checks: { slack: { ok: false, reason: 'Slack Socket Mode is not connected (not started)' } } });

  nockAuthTest();
  await h.bot.start();
  await until(async () => (await h.server.inject({ method: 'GET', url: '/readyz' })).statusCode === 200);
  expect(opened).toEqual(['Bearer xapp-1-test-app-token']);

  socketServer.push(commandEnvelope('env-1', 'help'));
  await socketServer.waitForReplies(1);
  expect(socketServer.received[0]).toMatchObject({
    envelope_id: 'env-1',
    payload: { response_type: 'ephemeral', text: expect.stringContaining('*Lifeboat* — disaster recovery from Slack') },
  });

  // HTTP deliveries are not how this deployment receives Slack.
  const http = await h.server.inject({ method: 'POST', url: '/slack/events', payload: 'x', headers: { 'content-type': FORM_TYPE } });
  expect(http.statusCode).toBe(404);
});

it('in Socket Mode a payload from another workspace or app is acked empty and not acted on', async () => {
  nockPostMessage();
  await h.engine.apply(fail('SEV2', 'api', h.clock.now()));
  await h.bot.idle();
  nockAuthTest();
  await h.bot.start();
  await until(() => socketServer.connections === 1);

  const foreignCommand = parseQuery(slashCommandBody('ack INC-1', { teamId: 'T0OTHER' }));
  socketServer.push({ envelope_id: 'env-f1', type: 'slash_commands', accepts_response_payload: true, payload: foreignCommand });
  const foreignClick = parseQuery(blockActionBody(ACTION_IDS.acknowledge, 'INC-1', { appId: 'A0OTHER' }));
  socketServer.push({
    envelope_id: 'env-f2',
    type: 'interactive',
    accepts_response_payload: false,
    payload: JSON.parse(String(foreignClick.payload)),
  });
  await socketServer.waitForReplies(2);
  // Acked (so Slack does not redeliver) with nothing in it: a foreign workspace is told nothing.
  expect(socketServer.received).toEqual([
    { envelope_id: 'env-f1', payload: {} },
    { envelope_id: 'env-f2', payload: {} },
  ]);
  await h.bot.idle();
  expect(h.ports.untouched).toBe(true);
  expect((await h.store.getIncidentEvents('INC-1')).map((e) => e.type)).toEqual(['opened']);
});

it('a Socket Mode delivery sent twice acts once', async () => {
  nockPostMessage();
  await h.engine.apply(fail('SEV2', 'api', h.clock.now()));
  await h.bot.idle();
  nockAuthTest();
  await h.bot.start();
  await until(() => socketServer.connections === 1 && socketServer.received.length === 0);
  await until(async () => (await h.server.inject({ method: 'GET', url: '/readyz' })).statusCode === 200);

  const hook = nockResponseUrl();
  nockChatUpdate();
  nockPostMessage();
  const envelope = commandEnvelope('env-2', 'ack INC-1');
  socketServer.push(envelope);
  socketServer.push({ ...envelope, envelope_id: 'env-3', retry_attempt: 1, retry_reason: 'timeout' });
  await socketServer.waitForReplies(2);
  await until(() => hook.bodies.length === 1);
  await h.bot.idle();
  expect(hook.bodies).toEqual([{ text: 'Acknowledged INC-1.', response_type: 'ephemeral', replace_original: false }]);
  expect((await h.store.getIncidentEvents('INC-1')).map((e) => e.type)).toEqual(['opened', 'acknowledged']);
});

it('in Socket Mode a delivery the store cannot record is not acted on, and the person is told (never a silent drop)', async () => {
  await h.close();
  // A Redis that is not there: recording the delivery fails at once.
  const redis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  try {
    h = await startBotHarness({ config: botConfig(undefined, { SLACK_APP_TOKEN: 'xapp-1-test-app-token' }), redis });
    nockPostMessage(); // not called: the message ref cannot be stored either
    await h.engine.apply(fail('SEV2', 'api', h.clock.now()));
    await h.bot.idle();
    nockAuthTest();
    await h.bot.start();
    await until(() => socketServer.connections === 1);

    // A slash command: the answer rides on the ack itself.
    socketServer.push(commandEnvelope('env-1', 'ack INC-1'));
    await socketServer.waitForReplies(1);
    expect(socketServer.received[0]).toEqual({ envelope_id: 'env-1', payload: { response_type: 'ephemeral', text: STORE_DOWN_TEXT } });

    // A button: acked empty, then told through its response_url.
    const hook = nockResponseUrl('/actions/T1/2/def');
    const click = parseQuery(blockActionBody(ACTION_IDS.acknowledge, 'INC-1', { userId: 'U0AAA' }));
    socketServer.push({
      envelope_id: 'env-2',
      type: 'interactive',
      accepts_response_payload: false,
      payload: JSON.parse(String(click.payload)),
    });
    await socketServer.waitForReplies(2);
    expect(socketServer.received[1]).toEqual({ envelope_id: 'env-2', payload: {} });
    await until(() => hook.bodies.length === 1);
    expect(hook.bodies).toEqual([{ text: STORE_DOWN_TEXT, response_type: 'ephemeral', replace_original: false }]);

    // A read-only command goes on: a retried read answered twice is harmless.
    const read = nockResponseUrl('/commands/T1/1/abc');
    socketServer.push(commandEnvelope('env-3', 'incidents'));
    await socketServer.waitForReplies(3);
    expect(socketServer.received[2]).toEqual({ envelope_id: 'env-3', payload: {} });
    await until(() => read.bodies.length === 1);
    expect(read.bodies[0]).toMatchObject({ text: '1 open incident', response_type: 'ephemeral' });

    await h.bot.idle();
    expect(h.ports.untouched).toBe(true);
    expect((await h.store.getIncident('INC-1'))?.state).toBe('open');
  } finally {
    redis.disconnect();
  }
});

const FORM_TYPE = 'application/x-www-form-urlencoded';
