import { createHmac } from 'node:crypto';
import nock from 'nock';
import { expect, it } from 'vitest';
import { useGuardedApp } from '../doubles/guarded-app.js';
import type { App } from '../../src/app.js';
import { createLogger } from '../../src/observability/logger.js';
import type { ManualClock } from '../doubles/manual-clock.js';
import { ACCEPTED, nockEnqueue } from '../doubles/pagerduty-events-nock.js';
import { useRedisPrefix } from '../doubles/redis-prefix.js';
import { until } from '../doubles/until.js';
import { deliverPages, startPagingApp } from './paging-app-harness.js';
import { fail } from '../doubles/results.js';
import { nockChatUpdate, nockPostMessage } from '../doubles/slack-api-nock.js';

/*
 * Two-way PagerDuty through `buildApp` on the test Redis: webhooks signed as PagerDuty signs them, sent as
 * requests through the server's routing (fastify inject); Slack and the Events API answered at the network layer.
 */

const SECRET = 'whsec-current-0123456789abcdef';
const ROTATED_OUT = 'whsec-previous-0123456789abcdef';

const guarded = useGuardedApp();
const bed = useRedisPrefix('pagerduty-webhook', { perTest: true });

/**
 * The `X-PagerDuty-Signature` value PagerDuty sends, computed here rather than with the code under
 * test. PagerDuty's "Verifying Signatures" (developer docs, webhooks): "The current signature
 * version is `v1` and is computed as an HMAC of the payload body using a SHA-256 hash function.
 * This is performed for each signing secret and the results are concatenated using comma
 * separation", e.g. `v1=f03de6…8073,v1=130dca…dd8b`, the digest in Base16 (hex).
 */
function pagerDutySignature(secrets: string[], rawBody: string): string {
  return secrets.map((secret) => `v1=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`).join(',');
}

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

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

async function startApp(
  pagerduty = '',
  env: Record<string, string> = { PAGERDUTY_WEBHOOK_SECRET: SECRET },
): Promise<{ app: App; clock: ManualClock; logs: LogLine[] }> {
  const logs: LogLine[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(JSON.parse(line)) } });
  const started = await startPagingApp(yaml(pagerduty), env, { redis: { client: bed.redis, keyPrefix: bed.prefix }, logger });
  guarded.track(started.app);
  return { ...started, logs };
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

/** The audit log as `/dr audit` reads it, oldest first: "type subject actor". */
async function auditLines(app: App): Promise<string[]> {
  const entries = await app.backend.auditLog.newest({ limit: 100 });
  return entries.reverse().map((e) => `${e.type} ${'incidentId' in e ? e.incidentId : ''} ${e.actor ?? '-'}`);
}

/** Waits for `last` to be audited, and checks it follows only INC-1's opening and its page. */
async function expectAuditedAfterPage(app: App, last: string): Promise<void> {
  await until(async () => (await auditLines(app)).includes(last), `"${last}" audited`);
  expect(await auditLines(app)).toEqual(['incident-opened INC-1 -', 'page-delivered INC-1 -', last]);
}

/** Lets the pager run against the Events API with no answer set up: any request it made would be unmatched. */
async function pagerRunsIdle(app: App): Promise<void> {
  app.pager.start();
  await new Promise((resolve) => setTimeout(resolve, 100));
  await app.pager.stop();
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
  const answer = await post(app, body, pagerDutySignature([ROTATED_OUT, SECRET], body));
  expect(answer).toEqual({ status: 200, json: { ok: true, applied: true } });
  await app.slack?.bot.idle();

  const incident = await app.store.getIncident('INC-1');
  expect(incident?.state).toBe('acknowledged');
  expect(thread.calls.map((c) => c.body.text)).toEqual([':eyes: Acknowledged in PagerDuty by Jane Doe']);
  expect(updated.calls.map((c) => c.body.text)).toEqual(['SEV2 INC-1 api: HTTP 503 (expected 200) (acknowledged)']);
  expect(JSON.stringify(updated.calls[0]?.body.blocks)).toContain('*acknowledged* in PagerDuty by Jane Doe');

  // The audit entry names who acknowledged it in PagerDuty, not a Slack user.
  await expectAuditedAfterPage(app, 'incident-acknowledged INC-1 pagerduty:Jane Doe');

  // Nothing is queued for PagerDuty: an acknowledge would be an unmatched request here.
  expect(await app.backend.pagingQueue.pendingEvents()).toBe(0);
  await pagerRunsIdle(app);
  const metrics = await app.metrics.registry.getSingleMetricAsString('lifeboat_pagerduty_webhooks_total');
  expect(metrics).toContain('lifeboat_pagerduty_webhooks_total{outcome="applied"} 1');

  // PagerDuty reporting our own state back (or a retried delivery) changes nothing.
  const again = await post(app, body, pagerDutySignature([SECRET], body));
  expect(again).toEqual({ status: 200, json: { ok: true, applied: false } });
});

it('a forged or unsigned webhook is refused with 401 and changes nothing; several signatures with one right one are accepted', async () => {
  const { app, clock } = await startApp();
  await openAndPage(app, clock);
  const body = webhookBody('incident.resolved', 'INC-1');
  await until(async () => (await auditLines(app)).length === 2, 'the open and the page audited');
  const auditBefore = await auditLines(app);
  const revisionBefore = (await app.store.getIncident('INC-1'))?.revision;

  expect(await post(app, body, pagerDutySignature(['not-the-secret-at-all'], body))).toEqual({
    status: 401,
    json: { error: 'invalid_signature' },
  });
  expect(await post(app, body, undefined)).toEqual({ status: 401, json: { error: 'invalid_signature' } });
  // Signed for another body: the signature covers the raw bytes exactly.
  const other = webhookBody('incident.resolved', 'INC-1', 'Mallory');
  expect((await post(app, body, pagerDutySignature([SECRET], other))).status).toBe(401);

  // Every listed signature wrong, however many: still refused.
  expect((await post(app, body, pagerDutySignature([ROTATED_OUT, 'not-the-secret-at-all'], body))).status).toBe(401);

  const stored = await app.store.getIncident('INC-1');
  expect(stored?.state).toBe('open');
  expect(stored?.revision).toBe(revisionBefore);
  expect(await auditLines(app)).toEqual(auditBefore);
  expect(await app.backend.pagingQueue.pendingEvents()).toBe(0);
  const metrics = await app.metrics.registry.getSingleMetricAsString('lifeboat_pagerduty_webhooks_total');
  expect(metrics).toContain('lifeboat_pagerduty_webhooks_total{outcome="unauthorized"} 4');

  // The same body with the right signature last of three (PagerDuty lists one per secret) acts.
  clock.advance(60_000);
  nockChatUpdate();
  nockPostMessage();
  const rotating = `${pagerDutySignature(['not-the-secret-at-all', ROTATED_OUT], body)},${pagerDutySignature([SECRET], body)}`;
  expect(await post(app, body, rotating)).toEqual({ status: 200, json: { ok: true, applied: true } });
  await app.slack?.bot.idle();
  expect((await app.store.getIncident('INC-1'))?.state).toBe('resolved');
});

it('without PAGERDUTY_WEBHOOK_SECRET the route is off: a correctly signed resolve gets 404 and changes nothing', async () => {
  const { app, clock } = await startApp('', {});
  await openAndPage(app, clock);
  await until(async () => (await auditLines(app)).length === 2, 'the open and the page audited');
  const auditBefore = await auditLines(app);
  const revisionBefore = (await app.store.getIncident('INC-1'))?.revision;

  const body = webhookBody('incident.resolved', 'INC-1');
  const answer = await post(app, body, pagerDutySignature([SECRET], body));
  expect(answer.status).toBe(404);
  expect(answer.json).toMatchObject({ statusCode: 404, error: 'Not Found' });

  const stored = await app.store.getIncident('INC-1');
  expect(stored?.state).toBe('open');
  expect(stored?.revision).toBe(revisionBefore);
  expect(await auditLines(app)).toEqual(auditBefore);
  // Not refused by a webhook handler either (that would be a 401, counted): the route is not there.
  const metrics = await app.metrics.registry.getSingleMetricAsString('lifeboat_pagerduty_webhooks_total');
  expect(metrics).not.toMatch(/lifeboat_pagerduty_webhooks_total\{outcome="[a-z]+"\} [1-9]/);
});

it('an event for a well-formed key of an incident that does not exist is answered 200, changes nothing and is logged as ignored', async () => {
  const { app, clock, logs } = await startApp();
  await openAndPage(app, clock);
  await until(async () => (await auditLines(app)).length === 2, 'the open and the page audited');
  const auditBefore = await auditLines(app);
  const revisionBefore = (await app.store.getIncident('INC-1'))?.revision;

  const body = webhookBody('incident.acknowledged', 'INC-999');
  expect(await post(app, body, pagerDutySignature([SECRET], body))).toEqual({ status: 200, json: { ok: true, applied: false } });

  expect(await app.store.getIncident('INC-999')).toBeNull();
  expect((await app.store.getIncident('INC-1'))?.revision).toBe(revisionBefore);
  expect(await auditLines(app)).toEqual(auditBefore);
  expect(await app.backend.pagingQueue.pendingEvents()).toBe(0);
  const ignored = logs.filter((l) => l.component === 'pagerduty-webhook' && l.incidentId === 'INC-999');
  expect(ignored).toHaveLength(1);
  expect(ignored[0]).toMatchObject({ eventType: 'incident.acknowledged', incidentKey: 'INC-999', reason: 'not-found' });
  expect(ignored[0]?.msg).toBe('PagerDuty incident.acknowledged for INC-999 ignored: There is no incident INC-999.');
  const metrics = await app.metrics.registry.getSingleMetricAsString('lifeboat_pagerduty_webhooks_total');
  expect(metrics).toContain('lifeboat_pagerduty_webhooks_total{outcome="ignored"} 1');
  expect(metrics).not.toContain('outcome="applied"');
});

it('a resolve made in PagerDuty resolves the incident, is audited with its PagerDuty actor and is not sent back to PagerDuty', async () => {
  const { app, clock } = await startApp();
  await openAndPage(app, clock);
  // As a scrape reads it: the gauge is collected from the store at scrape time.
  const openGauge = async () =>
    /lifeboat_incidents_open\{severity="SEV2"\} 1/.test((await app.server.inject({ method: 'GET', url: '/metrics' })).body);
  expect(await openGauge()).toBe(true);

  clock.advance(120_000);
  nockChatUpdate();
  const thread = nockPostMessage();
  const body = webhookBody('incident.resolved', 'INC-1');
  expect(await post(app, body, pagerDutySignature([SECRET], body))).toEqual({ status: 200, json: { ok: true, applied: true } });
  await app.slack?.bot.idle();

  const incident = await app.store.getIncident('INC-1');
  expect(incident?.state).toBe('resolved');
  expect(incident?.resolvedBy).toBe('pagerduty:Jane Doe');
  expect(await openGauge()).toBe(false);
  expect(thread.calls.map((c) => c.body.text)).toEqual([':white_check_mark: Resolved in PagerDuty by Jane Doe after 2m']);
  await expectAuditedAfterPage(app, 'incident-resolved INC-1 pagerduty:Jane Doe');

  // PagerDuty has it resolved already: no resolve is queued, and paging still shows the trigger it accepted.
  expect(await app.backend.pagingQueue.pendingEvents()).toBe(0);
  expect((await app.pager.pagingState('INC-1'))?.status).toBe('triggered');
  await pagerRunsIdle(app);
});

it('with a dedup prefix, pages carry it and only keys with it act; other events are ignored', async () => {
  const { app, clock } = await startApp('pagerduty:\n  pageAt: SEV2\n  dedupPrefix: prod-');
  const key = await openAndPage(app, clock);
  expect(key).toBe('prod-INC-1');

  const foreign = webhookBody('incident.resolved', 'INC-1');
  expect(await post(app, foreign, pagerDutySignature([SECRET], foreign))).toEqual({ status: 200, json: { ok: true, applied: false } });
  const other = webhookBody('incident.priority_updated', 'prod-INC-1');
  expect(await post(app, other, pagerDutySignature([SECRET], other))).toEqual({ status: 200, json: { ok: true, applied: false } });
  const garbage = 'not json';
  expect((await post(app, garbage, pagerDutySignature([SECRET], garbage))).status).toBe(400);
  expect((await app.store.getIncident('INC-1'))?.state).toBe('open');

  clock.advance(60_000);
  nockChatUpdate();
  const thread = nockPostMessage();
  const ours = webhookBody('incident.resolved', 'prod-INC-1', null);
  expect(await post(app, ours, pagerDutySignature([SECRET], ours))).toEqual({ status: 200, json: { ok: true, applied: true } });
  await app.slack?.bot.idle();
  const incident = await app.store.getIncident('INC-1');
  expect(incident?.state).toBe('resolved');
  expect(incident?.resolvedBy).toBe('pagerduty:automation');
  expect(thread.calls.map((c) => c.body.text)).toEqual([':white_check_mark: Resolved in PagerDuty by automation after 1m']);
});
