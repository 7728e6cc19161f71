import { parse as parseQuery } from 'node:querystring';
import nock from 'nock';
import { afterAll, afterEach, expect, it } from 'vitest';
import { IncidentLinks, WebApiPermalinks } from '../../../src/bot/incident-links.js';
import { IncidentNotifier } from '../../../src/bot/incident-notifier.js';
import { MemoryIncidentMessageRefs } from '../../../src/bot/memory-incident-message-refs.js';
import { WebClientSlackGateway } from '../../../src/bot/web-client-slack-gateway.js';
import { IncidentEngine } from '../../../src/incidents/incident-engine.js';
import { memoryOutboxService } from '../../doubles/memory-slack-outbox-service.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { Metrics } from '../../../src/observability/metrics.js';
import { createPager } from '../../../src/paging/create-pager.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { MANUAL_CLOCK_START, ManualClock } from '../../doubles/manual-clock.js';
import { ACCEPTED, nockEnqueue, TEST_PAGERDUTY_EVENTS_URL, TEST_ROUTING_KEY } from '../../doubles/pagerduty-events-nock.js';
import { fail } from '../../doubles/results.js';
import { guardNetwork, nockChatUpdate, nockPostMessage, TEST_SLACK_API_URL, type SlackCall } from '../../doubles/slack-api-nock.js';
import { botConfig, BOT_CONFIG_YAML } from '../../e2e/bot/slack-bot-harness.js';

const network = guardNetwork();
afterEach(() => {
  expect(network.unmatched).toEqual([]);
  expect(nock.pendingMocks()).toEqual([]);
  network.reset();
});
afterAll(() => {
  nock.enableNetConnect();
});

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

/** The wiring proposed for src/app.ts, in miniature: engine -> pager and notifier; pager -> notifier; links -> pager. */
function wire() {
  const config = botConfig(BOT_CONFIG_YAML, { PAGERDUTY_ROUTING_KEY: TEST_ROUTING_KEY, PAGERDUTY_EVENTS_URL: TEST_PAGERDUTY_EVENTS_URL });
  const clock = new ManualClock();
  const logger = silentLogger();
  const store = new MemoryStore({ clock });
  const engine = new IncidentEngine({
    store,
    clock,
    logger,
    policies: new Map([['api', { failAfter: 1, recoverAfter: 1 }]]),
    fencing: { mode: 'unfenced' },
  });
  const gateway = new WebClientSlackGateway({
    token: 'xoxb-test-bot-token',
    apiUrl: TEST_SLACK_API_URL,
    logger,
    networkRetries: 0,
    sleep: async () => undefined,
  });
  const outbox = memoryOutboxService(gateway, clock);
  let notifier: IncidentNotifier | null = null;
  const links = new IncidentLinks({
    messageRef: async (id) => (notifier ? notifier.messageRef(id) : null),
    permalinks: new WebApiPermalinks({ token: 'xoxb-test-bot-token', apiUrl: TEST_SLACK_API_URL, logger }),
    slackApiUrl: TEST_SLACK_API_URL,
    clock,
    logger,
  });
  const pager = createPager({
    config,
    logger,
    metrics: new Metrics(),
    redis: null,
    keyPrefix: 'test:',
    clock,
    random: () => 0.5,
    slackLinkFor: links.slackLinkFor,
  });
  notifier = new IncidentNotifier({
    config,
    gateway,
    refs: new MemoryIncidentMessageRefs(clock),
    operatorUserIds: async () => [],
    logger,
    pagingState: (id) => pager.pagingState(id),
    loadIncident: (id) => store.getIncident(id),
    outbox,
  });
  const slack = notifier;
  engine.subscribe(pager.onIncidentChange);
  engine.subscribe(slack.listener);
  pager.subscribe((state) => slack.onPagingChange(state.incidentId));
  return { engine, pager, notifier: slack, clock, outbox };
}

it('the incident message follows paging (queued, paged, acknowledged) and the page links back to the message', async () => {
  const { engine, pager, clock, outbox } = wire();

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
  await pager.runOnce();
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
  await pager.runOnce();
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
