import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../../src/config/parse-config.js';
import type { ProbeOutcome } from '../../../src/core/check-result.js';
import { IncidentEngine } from '../../../src/incidents/incident-engine.js';
import { Monitor } from '../../../src/monitor/monitor.js';
import { measuredAcrossStall } from '../../../src/monitor/stalled-run.js';
import { createLogger } from '../../../src/observability/logger.js';
import { Metrics } from '../../../src/observability/metrics.js';
import { MemoryStore } from '../../../src/backend/memory/memory-store.js';
import { ManualClock } from '../../doubles/manual-clock.js';

const failing: ProbeOutcome = {
  ok: false,
  severity: 'SEV1',
  summary: 'timeout after 500ms',
  measurement: { kind: 'http', url: 'http://api.test/health' },
  error: { kind: 'timeout', message: 'timeout after 500ms' },
};

describe('measuredAcrossStall', () => {
  it('counts a run up to twice its deadline as honest, and anything beyond as a stall of this process', () => {
    expect(measuredAcrossStall(1_500, 1_500)).toBe(false); // aborted right at the deadline
    expect(measuredAcrossStall(3_000, 1_500)).toBe(false); // a busy event loop, still honest
    expect(measuredAcrossStall(3_001, 1_500)).toBe(true);
    expect(measuredAcrossStall(25_000, 1_500)).toBe(true); // the reported SIGSTOP
  });
});

describe('Monitor and a run that overran its timeout far', () => {
  let monitor: Monitor | null = null;
  afterEach(async () => {
    await monitor?.stop();
    monitor = null;
  });

  it('discards the result of a run measured across a stall, with a log line, and applies the next honest one', async () => {
    const parsed = parseConfig(
      'checks:\n  - { id: api, type: http, url: "http://api.test/health", every: 1s, timeout: 500ms, severity: SEV1, failAfter: 1 }\n',
      {},
    );
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const lines: Array<{ msg: string; checkId?: string; durationMs?: number; deadlineMs?: number }> = [];
    const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    const engine = new IncidentEngine({
      store,
      clock,
      logger,
      policies: new Map([['api', { failAfter: 1, recoverAfter: 1 }]]),
      fencing: { mode: 'unfenced' },
    });
    const pending: Array<(outcome: ProbeOutcome) => void> = [];
    monitor = new Monitor({
      checks: parsed.config.checks,
      probes: {
        http: () => new Promise((resolve) => pending.push(resolve)),
        lagBatch: () => Promise.resolve(new Map()),
        backup: () => Promise.reject(new Error('unused')),
      },
      engine,
      store,
      metrics: new Metrics(),
      logger,
      clock,
      concurrency: 4,
    });
    monitor.start();

    const nextProbe = async () => {
      await vi.waitFor(() => expect(pending.length, 'the check was probed').toBeGreaterThan(0), { timeout: 10_000, interval: 5 });
      const resolve = pending.shift();
      if (!resolve) throw new Error('the check was never probed');
      return resolve;
    };
    const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

    // The process freezes for 25 s mid-probe: the injected clock jumps past twice the 1.5 s deadline.
    const stalled = await nextProbe();
    clock.advance(25_000);
    stalled(failing);
    // The discard is awaited (not a fixed wait) before checking nothing was written, so those checks
    // cannot pass merely because the result had not been handled yet.
    await vi.waitFor(
      () =>
        expect(lines.find((l) => l.msg.startsWith('result of api discarded'))).toMatchObject({
          checkId: 'api',
          durationMs: 25_000,
          deadlineMs: 1_500,
        }),
      { timeout: 10_000 },
    );
    await settle();
    expect(await store.getCheckState('api')).toBeNull();
    expect(await store.listRecentIncidents(10)).toEqual([]);

    // The next run measures the same failure honestly (no stall): it counts, and opens the incident.
    const honest = await nextProbe();
    clock.advance(500);
    honest(failing);
    await vi.waitFor(async () => expect(await store.listOpenIncidents()).toHaveLength(1), { timeout: 10_000 });
    expect(await store.listOpenIncidents()).toMatchObject([{ checkId: 'api', severity: 'SEV1', summary: 'timeout after 500ms' }]);
    expect(await store.getCheckState('api')).toMatchObject({ consecutiveFailures: 1 });
  });
});
