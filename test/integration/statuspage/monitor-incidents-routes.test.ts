import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { IncidentEngine } from '../../../src/incidents/incident-engine.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { MemoryStore } from '../../../src/backend/memory/memory-store.js';
import { RedisStore } from '../../../src/backend/redis/redis-store.js';
import type { Store } from '../../../src/store/store.js';
import { createStatusPage } from '../../../src/statuspage/create-status-page.js';
import type { MonitorIncidentSource } from '../../../src/statuspage/monitor-incidents.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { fail, pass } from '../../doubles/results.js';
import { builtinConfig, builtinServer } from './builtin-fixtures.js';
import { atlassianConfig } from './statuspage-nock.js';
import { testBackend } from '../../doubles/test-backend.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';

const MIN = 60_000;
const CHECKS = ['api', 'web', 'orders-backups'];
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.allSettled(closers.splice(0).map((close) => close()));
});

function engineFor(store: Store, clock: ManualClock): IncidentEngine {
  return new IncidentEngine({
    store,
    clock,
    logger: silentLogger(),
    policies: new Map(CHECKS.map((id) => [id, { failAfter: 1, recoverAfter: 1 }])),
    fencing: { mode: 'unfenced' },
  });
}

/** The page with the option as given, reading incidents from `incidents` (the store, as the lead wires it). */
async function page(options: { show: boolean; incidents: MonitorIncidentSource; clock: ManualClock; redis?: Redis; keyPrefix?: string }) {
  const module = createStatusPage({
    config: builtinConfig({ showMonitorIncidents: options.show }),
    logger: silentLogger(),
    store: testBackend(options.redis ?? null, options.keyPrefix ?? 'x:', options.clock).statusPage,
    clock: options.clock,
    incidents: options.incidents,
  });
  const built = await builtinServer(module, options.clock);
  closers.push(() => built.server.close());
  return built;
}

/**
 * 12:00 api fails (SEV2, INC-1); 12:01 backups fail (SEV3, INC-2) and 12:02 recover; 12:05 web
 * fails (SEV1, INC-3), acknowledged at 12:06 by U0SECRET; the clock ends at 12:10.
 */
async function runMorning(store: Store, clock: ManualClock): Promise<void> {
  const engine = engineFor(store, clock);
  await engine.apply(fail('SEV2', 'api'));
  clock.advance(MIN);
  await engine.apply(fail('SEV3', 'orders-backups'));
  clock.advance(MIN);
  await engine.apply(pass('orders-backups'));
  clock.advance(3 * MIN);
  await engine.apply(fail('SEV1', 'web'));
  clock.advance(MIN);
  expect(await engine.acknowledge('INC-3', 'U0SECRET')).toMatchObject({ ok: true });
  clock.advance(4 * MIN);
}

const MORNING_JSON = {
  title: 'Service status',
  generatedAt: '2026-11-21T12:10:00.000Z',
  status: { indicator: 'major_outage', description: 'Major outage' },
  components: [
    { name: 'cdn', status: 'operational', updatedAt: null, source: 'none', monitorIncidentIds: [] },
    { name: 'api', status: 'partial_outage', updatedAt: '2026-11-21T12:00:00.000Z', source: 'monitoring', monitorIncidentIds: ['INC-1'] },
    { name: 'web', status: 'major_outage', updatedAt: '2026-11-21T12:05:00.000Z', source: 'monitoring', monitorIncidentIds: ['INC-3'] },
  ],
  incidents: [],
  monitorIncidents: [
    {
      id: 'INC-3',
      checkId: 'web',
      component: 'web',
      state: 'acknowledged',
      severity: 'SEV1',
      peakSeverity: 'SEV1',
      impact: 'major_outage',
      summary: 'HTTP 503 (expected 200)',
      openedAt: '2026-11-21T12:05:00.000Z',
      resolvedAt: null,
    },
    {
      id: 'INC-1',
      checkId: 'api',
      component: 'api',
      state: 'open',
      severity: 'SEV2',
      peakSeverity: 'SEV2',
      impact: 'partial_outage',
      summary: 'HTTP 503 (expected 200)',
      openedAt: '2026-11-21T12:00:00.000Z',
      resolvedAt: null,
    },
    {
      id: 'INC-2',
      checkId: 'orders-backups',
      component: null,
      state: 'resolved',
      severity: 'SEV3',
      peakSeverity: 'SEV3',
      impact: 'degraded_performance',
      summary: 'HTTP 200 in 5ms',
      openedAt: '2026-11-21T12:01:00.000Z',
      resolvedAt: '2026-11-21T12:02:00.000Z',
    },
  ],
};

describe('built-in page with statuspage.showMonitorIncidents', () => {
  it("/status.json adds the monitor's incidents and components follow them", async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const { server } = await page({ show: true, incidents: store, clock });
    await runMorning(store, clock);

    const response = await server.inject({ method: 'GET', url: '/status.json' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toStrictEqual(MORNING_JSON);
    // Who acknowledged stays in Slack.
    expect(response.body).not.toContain('U0SECRET');
    expect((await server.inject({ method: 'GET', url: '/status' })).body).not.toContain('U0SECRET');
  });

  it('shows them on /status in their own labelled section, apart from published incidents', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const { server, statusPage } = await page({ show: true, incidents: store, clock });
    await runMorning(store, clock);
    await statusPage.statusPage.publish({
      incidentId: 'INC-3',
      title: 'Website down',
      status: 'investigating',
      message: 'Looking into it.',
      components: {},
    });

    const html = (await server.inject({ method: 'GET', url: '/status' })).body;
    expect(html).toContain('<h2 id="monitor-heading">Detected by monitoring \u2014 not reviewed by a person</h2>');
    expect(html).toContain(
      '<p class="detected-note"><a href="#monitor-heading">2 open incidents detected by monitoring</a>, not reviewed by a person.</p>',
    );
    const order = [
      'id="active-heading"',
      'id="incident-INC-3"',
      'id="monitor-heading"',
      'id="monitor-INC-3"',
      'id="monitor-INC-1"',
      'Resolved in the last 24 hours',
      'id="monitor-INC-2"',
      'id="past-heading"',
    ];
    const positions = order.map((marker) => html.indexOf(marker));
    expect(
      positions.every((p) => p >= 0),
      JSON.stringify(positions),
    ).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it("a status published after an incident opened stands over the monitor's until another incident opens", async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const engine = engineFor(store, clock);
    const { server, statusPage } = await page({ show: true, incidents: store, clock });
    const apiComponent = async () =>
      (await server.inject({ method: 'GET', url: '/status.json' }))
        .json<{ components: Array<{ name: string }> }>()
        .components.find((c) => c.name === 'api');

    await engine.apply(fail('SEV1', 'api')); // INC-1, 12:00
    clock.advance(5 * MIN);
    await statusPage.statusPage.publish({
      incidentId: 'INC-1',
      title: 'API slow',
      status: 'identified',
      message: 'One region.',
      components: { api: 'degraded_performance' },
    });
    clock.advance(MIN);
    expect(await apiComponent()).toStrictEqual({
      name: 'api',
      status: 'degraded_performance',
      updatedAt: '2026-11-21T12:05:00.000Z',
      source: 'published',
      monitorIncidentIds: ['INC-1'],
    });

    await engine.apply(pass('api')); // INC-1 resolves at 12:06: the published status simply stays
    clock.advance(MIN);
    expect(await apiComponent()).toMatchObject({ status: 'degraded_performance', source: 'published', monitorIncidentIds: [] });

    await engine.apply(fail('SEV2', 'api')); // INC-2 opens at 12:07, after the publish
    clock.advance(MIN);
    expect(await apiComponent()).toStrictEqual({
      name: 'api',
      status: 'partial_outage',
      updatedAt: '2026-11-21T12:07:00.000Z',
      source: 'monitoring',
      monitorIncidentIds: ['INC-2'],
    });
  });

  it('resolved incidents leave the page 24 hours after they resolved', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const engine = engineFor(store, clock);
    const { server } = await page({ show: true, incidents: store, clock });
    await engine.apply(fail('SEV3', 'web'));
    clock.advance(MIN);
    await engine.apply(pass('web')); // resolved at 12:01
    const ids = async () =>
      (await server.inject({ method: 'GET', url: '/status.json' }))
        .json<{ monitorIncidents: Array<{ id: string }> }>()
        .monitorIncidents.map((i) => i.id);

    clock.advance(24 * 60 * MIN);
    expect(await ids()).toEqual(['INC-1']);
    clock.advance(1);
    expect(await ids()).toEqual([]);
  });

  it("the Atom feed stays published-only: it never reads or shows the monitor's incidents", async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const reads: string[] = [];
    const counting: MonitorIncidentSource = {
      listOpenIncidents: () => (reads.push('open'), store.listOpenIncidents()),
      listRecentIncidents: (limit) => (reads.push(`recent ${limit}`), store.listRecentIncidents(limit)),
    };
    const { server, statusPage } = await page({ show: true, incidents: counting, clock });
    await runMorning(store, clock);
    await statusPage.statusPage.publish({
      incidentId: 'INC-9',
      title: 'Planned work',
      status: 'monitoring',
      message: 'Done soon.',
      components: {},
    });

    const feed = (await server.inject({ method: 'GET', url: '/status/feed.xml', headers: { host: 'status.example.com' } })).body;
    expect(reads).toEqual([]);
    expect([...feed.matchAll(/<title>(.*?)<\/title>/g)].map((m) => m[1])).toEqual([
      'Service status: incident updates',
      'Monitoring: Planned work',
    ]);
    expect(feed).not.toMatch(/INC-[123]|orders-backups|HTTP 503/);

    await server.inject({ method: 'GET', url: '/status.json' });
    expect(reads).toEqual(['open', 'recent 100']);
  });

  it('when the incidents cannot be read, /status and /status.json answer 503 rather than a page without them; the feed still works', async () => {
    const clock = new ManualClock();
    const broken: MonitorIncidentSource = {
      listOpenIncidents: () => Promise.reject(new Error('store down')),
      listRecentIncidents: () => Promise.reject(new Error('store down')),
    };
    const { server } = await page({ show: true, incidents: broken, clock });
    for (const url of ['/status', '/status.json']) {
      const response = await server.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(503);
      expect(response.body).toContain('The status page cannot be shown right now.');
    }
    expect((await server.inject({ method: 'GET', url: '/status/feed.xml' })).statusCode).toBe(200);
  });

  it('off (the default), the page shows none of them even with the store passed in', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    await runMorning(store, clock);
    for (const show of [undefined, false]) {
      const module = createStatusPage({
        config: builtinConfig({ ...(show !== undefined && { showMonitorIncidents: show }) }),
        logger: silentLogger(),
        store: testBackend(null, 'x:', clock).statusPage,
        clock,
        incidents: store,
      });
      const { server } = await builtinServer(module, clock);
      closers.push(() => server.close());
      const body = (await server.inject({ method: 'GET', url: '/status.json' })).json<Record<string, unknown>>();
      expect(Object.keys(body)).toEqual(['title', 'generatedAt', 'status', 'components', 'incidents']);
      expect(body.status).toEqual({ indicator: 'operational', description: 'All systems operational' });
      const html = (await server.inject({ method: 'GET', url: '/status' })).body;
      expect(html).not.toContain('monitor');
      expect(html).not.toMatch(/INC-\d/);
    }
  });

  it('refuses to build when the option is on without an incident source, or with atlassian', () => {
    const clock = new ManualClock();
    expect(() =>
      createStatusPage({
        config: builtinConfig({ showMonitorIncidents: true }),
        logger: silentLogger(),
        store: testBackend(null, 'x:', clock).statusPage,
        clock,
      }),
    ).toThrow('statuspage.showMonitorIncidents is on but createStatusPage was given no `incidents` source (pass the store)');
    const atlassian = atlassianConfig();
    const handBuilt = { ...atlassian, statuspage: { ...atlassian.statuspage, showMonitorIncidents: true } };
    expect(() =>
      createStatusPage({
        config: handBuilt,
        logger: silentLogger(),
        store: testBackend(null, 'x:', clock).statusPage,
        clock,
        incidents: new MemoryStore({ clock }),
      }),
    ).toThrow('statuspage.showMonitorIncidents works with provider builtin only');
  });
});

describe('built-in page with statuspage.showMonitorIncidents on Redis', () => {
  const db = useRedisPrefix('statuspage-monitor');

  it("reads the incidents the engine wrote to the shared Redis store, beside the page's own keys", async () => {
    const clock = new ManualClock();
    const store = new RedisStore({ redis: db.redis, keyPrefix: db.prefix });
    const { server } = await page({ show: true, incidents: store, clock, redis: db.redis, keyPrefix: db.prefix });
    await runMorning(store, clock);
    expect((await server.inject({ method: 'GET', url: '/status.json' })).json()).toStrictEqual(MORNING_JSON);
  });
});
