import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/parse-config.js';
import type { ProbeOutcome } from '../../../src/core/check-result.js';
import type { Probes } from '../../../src/monitor/build-jobs.js';
import { createLogger } from '../../../src/observability/logger.js';
import { connectBackend } from '../../../src/backend/create-backend.js';
import { systemClock } from '../../../src/core/clock.js';
import { RedisServerProcess } from '../../doubles/redis-server-process.js';

let testNumber = 0;

let server: RedisServerProcess;
let app: App | null = null;

beforeAll(async () => {
  server = await RedisServerProcess.start();
});
afterAll(async () => {
  await server.destroy();
});
afterEach(async () => {
  await app?.stop();
  app = null;
  await server.restart().catch(() => undefined); // a test that failed half-way may leave it down
});

/** The `api` check's probe: answers at once, healthy or HTTP 503 as the test says. */
function switchableProbe(state: { failing: boolean; probed: number }): Probes {
  return {
    http: async (spec) => {
      state.probed += 1;
      const outcome: ProbeOutcome = state.failing
        ? {
            ok: false,
            severity: 'SEV2',
            summary: 'HTTP 503 (expected 200)',
            measurement: { kind: 'http', status: 503, url: spec.url },
            error: { kind: 'unexpected-status', message: 'HTTP 503' },
          }
        : { ok: true, severity: null, summary: 'HTTP 200', measurement: { kind: 'http', status: 200, url: spec.url } };
      return outcome;
    },
    lagBatch: () => Promise.resolve(new Map()),
    backup: () => Promise.reject(new Error('unused')),
  };
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function startApp(leaseTtl: string, probe: { failing: boolean; probed: number }, lines: Array<{ msg: string }>): Promise<string> {
  const parsed = parseConfig(
    `
monitor: { leaseTtl: ${leaseTtl} }
checks:
  - { id: api, type: http, url: "http://api.test/health", every: 200ms, timeout: 100ms, severity: SEV2, failAfter: 3, recoverAfter: 2 }
`,
    {},
  );
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  // The store the service builds for itself: the production client (bounded commands, reconnects forever).
  // Its own prefix: the server keeps the previous test's data (AOF) across restarts.
  const prefix = `outage-${++testNumber}:`;
  const backend = connectBackend({
    redisUrl: server.url,
    keyPrefix: prefix,
    logger,
    clock: systemClock,
    retention: parsed.config.retention,
  });
  app = buildApp({ config: parsed.config, logger, backend, probes: switchableProbe(probe), holderId: 'leader' });
  return app.start(0, '127.0.0.1');
}

describe('check results during a store outage', () => {
  it('failures measured while Redis is down open the incident once it is back: exactly one', async () => {
    const probe = { failing: false, probed: 0 };
    const lines: Array<{ msg: string }> = [];
    await startApp('6s', probe, lines); // the lease outlives the outage: the leader stays leader
    const store = app!.store;
    await until(
      async () => (await store.getCheckState('api'))?.consecutiveSuccesses! >= 2,
      10_000,
      'healthy results written (quiet passes are written in batches, at most 5 s after the run)',
    );

    await server.kill();
    probe.failing = true;
    const failingFrom = probe.probed;
    // Twice failAfter (3) runs, all while nothing can be written: counted, not timed (a busy machine runs fewer a second).
    await until(() => probe.probed - failingFrom >= 3 + 3, 10_000, 'failing runs during the outage');
    probe.failing = false; // from here on the target is healthy: only the outage's results can open it
    const failedDuringOutage = probe.probed - failingFrom;
    expect(failedDuringOutage).toBeGreaterThanOrEqual(3 + 3);
    const restartedAt = Date.now();
    await server.restart();

    await until(async () => (await store.listRecentIncidents(10)).length > 0, 10_000, 'the incident from the outage');
    // In order: the held failures open it, the healthy results after them resolve it.
    await until(async () => (await store.listOpenIncidents()).length === 0, 10_000, 'the incident resolved by the later passes');
    const incidents = await store.listRecentIncidents(10);
    expect(incidents).toHaveLength(1);
    const [incident] = incidents;
    expect(incident).toMatchObject({ checkId: 'api', severity: 'SEV2', state: 'resolved', summary: 'HTTP 200' });
    expect(incident!.openedAt).toBeGreaterThanOrEqual(restartedAt);
    expect((await store.getIncidentEvents(incident!.id)).map((e) => e.type)).toEqual(['opened', 'resolved']);
    expect(app!.monitor.running).toBe(true);
    expect(lines.some((l) => /holding it and later ones, in order/.test(l.msg))).toBe(true);
  }, 60_000); // up to three 10 s waits: a busy machine can need far more than the 20 s default

  it('a replica that lost the lease during the outage flushes nothing it held', async () => {
    const probe = { failing: false, probed: 0 };
    const lines: Array<{ msg: string }> = [];
    await startApp('1200ms', probe, lines); // self-demotion 1.08 s after the last renewal: inside the outage
    const store = app!.store;
    await until(
      async () => (await store.getCheckState('api'))?.consecutiveSuccesses! >= 2,
      10_000,
      'healthy results written (quiet passes are written in batches, at most 5 s after the run)',
    );

    await server.kill();
    probe.failing = true;
    await until(() => !app!.monitor.running, 5_000, 'the leader to demote itself');
    await sleep(500);
    probe.failing = false;
    await server.restart();
    // Re-elected in a new term, it measures the healthy target; the old term's failures stay unwritten.
    await until(async () => (await store.getCheckState('api'))?.consecutiveSuccesses! >= 3, 10_000, 'new-term results written');

    expect(await store.listRecentIncidents(10)).toEqual([]);
    expect(await store.getCheckState('api')).toMatchObject({ consecutiveFailures: 0 });
    expect(lines.some((l) => /held check results discarded, not written/.test(l.msg))).toBe(true);
  }, 60_000);
});
