import nock from 'nock';
import { expect, it } from 'vitest';
import { useGuardedApp } from '../doubles/guarded-app.js';
import type { App } from '../../src/app.js';
import { signPagerDutyWebhook } from '../../src/paging/webhook/verify-pagerduty-signature.js';
import type { ManualClock } from '../doubles/manual-clock.js';
import { ACCEPTED, nockEnqueue } from '../doubles/pagerduty-events-nock.js';
import { deliverPages, startPagingApp } from './paging-app-harness.js';
import { fail } from '../doubles/results.js';
import { nockChatUpdate, nockPostMessage } from '../doubles/slack-api-nock.js';

/*
 * Two-way PagerDuty through `buildApp`: webhooks signed as PagerDuty signs them, sent as
 * requests through the server's routing (fastify inject); Slack and the Events API answered at the network layer.
 */

const SECRET = 'whsec-current-0123456789abcdef';
const ROTATED_OUT = 'whsec-previous-0123456789abcdef';

const guarded = useGuardedApp();

const yaml = (pagerduty: string) => `
slack:
  channel: C0INCIDENTS
  command: /dr
  operators: [U0AAA]
  approvers: [U0BBB]
${pagerduty}
checks:
  - id: api
    type: http
    url: https://api.example.com/health
    schedule: "0 0 1 1 *"
    severity: SEV2
    failAfter: 1
    recoverAfter: 1
`;

async function startApp(pagerduty = ''): Promise<{ app: App; clock: ManualClock }> {
  const started = await startPagingApp(yaml(pagerduty), { PAGERDUTY_WEBHOOK_SECRET: SECRET });
  guarded.track(started.app);
  return started;
}

/** A V3 webhook body as PagerDuty documents it ("Webhook Payload"), for one incident event. */
function webhookBody(eventType: string, incidentKey: string, agent: string | null = 'Jane Doe'): string {
  return JSON.stringify({
    event: {
      id: '5ac64822-4adc-4fda-ade0-410becf0de4f',
      event_type: eventType,
      resource_type: 'incident',
      occurred_at: '2026-11-21T12:01:00.000Z',
      agent: agent === null ? null : { id: 'PLH1HKV', summary: agent, type: 'user_reference' },
      client: { name: 'PagerDuty' },
      data: {
        id: 'PGR0VU2',
        type: 'incident',
        html_url: 'https://acme.pagerduty.com/incidents/PGR0VU2',
        status: eventType === 'incident.resolved' ? 'resolved' : 'acknowledged',
        incident_key: incidentKey,
        title: 'SEV2 INC-1 api: HTTP 503 (expected 200)',
      },
    },
  });
}

async function post(app: App, body: string, signature: string | undefined): Promise<{ status: number; json: unknown }> {
  const response = await app.server.inject({
    method: 'POST',
    url: '/pagerduty/webhook',
    headers: { 'content-type': 'application/json', ...(signature !== undefined && { 'x-pagerduty-signature': signature }) },
    payload: body,
  });
  return { status: response.statusCode, json: response.json() };
}

/** Opens INC-1 and lets PagerDuty accept its trigger; answers the trigger's dedup_key. */
async function openAndPage(app: App, clock: ManualClock): Promise<string> {
  const bot = app.slack?.bot;
  if (!bot) throw new Error('Slack is off');
  nockPostMessage();
  await app.engine.apply(fail('SEV2', 'api', clock.now()));
  await bot.idle();
  const events: Array<{ dedup_key?: string }> = [];
  nockEnqueue(events, ACCEPTED);
  nock('https://slack.test')
    .post('/api/chat.getPermalink')
    .reply(200, { ok: true, channel: 'C0INCIDENTS', permalink: 'https://acme.slack.com/archives/C0INCIDENTS/p1000000001' });
  nockChatUpdate();
  await deliverPages(app, 'triggered');
  await bot.idle();
  return events[0]?.dedup_key ?? '';
}

it('an acknowledgement made in PagerDuty shows in Slack and is not sent back to PagerDuty', async () => {
  const { app, clock } = await startApp();
  const key = await openAndPage(app, clock);
  expect(key).toBe('INC-1');

  clock.advance(60_000);
  const updated = nockChatUpdate();
  const thread = nockPostMessage();
  const body = webhookBody('incident.acknowledged', key);
  // Two signatures during a secret rotation: one of them matching is enough.
  const answer = await post(app, body, signPagerDutyWebhook([ROTATED_OUT, SECRET], body));
  expect(answer).toEqual({ status: 200, json: { ok: true, applied: true } });
  await app.slack?.bot.idle();

  const incident = await app.store.getIncident('INC-1');
  expect(incident?.state).toBe('acknowledged');
  expect(thread.calls.map((c) => c.body.text)).toEqual([':eyes: Acknowledged in PagerDuty by Jane Doe']);
  expect(updated.calls.map((c) => c.body.text)).toEqual(['SEV2 INC-1 api: HTTP 503 (expected 200) (acknowledged)']);
  expect(JSON.stringify(updated.calls[0]?.body.blocks)).toContain('*acknowledged* in PagerDuty by Jane Doe');

  // Nothing is queued for PagerDuty: an acknowledge would be an unmatched request here.
  app.pager.start();
  await new Promise((resolve) => setTimeout(resolve, 100));
  await app.pager.stop();
  const metrics = await app.metrics.registry.getSingleMetricAsString('lifeboat_pagerduty_webhooks_total');
  expect(metrics).toContain('lifeboat_pagerduty_webhooks_total{outcome="applied"} 1');

  // PagerDuty reporting our own state back (or a retried delivery) changes nothing.
  const again = await post(app, body, signPagerDutyWebhook([SECRET], body));
  expect(again).toEqual({ status: 200, json: { ok: true, applied: false } });
});

it('a forged or unsigned webhook is refused with 401 and changes nothing', async () => {
  const { app, clock } = await startApp();
  await openAndPage(app, clock);
  const body = webhookBody('incident.resolved', 'INC-1');

  expect(await post(app, body, signPagerDutyWebhook(['not-the-secret-at-all'], body))).toEqual({
    status: 401,
    json: { error: 'invalid_signature' },
  });
  expect(await post(app, body, undefined)).toEqual({ status: 401, json: { error: 'invalid_signature' } });
  // Signed for another body: the signature covers the raw bytes exactly.
  const other = webhookBody('incident.resolved', 'INC-1', 'Mallory');
  expect((await post(app, body, signPagerDutyWebhook([SECRET], other))).status).toBe(401);

  expect((await app.store.getIncident('INC-1'))?.state).toBe('open');
  const metrics = await app.metrics.registry.getSingleMetricAsString('lifeboat_pagerduty_webhooks_total');
  expect(metrics).toContain('lifeboat_pagerduty_webhooks_total{outcome="unauthorized"} 3');
});

it('with a dedup prefix, pages carry it and only keys with it act; other events are ignored', async () => {
  const { app, clock } = await startApp('pagerduty:\n  pageAt: SEV2\n  dedupPrefix: prod-');
  const key = await openAndPage(app, clock);
  expect(key).toBe('prod-INC-1');

  const foreign = webhookBody('incident.resolved', 'INC-1');
  expect(await post(app, foreign, signPagerDutyWebhook([SECRET], foreign))).toEqual({ status: 200, json: { ok: true, applied: false } });
  const other = webhookBody('incident.priority_updated', 'prod-INC-1');
  expect(await post(app, other, signPagerDutyWebhook([SECRET], other))).toEqual({ status: 200, json: { ok: true, applied: false } });
  const garbage = 'not json';
  expect((await post(app, garbage, signPagerDutyWebhook([SECRET], garbage))).status).toBe(400);
  expect((await app.store.getIncident('INC-1'))?.state).toBe('open');

  clock.advance(60_000);
  nockChatUpdate();
  const thread = nockPostMessage();
  const ours = webhookBody('incident.resolved', 'prod-INC-1', null);
  expect(await post(app, ours, signPagerDutyWebhook([SECRET], ours))).toEqual({ status: 200, json: { ok: true, applied: true } });
  await app.slack?.bot.idle();
  const incident = await app.store.getIncident('INC-1');
  expect(incident?.state).toBe('resolved');
  expect(incident?.resolvedBy).toBe('pagerduty:automation');
  expect(thread.calls.map((c) => c.body.text)).toEqual([':white_check_mark: Resolved in PagerDuty by automation after 1m']);
});
