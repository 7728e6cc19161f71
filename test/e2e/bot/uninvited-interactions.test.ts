import nock from 'nock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ACTION_IDS, STATUS_SELECT_ACTION_ID, VIEW_IDS } from '../../../src/bot/action-ids.js';
import { fail } from '../../doubles/results.js';
import { guardNetwork, nockAuthTest, nockPostEphemeral, nockPostMessage, nockResponseUrl } from '../../doubles/slack-api-nock.js';
import { blockActionBody, slashCommandBody, viewSubmissionBody } from '../../doubles/slack-requests.js';
import { FORM, startBotHarness, type BotHarness } from './slack-bot-harness.js';

const network = guardNetwork();
let h: BotHarness;

/** INC-1 on check `api` (no runbook linked), posted by Lifeboat in C0INCIDENTS at 1000.000001. */
beforeEach(async () => {
  h = await startBotHarness();
  const posted = nockPostMessage();
  await h.engine.apply(fail('SEV2', 'api', h.clock.now()));
  await h.bot.idle();
  expect(posted.calls[0]?.body).toMatchObject({ channel: 'C0INCIDENTS' });
});
afterEach(async () => {
  await h.close();
  expect(network.unmatched).toEqual([]);
  network.reset();
});
afterAll(() => {
  nock.enableNetConnect();
});

const NOT_OURS = 'That button is not on a message Lifeboat posted for this, so it did nothing. Use `/dr incidents` to see what is current.';

/** Nothing happened: the incident is as it was, no port was called, and (guardNetwork) no Slack call went out. */
async function expectNothingChanged(): Promise<void> {
  await h.bot.idle();
  expect(h.ports.untouched).toBe(true);
  expect(await h.store.getIncident('INC-1')).toMatchObject({ state: 'open' });
  expect((await h.store.getIncidentEvents('INC-1')).map((e) => e.type)).toEqual(['opened']);
  expect(network.unmatched).toEqual([]);
}

describe('payloads from another workspace or app: no side effect, no answer', () => {
  it.each([
    ['a foreign team_id', { teamId: 'T0OTHER' }],
    ['a foreign api_app_id', { appId: 'A0OTHER' }],
  ])('a click with %s does nothing and answers nothing', async (_name, origin) => {
    const response = await h.post(blockActionBody(ACTION_IDS.acknowledge, 'INC-1', origin), FORM);
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('');
    // No nockPostEphemeral: an answer to the clicker would be an unmatched request.
    await expectNothingChanged();
  });

  it.each([
    ['a foreign team_id', { teamId: 'T0OTHER' }],
    ['a foreign api_app_id', { appId: 'A0OTHER' }],
  ])('a slash command with %s does nothing and answers nothing, not even a parse error', async (_name, origin) => {
    for (const text of ['ack INC-1', 'failover orders', 'status', 'nonsense']) {
      const response = await h.post(slashCommandBody(text, origin), FORM);
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe('');
    }
    await expectNothingChanged();
  });

  it('a modal submission whose view another app opened is not acted on', async () => {
    const values = {
      status: { [STATUS_SELECT_ACTION_ID]: { type: 'static_select', selected_option: { value: 'identified' } } },
      'message:identified': { message: { type: 'plain_text_input', value: 'We found the cause.' } },
    };
    const metadata = JSON.stringify({ incidentId: 'INC-1', channelId: 'C0INCIDENTS' });
    for (const origin of [{ viewAppId: 'A0OTHER' }, { viewTeamId: 'T0OTHER' }, { teamId: 'T0OTHER' }]) {
      const response = await h.post(viewSubmissionBody(VIEW_IDS.statusPage, values, metadata, 'U0AAA', origin), FORM);
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe('');
    }
    await expectNothingChanged();
  });

  it('before the installation is known every payload is refused; the bot asks Slack who it is and then accepts ours', async () => {
    await h.close();
    h = await startBotHarness({ start: false });
    nockPostMessage();
    await h.engine.apply(fail('SEV2', 'api', h.clock.now()));
    await h.bot.idle();
    const identity = nockAuthTest();
    const refused = await h.post(slashCommandBody('ack INC-1'), FORM);
    expect(refused.body).toBe('');
    await expectNothingChanged();
    await vi.waitFor(() => expect(identity.calls).toHaveLength(1), { timeout: 10_000 });
    await vi.waitFor(() => expect(nock.pendingMocks()).toEqual([]), { timeout: 10_000 });

    const hook = nockResponseUrl();
    nockPostMessage(); // the thread entry "Acknowledged by"
    nock('https://slack.test').post('/api/chat.update').reply(200, { ok: true });
    await h.post(slashCommandBody('ack INC-1'), FORM);
    await h.bot.idle();
    expect(hook.bodies).toMatchObject([{ text: 'Acknowledged INC-1.', response_type: 'ephemeral' }]);
    expect((await h.store.getIncident('INC-1'))?.state).toBe('acknowledged');
  });
});

describe('when Slack will not say which app Lifeboat is', () => {
  it('without the users:read scope for bots.info, /readyz says so and every payload is refused', async () => {
    await h.close();
    h = await startBotHarness({ start: false });
    nock('https://slack.test').post('/api/auth.test').reply(200, { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' });
    nock('https://slack.test')
      .post('/api/bots.info')
      .reply(200, { ok: false, error: 'missing_scope', needed: 'users:read', provided: 'chat:write,commands' });
    await h.bot.start();
    nockPostMessage();
    await h.engine.apply(fail('SEV2', 'api', h.clock.now()));
    await h.bot.idle();

    const refused = await h.post(slashCommandBody('ack INC-1'), FORM);
    expect(refused.body).toBe('');
    await expectNothingChanged();

    // Past the retry interval, /readyz asks again and reports the scope.
    h.clock.advance(30_000);
    nock('https://slack.test').post('/api/auth.test').reply(200, { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' });
    nock('https://slack.test')
      .post('/api/bots.info')
      .reply(200, { ok: false, error: 'missing_scope', needed: 'users:read', provided: 'chat:write,commands' });
    const ready = await h.server.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({
      checks: { slack: { ok: false, reason: 'Slack is not connected: Slack refused bots.info: missing scope users:read' } },
    });
  });
});

describe('buttons Lifeboat did not post: no side effect, an ephemeral answer to the clicker', () => {
  it('Acknowledge on a message in another channel that names INC-1 does nothing', async () => {
    const ephemeral = nockPostEphemeral();
    await h.post(blockActionBody(ACTION_IDS.acknowledge, 'INC-1', { channelId: 'C0ELSEWHERE', messageTs: '1000.000001' }), FORM);
    await h.bot.idle();
    expect(ephemeral.calls.map((c) => c.body)).toEqual([{ channel: 'C0ELSEWHERE', user: 'U0AAA', text: NOT_OURS }]);
    await expectNothingChanged();
  });

  it.each([
    ['another message in the incident channel', { messageTs: '1000.000099' }],
    ['a payload that names no message', { messageTs: '' }],
  ])('Resolve and Page on %s do nothing', async (_name, where) => {
    const ephemeral = nockPostEphemeral(2);
    await h.post(blockActionBody(ACTION_IDS.resolve, 'INC-1', where), FORM);
    await h.post(blockActionBody(ACTION_IDS.page, 'INC-1', where), FORM);
    await h.bot.idle();
    expect(ephemeral.calls.map((c) => c.body.text)).toEqual([NOT_OURS, NOT_OURS]);
    await expectNothingChanged();
  });

  it("a button naming an incident on another incident's message does nothing", async () => {
    const second = nockPostMessage(1, 'C0INCIDENTS', 1001);
    await h.engine.apply(fail('SEV2', 'orders-lag', h.clock.now()));
    await h.bot.idle();
    expect(second.calls).toHaveLength(1);
    const ephemeral = nockPostEphemeral();
    // INC-2's message, with a button value rewritten to INC-1.
    await h.post(blockActionBody(ACTION_IDS.acknowledge, 'INC-1', { messageTs: '1001.000001' }), FORM);
    await h.bot.idle();
    expect(ephemeral.calls.map((c) => c.body.text)).toEqual([NOT_OURS]);
    await expectNothingChanged();
  });

  it.each([
    [`${ACTION_IDS.proposeFailover}:orders`, 'failover'],
    [`${ACTION_IDS.proposeRestore}:orders`, 'restore'],
  ])('a forged %s on an incident whose check is not linked to that runbook creates no request', async (actionId) => {
    const ephemeral = nockPostEphemeral();
    // On INC-1's own message: only the runbook link is wrong (`api` guards no runbook, backs up nothing).
    await h.post(blockActionBody(actionId, JSON.stringify({ incidentId: 'INC-1', runbook: 'orders' })), FORM);
    await h.bot.idle();
    expect(ephemeral.calls.map((c) => c.body.text)).toEqual([NOT_OURS]);
    expect(h.ports.submitted).toEqual([]);
    await expectNothingChanged();
  });

  it('the status page button on a message Lifeboat did not post opens no modal', async () => {
    const ephemeral = nockPostEphemeral();
    await h.post(blockActionBody(ACTION_IDS.statusPage, 'INC-1', { channelId: 'C0ELSEWHERE' }), FORM);
    await h.bot.idle();
    // guardNetwork: a views.open would be unmatched.
    expect(ephemeral.calls.map((c) => c.body.text)).toEqual([NOT_OURS]);
    await expectNothingChanged();
  });
});
