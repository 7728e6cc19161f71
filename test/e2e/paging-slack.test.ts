import { parse as parseQuery } from 'node:querystring';
import nock from 'nock';
import { expect, it } from 'vitest';
import { useGuardedApp } from '../doubles/guarded-app.js';
import type { App } from '../../src/app.js';
import { MANUAL_CLOCK_START, type ManualClock } from '../doubles/manual-clock.js';
import { ACCEPTED, nockEnqueue, TEST_ROUTING_KEY } from '../doubles/pagerduty-events-nock.js';
import { deliverPages, startPagingApp } from './paging-app-harness.js';
import { fail } from '../doubles/results.js';
import { nockChatUpdate, nockPostMessage, type SlackCall } from '../doubles/slack-api-nock.js';

/*
 * Incidents, PagerDuty and Slack as `lifeboat start` wires them (buildApp): the engine tells the
 * pager and the notifier, the pager tells the notifier, and the page links the Slack message.
 */

const guarded = useGuardedApp();

/** One check, scheduled once a year: the test decides every result (the monitor never runs it). */
const YAML = `
slack:
  channel: C0INCIDENTS
  command: /dr
  operators: [U0AAA]
  approvers: [U0BBB]
checks:
  - id: api
    type: http
    url: https://api.example.com/health
    schedule: "0 0 1 1 *"
    severity: SEV2
    failAfter: 1
    recoverAfter: 1
    component: api
`;

async function startApp(): Promise<{ app: App; clock: ManualClock }> {
  const started = await startPagingApp(YAML);
  guarded.track(started.app);
  return started;
}

function slackOf(app: App) {
  if (!app.slack) throw new Error('Slack is off');
  return app.slack;
}

const T0 = MANUAL_CLOCK_START; // 2026-11-21 12:00:00 UTC
const time = (ms: number, text: string) => `<!date^${ms / 1000}^{time}|${text}>`;
const PERMALINK = 'https://acme.slack.com/archives/C0INCIDENTS/p1000000001';

/** chat.getPermalink answering for message 1000.000001 in C0INCIDENTS. */
function nockGetPermalink(): Array<Record<string, unknown>> {
  const bodies: Array<Record<string, unknown>> = [];
  nock('https://slack.test')
    .post('/api/chat.getPermalink')
    .reply(200, (_uri, body) => {
      bodies.push(parseQuery(body as string) as Record<string, unknown>);
      return { ok: true, channel: 'C0INCIDENTS', permalink: PERMALINK };
    });
  return bodies;
}

function pagingLineOf(call: SlackCall | undefined): string | undefined {
  const blocks = call?.body.blocks as Array<{ block_id?: string; elements?: Array<{ text: string }> }> | undefined;
  return blocks?.find((b) => b.block_id === 'lifeboat.incident.paging')?.elements?.[0]?.text;
}

it('the incident message follows paging (queued, paged, acknowledged) and the page links back to the message', async () => {
  const { app, clock } = await startApp();
  const { engine } = app;
  const outbox = slackOf(app).bot;

  const posted = nockPostMessage();
  await engine.apply(fail('SEV2', 'api', clock.now()));
  await outbox.idle();
  expect(posted.calls).toHaveLength(1);
  expect(pagingLineOf(posted.calls[0])).toBe(':pager: Paging PagerDuty (error)…');

  clock.advance(2_000);
  const permalinkRequests = nockGetPermalink();
  const events: unknown[] = [];
  nockEnqueue(events, ACCEPTED);
  const paged = nockChatUpdate();
  await deliverPages(app, 'triggered');
  await outbox.idle();
  expect(permalinkRequests).toEqual([{ channel: 'C0INCIDENTS', message_ts: '1000.000001' }]);
  expect(events).toHaveLength(1);
  expect(events[0]).toEqual({
    routing_key: TEST_ROUTING_KEY,
    event_action: 'trigger',
    dedup_key: 'INC-1',
    client: 'Lifeboat',
    payload: {
      summary: 'SEV2 INC-1 api: HTTP 503 (expected 200)',
      source: 'api.example.com',
      severity: 'error',
      timestamp: new Date(T0).toISOString(),
      component: 'api',
      group: 'api',
      class: 'http',
      custom_details: {
        incident: 'INC-1',
        check: 'api',
        severity: 'SEV2',
        measured: 'HTTP 503 (expected 200)',
        measurement: { kind: 'http', status: 503, url: 'http://127.0.0.1/health' },
        opened_at: new Date(T0).toISOString(),
        reason: 'SEV2 is at or above pageAt (SEV2)',
      },
    },
    links: [{ href: PERMALINK, text: 'Slack: INC-1' }],
  });
  expect(paged.calls.map((c) => [c.body.ts, pagingLineOf(c)])).toEqual([
    ['1000.000001', `:pager: Paged PagerDuty ${time(T0 + 2_000, '12:00 UTC')} (error)`],
  ]);

  clock.advance(58_000);
  // The pager reports the queued acknowledge (state unchanged) before the engine's own listeners
  // run; both ride on one waiting update (rendered from the store), then a second once PagerDuty
  // accepted it.
  const acked = nockChatUpdate(2);
  const thread = nockPostMessage();
  expect((await engine.acknowledge('INC-1', 'U0AAA')).ok).toBe(true);
  await outbox.idle();
  nockEnqueue(events, ACCEPTED);
  await deliverPages(app, 'acknowledged');
  await outbox.idle();
  expect(thread.calls.map((c) => c.body.text)).toEqual([':eyes: Acknowledged by <@U0AAA>']);
  expect(events[1]).toEqual({ routing_key: TEST_ROUTING_KEY, event_action: 'acknowledge', dedup_key: 'INC-1' });
  expect(acked.calls.map((c) => [c.body.ts, c.body.text, pagingLineOf(c)])).toEqual([
    [
      '1000.000001',
      'SEV2 INC-1 api: HTTP 503 (expected 200) (acknowledged)',
      `:pager: Paged PagerDuty ${time(T0 + 2_000, '12:00 UTC')} (error)`,
    ],
    [
      '1000.000001',
      'SEV2 INC-1 api: HTTP 503 (expected 200) (acknowledged)',
      `:pager: PagerDuty acknowledged ${time(T0 + 60_000, '12:01 UTC')}`,
    ],
  ]);
});
