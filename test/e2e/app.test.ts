import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config/parse-config.js';
import type { Config } from '../../src/config/types.js';
import type { IncidentChange } from '../../src/incidents/incident-engine.js';
import { DemoTarget } from '../../src/monitor/demo-target.js';
import { silentLogger } from '../../src/observability/logger.js';
import nock from 'nock';
import { ACCEPTED, nockEnqueue, TEST_PAGERDUTY_EVENTS_URL, TEST_ROUTING_KEY } from '../doubles/pagerduty-events-nock.js';
import { testBackend } from '../doubles/test-backend.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function config(yaml: string, env: Record<string, string> = {}): Config {
  const result = parseConfig(yaml, env);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config;
}

const running: App[] = [];
const redisClients: Redis[] = [];
afterEach(async () => {
  await Promise.allSettled(running.splice(0).map((app) => app.stop()));
  await Promise.allSettled(redisClients.splice(0).map((r) => r.quit()));
});

async function startApp(cfg: Config, extra: Partial<Parameters<typeof buildApp>[0]> = {}): Promise<{ app: App; url: string }> {
  const app = buildApp({ config: cfg, logger: silentLogger(), ...extra });
  running.push(app);
  const url = await app.start(0, '127.0.0.1');
  return { app, url };
}

describe('the service end to end (local mode)', () => {
  it('opens and resolves an incident for the demo target, visible in /metrics', async () => {
    const cfg = config(`
monitor: { leaseTtl: 1s }
statuspage: { showMonitorIncidents: true }
checks:
  - id: demo-api
    type: http
    component: demo-api
    url: http://127.0.0.1:9/health
    every: 400ms
    timeout: 300ms
    expect: { status: [200], bodyContains: ok }
    severity: SEV2
    failAfter: 2
    recoverAfter: 2
`);
    // The demo target's port is only known once it listens: point the check at it then. Its phases
    // and the probe timeout leave room for a busy machine: a probe that times out would open the
    // incident with another summary, and the incident must stay open while it is read below.
    const demo = new DemoTarget({
      port: 0,
      healthyForMs: 1500,
      failingForMs: 3000,
      clock: { now: () => Date.now() },
      logger: silentLogger(),
    });
    const demoPort = await demo.start();
    try {
      const check = cfg.checks[0];
      if (check?.type !== 'http') throw new Error('expected an http check');
      check.url = `http://127.0.0.1:${demoPort}/health`;
      const { app, url } = await startApp(cfg);
      const changes: IncidentChange[] = [];
      app.engine.subscribe((c) => {
        changes.push(c);
      });

      await until(() => changes.some((c) => c.event?.type === 'opened'), 15_000);
      const opened = changes.find((c) => c.event?.type === 'opened');
      expect(opened?.incident).toMatchObject({ checkId: 'demo-api', severity: 'SEV2', summary: expect.stringContaining('HTTP 503') });
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain('lifeboat_incidents_open{severity="SEV2"} 1');
      expect(metrics).toContain('lifeboat_check_up{check="demo-api"} 0');
      // Durations: one histogram per check type, one latest-duration series per check (issue 15).
      expect(metrics).toMatch(/lifeboat_check_duration_seconds_bucket\{le="[^"]+",type="http"\}/);
      expect(metrics).not.toMatch(/lifeboat_check_duration_seconds_bucket\{[^}]*check=/);
      expect(metrics).toMatch(/lifeboat_check_last_duration_seconds\{check="demo-api"\} \d/);

      const status = (await (await fetch(`${url}/status.json`)).json()) as {
        monitorIncidents: Array<{ id: string; state: string }>;
        components: Array<{ name: string; status: string }>;
      };
      expect(status.monitorIncidents).toEqual([expect.objectContaining({ id: opened?.incident.id, state: 'open' })]);
      expect(status.components).toEqual([expect.objectContaining({ name: 'demo-api', status: 'partial_outage' })]);

      await until(() => changes.some((c) => c.event?.type === 'resolved'), 15_000);
      expect(changes.filter((c) => c.event).map((c) => c.event?.type)).toEqual(['opened', 'resolved']);
      const after = (await (await fetch(`${url}/status.json`)).json()) as {
        monitorIncidents: Array<{ state: string }>;
        components: Array<{ status: string }>;
      };
      expect(after.monitorIncidents).toEqual([expect.objectContaining({ state: 'resolved' })]);
      expect(after.components[0]?.status).toBe('operational');
      expect(await app.store.listOpenIncidents()).toEqual([]);
    } finally {
      await demo.stop();
    }
  });

  it('pages PagerDuty when the monitor opens an incident at or above pageAt, without waiting on it', async () => {
    const bodies: unknown[] = [];
    const scope = nockEnqueue(bodies, ACCEPTED);
    try {
      const cfg = config(
        `
pagerduty: { pageAt: SEV2 }
checks:
  - id: payments
    type: http
    url: http://127.0.0.1:1/health
    every: 200ms
    timeout: 100ms
    severity: SEV1
`,
        { PAGERDUTY_ROUTING_KEY: TEST_ROUTING_KEY, PAGERDUTY_EVENTS_URL: TEST_PAGERDUTY_EVENTS_URL },
      );
      const { app } = await startApp(cfg);
      await until(() => bodies.length === 1, 8000);
      const [open] = await app.store.listOpenIncidents();
      expect(bodies[0]).toMatchObject({
        routing_key: TEST_ROUTING_KEY,
        event_action: 'trigger',
        dedup_key: open?.id,
        payload: { severity: 'critical', summary: expect.stringContaining('payments') },
      });
      await until(async () => (await app.pager.pagingState(open?.id ?? ''))?.status === 'triggered', 10_000);
      scope.done();
    } finally {
      nock.cleanAll();
    }
  });

  it('answers /healthz, and /readyz 200 when the store answers', async () => {
    const { url } = await startApp(config('checks: []\n'));
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { store: { ok: true } } });
  });

  it('answers /readyz 503 with the reason when the store is down', async () => {
    const redis = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined); // the refusal is the point of this test
    redisClients.push(redis);
    const { url } = await startApp(config('checks: []\n'), { backend: testBackend(redis, 'test:down:') });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { ready: boolean; checks: { store: { ok: boolean; reason: string } } };
    expect(body.ready).toBe(false);
    expect(body.checks.store.ok).toBe(false);
    expect(body.checks.store.reason.length).toBeGreaterThan(0);
  });

  it('serves the built-in status page with the configured components, all operational until a post says otherwise', async () => {
    const { url } = await startApp(
      config(`
checks:
  - id: api
    type: http
    url: http://127.0.0.1:9/health
    component: api
    every: 1m
`),
    );
    const html = await fetch(`${url}/status`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(await html.text()).toContain('api');
    const json = (await (await fetch(`${url}/status.json`)).json()) as { components: Array<{ name: string; status: string }> };
    expect(json.components).toEqual([expect.objectContaining({ name: 'api', status: 'operational' })]);
  });

  it('serves the SPEC metric names', async () => {
    const { url } = await startApp(config('checks: []\n'));
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const name of [
      'lifeboat_incidents_open',
      'lifeboat_approvals_pending',
      'process_cpu_user_seconds_total',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(text).toContain(name);
    }
  });
});

describe('two replicas on one Redis', () => {
  it('exactly one runs the checks, and the other takes over when it stops', async () => {
    const prefix = `test:replicas:${randomUUID()}:`;
    // A 3 s lease: a loop stalled for a second on a busy machine must not hand it over mid-test
    // (a stopping leader releases it, so the takeover does not wait for it).
    const cfg = config(`
monitor: { leaseTtl: 3s }
checks:
  - id: self
    type: http
    url: http://127.0.0.1:1/health
    every: 500ms
    timeout: 200ms
`);
    const replica = async (name: string) => {
      const redis = new Redis(REDIS_URL);
      redisClients.push(redis);
      return startApp(cfg, { backend: testBackend(redis, prefix), holderId: name });
    };
    const a = await replica('a');
    const b = await replica('b');
    await until(() => a.app.monitor.running || b.app.monitor.running, 10_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect([a.app.monitor.running, b.app.monitor.running].filter(Boolean)).toHaveLength(1);

    const [leader, follower] = a.app.monitor.running ? [a, b] : [b, a];
    await leader.app.stop();
    running.splice(running.indexOf(leader.app), 1);
    await until(() => follower.app.monitor.running, 10_000);

    const cleaner = new Redis(REDIS_URL);
    const keys = await cleaner.keys(`${prefix}*`);
    if (keys.length > 0) await cleaner.del(...keys);
    await cleaner.quit();
  });
  it('a leader stopped on SIGTERM writes its passing results before handing the lease over; the other replica shows them', async () => {
    const prefix = `test:replicas:${randomUUID()}:`;
    const target = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const { port } = target.address() as AddressInfo;
    const cfg = config(`
monitor: { leaseTtl: 1s }
checks:
  - { id: up, type: http, url: "http://127.0.0.1:${port}/health", every: 100ms, timeout: 80ms }
`);
    const replica = async (name: string) => {
      const redis = new Redis(REDIS_URL);
      redisClients.push(redis);
      return startApp(cfg, { backend: testBackend(redis, prefix), holderId: name });
    };
    try {
      const a = await replica('a');
      await until(() => a.app.monitor.running, 10_000);
      const b = await replica('b');
      // Well inside the 5 s between batches: nothing of these passes is in the store yet.
      await new Promise((r) => setTimeout(r, 600));
      expect(await b.app.store.getCheckState('up')).toBeNull();
      const stoppedAt = Date.now();
      await a.app.stop();
      running.splice(running.indexOf(a.app), 1);
      const seen = await b.app.store.getCheckState('up');
      expect(seen).toMatchObject({ consecutiveFailures: 0, openIncidentId: null, lastResult: { ok: true } });
      expect(seen!.consecutiveSuccesses).toBeGreaterThanOrEqual(3);
      expect(stoppedAt - seen!.lastResult!.startedAt).toBeLessThan(500);
      // The successor takes over and continues the count from what it read.
      await until(() => b.app.monitor.running, 10_000);
    } finally {
      // Replica b still probes the target over keep-alive: close its connections too, or close()
      // waits for a connection that never goes idle.
      await new Promise((resolve) => {
        target.close(resolve);
        target.closeAllConnections();
      });
      const cleaner = new Redis(REDIS_URL);
      const keys = await cleaner.keys(`${prefix}*`);
      if (keys.length > 0) await cleaner.del(...keys);
      await cleaner.quit();
    }
  });
});

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs}ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
