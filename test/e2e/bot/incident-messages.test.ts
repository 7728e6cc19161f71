import nock from 'nock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fail, pass } from '../../doubles/results.js';
import {
  guardNetwork,
  nockChatUpdate,
  nockConversationsCreate,
  nockConversationsHistory,
  nockConversationsInvite,
  nockPostMessage,
  nockSlackError,
  nockUsergroupUsers,
} from '../../doubles/slack-api-nock.js';
import { startBotHarness, type BotHarness } from './slack-bot-harness.js';

const network = guardNetwork();
let h: BotHarness;

beforeEach(async () => {
  h = await startBotHarness();
});
afterEach(async () => {
  await h.close();
  expect(network.unmatched).toEqual([]);
  network.reset();
});
afterAll(() => {
  nock.enableNetConnect();
});

/** Slack message metadata every outbox post carries: its entry id, looked up before any re-post. */
const OUTBOX_METADATA = expect.stringMatching(
  /^\{"event_type":"lifeboat_post","event_payload":\{"outbox_id":"[0-9a-f-]{36}(\/[a-z]+)?"\}\}$/,
);
const OPENED = '<!date^1795262400^{date_short_pretty} {time}|2026-11-21 12:00 UTC>';
const at = (seconds: number, text: string) => `<!date^${1795262400 + seconds}^{date_short_pretty} {time}|${text}>`;
const button = (text: string, action: string, value = 'INC-1', style?: string) => ({
  type: 'button',
  text: { type: 'plain_text', text },
  action_id: `lifeboat.incident.${action}`,
  value,
  ...(style ? { style } : {}),
});

describe('incident messages in slack.channel', () => {
  it('an incident opening, escalating and resolving: one chat.postMessage, then chat.update in place, a thread reply per change', async () => {
    const posts = nockPostMessage(5);
    const updates = nockChatUpdate(3);
    // SEV1 is slack.incidentChannels: the escalation opens the incident's channel.
    const created = nockConversationsCreate('CINC1');
    nockUsergroupUsers(['U0OPS1', 'U0AAA']);
    nockConversationsInvite();

    await h.engine.apply(fail('SEV2', 'api', h.clock.now()));
    await h.bot.idle();
    expect(posts.calls).toEqual([
      {
        authorization: 'Bearer xoxb-test-bot-token',
        body: {
          channel: 'C0INCIDENTS',
          text: 'SEV2 INC-1 api: HTTP 503 (expected 200) (open)',
          blocks: [
            {
              type: 'section',
              text: { type: 'mrkdwn', text: ':large_orange_circle: *INC-1* · *SEV2* · `api` — *open*\nHTTP 503 (expected 200)' },
            },
            {
              type: 'section',
              fields: [
                { type: 'mrkdwn', text: '*Measured*\nHTTP 503 (expected 200)' },
                { type: 'mrkdwn', text: `*Since*\n${OPENED}` },
                { type: 'mrkdwn', text: '*Acknowledged*\nnot yet' },
                { type: 'mrkdwn', text: '*Peak severity*\nSEV2' },
              ],
            },
            {
              type: 'actions',
              block_id: 'lifeboat.incident.actions',
              elements: [
                button('Acknowledge', 'acknowledge', 'INC-1', 'primary'),
                button('Page on-call', 'page'),
                button('Resolve', 'resolve'),
                button('Update status page', 'statuspage'),
              ],
            },
            { type: 'context', elements: [{ type: 'mrkdwn', text: `Lifeboat · updated ${OPENED}` }] },
          ],
          unfurl_links: 'false',
          unfurl_media: 'false',
          metadata: OUTBOX_METADATA,
        },
      },
    ]);

    // Worse value: escalated in place at once.
    h.clock.advance(60_000);
    await h.engine.apply(fail('SEV1', 'api', h.clock.now(), 500));
    await h.bot.idle();
    expect(created.calls.map((c) => c.body.name)).toEqual(['inc-1-api']);
    const escalatedUpdate = updates.calls[0]?.body;
    expect(escalatedUpdate).toMatchObject({
      channel: 'C0INCIDENTS',
      ts: '1000.000001',
      text: 'SEV1 INC-1 api: HTTP 500 (expected 200) (open)',
    });
    expect((escalatedUpdate?.blocks as unknown[])[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: ':red_circle: *INC-1* · *SEV1* · `api` — *open*\nHTTP 500 (expected 200)' },
    });
    expect(posts.calls[1]?.body).toEqual({
      channel: 'C0INCIDENTS',
      thread_ts: '1000.000001',
      text: ':arrow_up: Escalated *SEV2* → *SEV1*: HTTP 500 (expected 200)',
      unfurl_links: 'false',
      unfurl_media: 'false',
      metadata: OUTBOX_METADATA,
    });

    h.clock.advance(60_000);
    await h.engine.apply(pass('api', h.clock.now()));
    await h.bot.idle();
    const resolvedUpdate = updates.calls.at(-1)?.body as { text: string; blocks: Array<Record<string, unknown>> };
    expect(resolvedUpdate.text).toBe('SEV1 INC-1 api: HTTP 200 in 5ms (resolved)');
    expect(resolvedUpdate.blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: ':white_check_mark: *INC-1* · *SEV1* · `api` — *resolved*\nHTTP 200 in 5ms' },
    });
    expect(resolvedUpdate.blocks[1]).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*Measured*\nHTTP 200 in 5ms' },
        { type: 'mrkdwn', text: `*Since*\n${OPENED}` },
        { type: 'mrkdwn', text: '*Acknowledged*\nnot yet' },
        { type: 'mrkdwn', text: '*Peak severity*\nSEV1' },
        { type: 'mrkdwn', text: `*Resolved*\n${at(120, '2026-11-21 12:02 UTC')}` },
        { type: 'mrkdwn', text: '*Incident channel*\n<#CINC1>' },
      ],
    });
    expect(resolvedUpdate.blocks[2]).toEqual({
      type: 'actions',
      block_id: 'lifeboat.incident.actions',
      elements: [button('Update status page', 'statuspage')],
    });
    const threadReplies = posts.calls.filter((c) => c.body.thread_ts === '1000.000001').map((c) => c.body.text);
    expect(threadReplies).toEqual([
      ':arrow_up: Escalated *SEV2* → *SEV1*: HTTP 500 (expected 200)',
      ':white_check_mark: Recovered after 2m: HTTP 200 in 5ms',
    ]);
    // Exactly one top-level message in the incidents channel; the incident channel gets the timeline too.
    expect(posts.calls.map((c) => [c.body.channel, c.body.thread_ts ?? null])).toEqual([
      ['C0INCIDENTS', null],
      ['C0INCIDENTS', '1000.000001'],
      ['CINC1', null],
      ['C0INCIDENTS', '1000.000001'],
      ['CINC1', null],
    ]);
    expect(posts.calls[4]?.body.text).toBe('*INC-1* :white_check_mark: Recovered after 2m: HTTP 200 in 5ms');
    expect(updates.calls).toHaveLength(3);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('a SEV1 incident gets its own channel inc-<n>-<check>, operators invited (usergroups expanded), linked from the message', async () => {
    const posts = nockPostMessage(2);
    const updates = nockChatUpdate(1);
    const created = nockConversationsCreate('CINC7');
    const members = nockUsergroupUsers(['U0OPS1', 'U0AAA']);
    const invited = nockConversationsInvite();

    await h.engine.apply(lag(900, 'SEV1'));
    await h.bot.idle();

    expect(created.calls.map((c) => c.body)).toEqual([{ name: 'inc-1-orders-lag', is_private: 'false' }]);
    expect(members.calls.map((c) => c.body)).toEqual([{ usergroup: 'S0OPS' }]);
    expect(invited.calls.map((c) => c.body)).toEqual([{ channel: 'CINC7', users: 'U0AAA,U0OPS1', force: 'true' }]);
    expect(posts.calls.map((c) => [c.body.channel, c.body.text])).toEqual([
      ['C0INCIDENTS', 'SEV1 INC-1 orders-lag: lag 900s (open)'],
      ['CINC7', 'SEV1 *INC-1* on `orders-lag`. Updates are posted here and in <#C0INCIDENTS>.'],
    ]);
    const linked = updates.calls[0]?.body as { blocks: Array<{ fields?: unknown[]; elements?: unknown[] }> };
    expect(linked.blocks[1]?.fields).toContainEqual({ type: 'mrkdwn', text: '*Incident channel*\n<#CINC7>' });
    // orders-lag guards the orders failover runbook: the message proposes it.
    expect(linked.blocks[2]?.elements).toContainEqual(
      button('Propose failover: orders', 'propose_failover:orders', '{"incidentId":"INC-1","runbook":"orders"}', 'danger'),
    );
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('a failed Slack call is retried; the message still ends up posted once', async () => {
    // internal_error: Slack says part of the call may have been carried out, so it looks first.
    nockSlackError('chat.postMessage', 'internal_error');
    const looked = nockConversationsHistory();
    const posts = nockPostMessage(1);
    await h.engine.apply(fail('SEV2', 'api', h.clock.now()));
    await h.bot.idle();
    expect(looked.calls.map((c) => c.body.channel)).toEqual(['C0INCIDENTS']);
    expect(posts.calls).toHaveLength(1);
  });

  it('a message deleted in Slack is posted again, and later changes go to the new one', async () => {
    const first = nockPostMessage(1);
    await h.engine.apply(fail('SEV2', 'api', h.clock.now()));
    await h.bot.idle();
    expect(first.calls).toHaveLength(1);
    const gone = nockSlackError('chat.update', 'message_not_found');
    const reposted = nockPostMessage(2, 'C0INCIDENTS', 2000);
    await h.engine.apply(fail('SEV3', 'api', h.clock.now())); // de-escalates: update + thread reply
    await h.bot.idle();
    expect(gone.calls).toHaveLength(1);
    expect(reposted.calls.map((c) => [c.body.channel, c.body.thread_ts ?? null])).toEqual([
      ['C0INCIDENTS', null],
      ['C0INCIDENTS', '2000.000001'], // the thread of the new message
    ]);
  });

  it('a post Slack refuses until a person fixes it (bot not in channel) is kept, and delivered once the bot is invited', async () => {
    const refused = nockSlackError('chat.postMessage', 'not_in_channel');
    await h.engine.apply(fail('SEV2', 'api', h.clock.now()));
    await h.bot.idle();
    expect(refused.calls).toHaveLength(1);
    expect(await h.bot.outbox.pending()).toBe(1); // kept, not dropped
    const posted = nockPostMessage(1);
    h.clock.advance(30_000); // failures a person must fix are retried at least every 30 s
    await h.bot.idle();
    expect(posted.calls.map((c) => c.body.text)).toEqual(['SEV2 INC-1 api: HTTP 503 (expected 200) (open)']);
    expect(await h.bot.outbox.pending()).toBe(0);
  });
});

function lag(seconds: number, severity: 'SEV1' | 'SEV3') {
  return {
    checkId: 'orders-lag',
    startedAt: h.clock.now(),
    durationMs: 40,
    ok: false,
    severity,
    summary: `lag ${seconds}s`,
    measurement: { kind: 'replication-lag' as const, lagSeconds: seconds, metric: 'ReplicaLag' },
    error: { kind: 'threshold' as const, message: `lag ${seconds}s` },
  };
}
