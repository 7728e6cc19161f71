import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/parse-config.js';
import type { ProbeOutcome } from '../../../src/core/check-result.js';
import type { Probes } from '../../../src/monitor/build-jobs.js';
import { createLogger } from '../../../src/observability/logger.js';
import { redisKeys } from '../../../src/backend/redis/keyspace.js';
import { ACQUIRE_LEASE } from '../../../src/backend/redis/store-scripts.js';
import { ACCEPTED, nockEnqueue, TEST_PAGERDUTY_EVENTS_URL, TEST_ROUTING_KEY } from '../../doubles/pagerduty-events-nock.js';
import { RedisServerProcess } from '../../doubles/redis-server-process.js';
import { systemClock } from '../../../src/core/clock.js';
import { testBackend } from '../../doubles/test-backend.js';

const TTL_MS = 600; // renewals every 200 ms, self-demotion 540 ms after the last one
const PREFIX = 'stalled:';
const keys = redisKeys(PREFIX);

let server: RedisServerProcess;
let app: App | null = null;
let redis: Redis | null = null;
let admin: Redis;

beforeAll(async () => {
  server = await RedisServerProcess.start();
  admin = new Redis(server.url);
});
afterAll(async () => {
  await admin.quit();
  await server.destroy();
});
afterEach(async () => {
  nock.cleanAll();
  await app?.stop();
  app = null;
  redis = null;
  await admin.flushall();
});

type Mode = 'healthy' | 'failing';

/**
 * Two checks whose probes fail differently once `failing`: `api` answers its own timeout (a timer
 * inside the probe, due before the leader's self-demotion), `db` never answers and is ended by the
 * scheduler's deadline (due after it). Both must come to nothing after the stall.
 */
function controlledProbes(state: { mode: Mode; inFlight: Set<string> }): Probes {
  const ok = (url: string): ProbeOutcome => ({
    ok: true,
    severity: null,
    summary: 'HTTP 200',
    measurement: { kind: 'http', status: 200, url },
  });
  return {
    http: (spec, signal) => {
      if (state.mode === 'healthy') return Promise.resolve(ok(spec.url));
      const name = new URL(spec.url).hostname;
      state.inFlight.add(name);
      return new Promise((resolve) => {
        const done = (outcome: ProbeOutcome) => {
          state.inFlight.delete(name);
          resolve(outcome);
        };
        if (name === 'api.test') {
          setTimeout(
            () =>
              done({
                ok: false,
                severity: 'SEV1',
                summary: `timeout after ${spec.timeoutMs}ms`,
                measurement: { kind: 'http', url: spec.url },
                error: { kind: 'timeout', message: 'timeout' },
              }),
            spec.timeoutMs,
          );
        }
        signal.addEventListener('abort', () => state.inFlight.delete(name), { once: true });
      });
    },
    lagBatch: () => Promise.resolve(new Map()),
    backup: () => Promise.reject(new Error('no backup checks here')),
  };
}

/**
 * Freezes this whole process (the event loop, every timer, every socket read) for `freezeMs`,
 * as SIGSTOP does, while a child process (a standby replica) waits for the frozen leader's lease
 * to lapse and takes it with the store's own acquire script. Returns the standby's token.
 */
function freezeWhileStandbyTakesOver(freezeMs: number, takeOverAfterMs: number): number {
  const child = `
    import { Redis } from 'ioredis';
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    const started = Date.now();
    await sleep(${takeOverAfterMs});
    const redis = new Redis(process.env.URL);
    const reply = await redis.eval(process.env.SCRIPT, 2, process.env.LEASE, process.env.TOKEN, 'standby', '60000');
    await redis.quit();
    await sleep(Math.max(0, ${freezeMs} - (Date.now() - started)));
    process.stdout.write(JSON.stringify(reply));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', child], {
    env: { ...process.env, URL: server.url, SCRIPT: ACQUIRE_LEASE.source, LEASE: keys.lease('monitor'), TOKEN: keys.leaseToken('monitor') },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`standby failed: ${run.stderr}`);
  const [won, token] = JSON.parse(run.stdout) as [number, number];
  if (won !== 1) throw new Error(`the standby did not get the lapsed lease: ${run.stdout}`);
  return token;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('a leader frozen past its lease (SIGSTOP, then SIGCONT)', () => {
  // The probes' 1 s deadline leaves a loaded machine time to freeze before any result is due (a
  // result due before the freeze is a real one, measured while leader, and would rightly count).
  // 1.3 s: the runs' results look ordinary (under twice their deadline); only the lease stops them.
  // 3 s: the results are also measured across the stall, as in the reported incident (25 s).
  // A freeze, a child process and 10 s waits: more than the 20 s default on a busy machine.
  it.each([1_300, 3_000])('writes, opens and pages nothing after a %i ms stall', { timeout: 60_000 }, async (freezeMs) => {
    const pages: unknown[] = [];
    nockEnqueue(pages, ACCEPTED, ACCEPTED, ACCEPTED);
    const parsed = parseConfig(
      `
monitor: { leaseTtl: ${TTL_MS}ms }
pagerduty: { pageAt: SEV2 }
checks:
  - { id: api, type: http, url: "http://api.test/health", every: 1200ms, timeout: 1s, severity: SEV1, failAfter: 1 }
  - { id: db, type: http, url: "http://db.test/health", every: 1200ms, timeout: 1s, severity: SEV1, failAfter: 1 }
`,
      { PAGERDUTY_ROUTING_KEY: TEST_ROUTING_KEY, PAGERDUTY_EVENTS_URL: TEST_PAGERDUTY_EVENTS_URL },
    );
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const lines: Array<{ msg: string; [key: string]: unknown }> = [];
    const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    const probes = { mode: 'healthy' as Mode, inFlight: new Set<string>() };
    redis = new Redis(server.url);
    const backend = testBackend(redis, PREFIX, systemClock, true);
    const { store } = backend;
    app = buildApp({
      config: parsed.config,
      logger,
      backend,
      probes: controlledProbes(probes),
      holderId: 'leader',
    });
    await app.start(0, '127.0.0.1');

    const started = app;
    await until(
      async () =>
        (await store.getCheckState('api'))?.consecutiveSuccesses! >= 2 && (await store.getCheckState('db'))?.consecutiveSuccesses! >= 2,
      10_000, // passes are written in batches, at most 5 s after the run
      'healthy results from both checks',
    );
    probes.mode = 'failing';
    // Both probes must be in flight when the process freezes, as the stalled ones were.
    await until(() => probes.inFlight.size === 2, 10_000, 'both failing probes in flight');

    const standbyToken = freezeWhileStandbyTakesOver(freezeMs, TTL_MS + 300);

    // Thawed: every overdue timer fires now (probe timeouts, deadlines, demotion, renewals).
    await until(() => !started.monitor.running, 10_000, 'the ex-leader to stop monitoring');
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // late results, new runs, retries

    expect(lines.some((l) => l.msg === 'no longer leader')).toBe(true);
    expect(await store.listRecentIncidents(10)).toEqual([]);
    expect(pages).toEqual([]);
    // Not one failure counted: the last result written for each check is still a healthy one.
    for (const checkId of ['api', 'db']) {
      expect(await store.getCheckState(checkId)).toMatchObject({ consecutiveFailures: 0, openIncidentId: null, lastResult: { ok: true } });
    }
    expect(lines.filter((l) => /\bopened\b/.test(l.msg))).toEqual([]);
    // The standby's lease is untouched: the ex-leader did not take it back either.
    expect(await admin.get(keys.lease('monitor'))).toBe(`standby:${standbyToken}`);
  });
});
