import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.js';
import { createStatusPage } from '../../../src/statuspage/create-status-page.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { builtinConfig, builtinServer } from './builtin-fixtures.js';
import { atlassianConfig } from './statuspage-nock.js';
import { testBackend } from '../../doubles/test-backend.js';

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.allSettled(closers.splice(0).map((close) => close()));
});

async function server() {
  const built = await builtinServer();
  closers.push(() => built.server.close());
  return built;
}

describe('built-in status page routes', () => {
  it('before anything is published, every configured component is operational and no incident is listed', async () => {
    const { server: app } = await server();
    const response = await app.inject({ method: 'GET', url: '/status.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.json()).toEqual({
      title: 'Service status',
      generatedAt: '2026-11-21T12:00:00.000Z',
      status: { indicator: 'operational', description: 'All systems operational' },
      components: [
        { name: 'cdn', status: 'operational', updatedAt: null },
        { name: 'api', status: 'operational', updatedAt: null },
        { name: 'web', status: 'operational', updatedAt: null },
      ],
      incidents: [],
    });
  });

  it('/status.json has exactly the published content: component statuses, incidents newest first, updates newest first', async () => {
    const { server: app, statusPage, clock } = await server();
    await statusPage.statusPage.publish({
      incidentId: 'INC-3',
      title: 'Website slow',
      status: 'investigating',
      message: 'Pages load slowly.',
      components: { web: 'degraded_performance' },
      impact: 'minor',
    });
    clock.advance(60_000);
    await statusPage.statusPage.publish({
      incidentId: 'INC-3',
      title: 'Website slow',
      status: 'resolved',
      message: 'Back to normal.',
      components: { web: 'operational' },
    });
    clock.advance(60_000);
    await statusPage.statusPage.publish({
      incidentId: 'INC-4',
      title: 'API down',
      status: 'identified',
      message: 'The primary database is down.\nFailing over.',
      components: { api: 'major_outage' },
      impact: 'critical',
    });
    clock.advance(30_000);

    const response = await app.inject({ method: 'GET', url: '/status.json' });
    expect(response.json()).toEqual({
      title: 'Service status',
      generatedAt: '2026-11-21T12:02:30.000Z',
      status: { indicator: 'major_outage', description: 'Major outage' },
      components: [
        { name: 'cdn', status: 'operational', updatedAt: null },
        { name: 'api', status: 'major_outage', updatedAt: '2026-11-21T12:02:00.000Z' },
        { name: 'web', status: 'operational', updatedAt: '2026-11-21T12:01:00.000Z' },
      ],
      incidents: [
        {
          id: 'INC-4',
          title: 'API down',
          status: 'identified',
          impact: 'critical',
          createdAt: '2026-11-21T12:02:00.000Z',
          updatedAt: '2026-11-21T12:02:00.000Z',
          resolvedAt: null,
          updates: [
            {
              status: 'identified',
              message: 'The primary database is down.\nFailing over.',
              at: '2026-11-21T12:02:00.000Z',
              components: { api: 'major_outage' },
            },
          ],
        },
        {
          id: 'INC-3',
          title: 'Website slow',
          status: 'resolved',
          impact: 'minor',
          createdAt: '2026-11-21T12:00:00.000Z',
          updatedAt: '2026-11-21T12:01:00.000Z',
          resolvedAt: '2026-11-21T12:01:00.000Z',
          updates: [
            { status: 'resolved', message: 'Back to normal.', at: '2026-11-21T12:01:00.000Z', components: { web: 'operational' } },
            {
              status: 'investigating',
              message: 'Pages load slowly.',
              at: '2026-11-21T12:00:00.000Z',
              components: { web: 'degraded_performance' },
            },
          ],
        },
      ],
    });
  });

  it('an active incident with every component operational says an incident is in progress', async () => {
    const { server: app, statusPage } = await server();
    await statusPage.statusPage.publish({
      incidentId: 'INC-1',
      title: 'Delayed emails',
      status: 'investigating',
      message: 'Emails are late.',
      components: {},
    });
    const body = (await app.inject({ method: 'GET', url: '/status.json' })).json<{ status: unknown }>();
    expect(body.status).toEqual({ indicator: 'operational', description: 'Incident in progress' });
  });

  it('/status is HTML that runs no script, forbids scripts, and shows operator text as text', async () => {
    const { server: app, statusPage } = await server();
    await statusPage.statusPage.publish({
      incidentId: 'INC-1',
      title: '<img src=x onerror=alert(1)> down',
      status: 'investigating',
      message: '<script>alert("owned")</script> & more',
      components: { api: 'partial_outage' },
    });
    const response = await app.inject({ method: 'GET', url: '/status' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(response.headers['cache-control']).toBe('no-cache');
    const html = response.body;
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; &amp; more');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; down');
    expect(html).toContain(
      '<link rel="alternate" type="application/atom+xml" title="Service status: incident updates" href="/status/feed.xml">',
    );
  });

  it('the feed is Atom with one entry per published update, newest first, with absolute links', async () => {
    const { server: app, statusPage, clock } = await server();
    await statusPage.statusPage.publish({
      incidentId: 'INC-2',
      title: 'API errors',
      status: 'investigating',
      message: 'Looking.',
      components: { api: 'partial_outage' },
    });
    clock.advance(120_000);
    await statusPage.statusPage.publish({
      incidentId: 'INC-2',
      title: 'API errors',
      status: 'resolved',
      message: 'Fixed & done.',
      components: { api: 'operational' },
    });
    const response = await app.inject({ method: 'GET', url: '/status/feed.xml', headers: { host: 'status.example.com' } });
    expect(response.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const xml = response.body;
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(xml).toContain('<link rel="self" type="application/atom+xml" href="http://status.example.com/status/feed.xml"/>');
    expect(xml).toContain('<updated>2026-11-21T12:02:00.000Z</updated>');
    const entries = [...xml.matchAll(/<entry>[\s\S]*?<\/entry>/g)].map((m) => m[0]);
    expect(entries).toEqual([
      `<entry>
<id>http://status.example.com/status#incident-INC-2-update-2</id>
<title>Resolved: API errors</title>
<updated>2026-11-21T12:02:00.000Z</updated>
<published>2026-11-21T12:02:00.000Z</published>
<link rel="alternate" type="text/html" href="http://status.example.com/status#incident-INC-2"/>
<content type="text">Fixed &amp; done.

Affected: api: Operational</content>
</entry>`,
      `<entry>
<id>http://status.example.com/status#incident-INC-2-update-1</id>
<title>Investigating: API errors</title>
<updated>2026-11-21T12:00:00.000Z</updated>
<published>2026-11-21T12:00:00.000Z</published>
<link rel="alternate" type="text/html" href="http://status.example.com/status#incident-INC-2"/>
<content type="text">Looking.

Affected: api: Partial outage</content>
</entry>`,
    ]);
  });

  it('when the store cannot be read the page answers 503 and never claims all is operational', async () => {
    const broken = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    closers.push(async () => broken.disconnect());
    const module = createStatusPage({
      config: builtinConfig(),
      logger: silentLogger(),
      store: testBackend(broken, 'x:', new ManualClock()).statusPage,
      clock: new ManualClock(),
    });
    const { server: app } = await builtinServer(module);
    closers.push(() => app.close());

    for (const url of ['/status', '/status.json', '/status/feed.xml']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(503);
      expect(response.headers['retry-after']).toBe('30');
      expect(response.body).toContain('The status page cannot be shown right now.');
      expect(response.body).not.toContain('operational');
    }
  });

  it('only the builtin provider serves routes; atlassian has a readiness probe instead', () => {
    const atlassian = createStatusPage({
      config: atlassianConfig(),
      logger: silentLogger(),
      store: testBackend(null, 'x:', new ManualClock()).statusPage,
      clock: new ManualClock(),
    });
    expect(atlassian.routes).toBeNull();
    expect(atlassian.readiness).toMatchObject({ name: 'statuspage', critical: false });
    const builtin = createStatusPage({
      config: builtinConfig(),
      logger: silentLogger(),
      store: testBackend(null, 'x:', new ManualClock()).statusPage,
      clock: new ManualClock(),
    });
    expect(builtin.routes).toBeTypeOf('function');
    expect(builtin.readiness).toBeNull();
  });
});
