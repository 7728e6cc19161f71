import { describe, expect, it } from 'vitest';
import type { HttpCheck } from '../../../src/config/types.js';
import type { ProbeOutcome } from '../../../src/core/check-result.js';
import { probeCheck, stamp, type Probes } from '../../../src/monitor/probe-check.js';
import type { HttpProbeSpec } from '../../../src/monitor/probes/http-probe.js';
import { NO_PROBES } from '../../doubles/no-probes.js';
import { ManualClock, MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';

const check: HttpCheck = {
  id: 'api',
  type: 'http',
  url: 'https://api.example.com/health',
  method: 'GET',
  everyMs: 10_000,
  timeoutMs: 5_000,
  severity: 'SEV2',
  failAfter: 2,
  recoverAfter: 2,
  expect: { status: [200], bodyContains: 'ok' },
  maxBodyBytes: 65_536,
};

function recordingProbes(outcome: ProbeOutcome): { probes: Probes; specs: HttpProbeSpec[] } {
  const specs: HttpProbeSpec[] = [];
  return { specs, probes: { ...NO_PROBES, http: async (spec) => (specs.push(spec), outcome) } };
}

describe('probeCheck for an HTTP check', () => {
  it('hands the prober the check itself as its spec on every run, so the prober parses the URL once per check', async () => {
    const passed: ProbeOutcome = {
      ok: true,
      severity: null,
      summary: 'HTTP 200 in 3ms',
      measurement: { kind: 'http', status: 200, url: check.url },
    };
    const { probes, specs } = recordingProbes(passed);
    const signal = new AbortController().signal;
    await probeCheck(check, probes, new ManualClock(), signal);
    await probeCheck(check, probes, new ManualClock(), signal);
    expect(specs).toHaveLength(2);
    expect(specs[1]).toBe(specs[0]);
    // The check is its own spec: no copy a check, none a run.
    expect(specs[0]).toBe(check);
    // Another check (even an equal one) gets its own spec.
    await probeCheck({ ...check, id: 'api-2', url: 'https://api.example.com/other' }, probes, new ManualClock(), signal);
    expect(specs[2]).not.toBe(specs[0]);
    expect(specs[2]?.url).toBe('https://api.example.com/other');
  });

  it('records a timeout with the check URL when the run is aborted before the probe answers', async () => {
    const probes: Probes = { ...NO_PROBES, http: () => new Promise<ProbeOutcome>(() => {}) };
    const controller = new AbortController();
    const running = probeCheck(check, probes, new ManualClock(), controller.signal);
    controller.abort();
    const result = await running;
    expect(result).toMatchObject({
      ok: false,
      severity: 'SEV2',
      summary: 'timeout after 5000ms',
      measurement: { kind: 'http', url: check.url },
      error: { kind: 'timeout' },
    });
  });
});

describe('probeCheck when the run signal is the deadline (monitor HTTP runs)', () => {
  it('asks the prober to use the signal as its deadline, and keeps the timeout it reports', async () => {
    const calls: unknown[] = [];
    const timedOut: ProbeOutcome = {
      ok: false,
      severity: 'SEV2',
      summary: 'timeout after 5s',
      measurement: { kind: 'http', url: check.url },
      error: { kind: 'timeout', message: 'no response headers within 5000ms' },
    };
    // A prober that answers its abort a moment later, as undici does.
    const probes: Probes = {
      ...NO_PROBES,
      http: (_spec, signal, options) => {
        calls.push(options);
        return new Promise((resolve) => signal.addEventListener('abort', () => setTimeout(() => resolve(timedOut), 20)));
      },
    };
    const controller = new AbortController();
    const running = probeCheck(check, probes, new ManualClock(), controller.signal, true);
    controller.abort(new DOMException('deadline of 5000ms passed', 'TimeoutError'));
    expect(await running).toMatchObject({ summary: 'timeout after 5s', error: { message: 'no response headers within 5000ms' } });
    expect(calls).toEqual([{ signalCarriesDeadline: true }]);
  });

  it('still records a timeout when the probe ignores the abort, after a short grace', async () => {
    const probes: Probes = { ...NO_PROBES, http: () => new Promise<ProbeOutcome>(() => {}) };
    const controller = new AbortController();
    const running = probeCheck(check, probes, new ManualClock(), controller.signal, true);
    controller.abort(new DOMException('deadline of 5000ms passed', 'TimeoutError'));
    expect(await running).toMatchObject({ ok: false, summary: 'timeout after 5000ms', error: { kind: 'timeout' } });
  });
});

describe('stamp', () => {
  it('makes the result from the outcome, with the run time, and no error key on a pass', () => {
    const clock = new ManualClock();
    const startedAt = clock.now();
    clock.advance(42);
    const measurement = { kind: 'http', status: 200, url: check.url } as const;
    const result = stamp('api', { ok: true, severity: null, summary: 'HTTP 200 in 42ms', measurement }, startedAt, clock);
    expect(result).toStrictEqual({
      ok: true,
      severity: null,
      summary: 'HTTP 200 in 42ms',
      measurement,
      checkId: 'api',
      startedAt: MANUAL_CLOCK_START,
      durationMs: 42,
    });
    expect('error' in result).toBe(false);
  });

  it('keeps a failure error, and never reports a negative duration when the clock stepped back', () => {
    const clock = new ManualClock();
    const startedAt = clock.now();
    clock.advance(-1_000);
    const failed: ProbeOutcome = {
      ok: false,
      severity: 'SEV1',
      summary: 'HTTP 503 (expected 200)',
      measurement: { kind: 'http', status: 503, url: check.url },
      error: { kind: 'unexpected-status', message: 'status 503 not in [200]' },
    };
    expect(stamp('api', failed, startedAt, clock)).toStrictEqual({ ...failed, checkId: 'api', startedAt, durationMs: 0 });
  });
});
