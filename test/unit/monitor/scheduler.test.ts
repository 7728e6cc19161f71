import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ScheduledJob } from '../../../src/monitor/scheduler.js';
import { T0, makeScheduler, seededRandom, work } from './scheduler-helpers.js';

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});

afterEach(() => {
  vi.useRealTimers();
});

function job(id: string, run: ScheduledJob['run'], extra: Partial<ScheduledJob> = {}): ScheduledJob {
  return { id, everyMs: 1000, timeoutMs: 5000, run, ...extra };
}

describe('Scheduler: cadence', () => {
  it('spreads the first runs of 1,000 jobs over the interval instead of firing them together', async () => {
    const { scheduler } = makeScheduler({ concurrency: 1000, random: seededRandom(7) });
    const firstRunAt = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const id = `check-${i}`;
      scheduler.add(job(id, async () => void (firstRunAt.has(id) || firstRunAt.set(id, Date.now() - T0)), { everyMs: 10_000 }));
    }
    scheduler.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(firstRunAt.size).toBe(1000);
    const offsets = [...firstRunAt.values()];
    expect(Math.min(...offsets)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...offsets)).toBeLessThan(10_000);
    // Ten one-second buckets each get roughly a tenth, and no millisecond gets a crowd.
    const perSecond = Array.from({ length: 10 }, (_, s) => offsets.filter((o) => Math.floor(o / 1000) === s).length);
    for (const count of perSecond) expect(count).toBeGreaterThan(60), expect(count).toBeLessThan(140);
    const perMs = new Map<number, number>();
    for (const o of offsets) perMs.set(o, (perMs.get(o) ?? 0) + 1);
    expect(Math.max(...perMs.values())).toBeLessThanOrEqual(5);
    await scheduler.stop();
  });

  it('serves every cadence job from one timer and every run deadline from one more, not timers per job or run', async () => {
    const { scheduler, runs } = makeScheduler({ concurrency: 100, random: seededRandom(11) });
    for (let i = 0; i < 500; i++) scheduler.add(job(`check-${i}`, async () => {}, { everyMs: 5_000 }));
    scheduler.start();
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(10_000);
    // The slots' timer, and the deadlines' timer (a settled run leaves it armed): never one per job.
    expect(vi.getTimerCount()).toBeLessThanOrEqual(2);
    expect(runs).toHaveLength(1_000);
    expect(runs.every((r) => r.outcome === 'ok')).toBe(true);
    await scheduler.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps a fixed cadence from its phase: slow runs do not shift later slots', async () => {
    const { scheduler, runs } = makeScheduler({ random: () => 0.25 });
    scheduler.add(job('api', (signal) => work(300, signal)));
    scheduler.start();
    await vi.advanceTimersByTimeAsync(5_000);
    await scheduler.stop();
    expect(runs.map((r) => r.dueAt - T0)).toEqual([250, 1250, 2250, 3250, 4250]);
    expect(runs.every((r) => r.startedAt === r.dueAt && r.finishedAt === r.dueAt + 300 && r.outcome === 'ok')).toBe(true);
  });

  it('after a stalled event loop, runs once for the latest slot instead of a burst', async () => {
    let clockSkewMs = 0;
    const { scheduler, runs } = makeScheduler({ now: () => Date.now() + clockSkewMs });
    scheduler.add(job('api', async () => {}));
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1); // first run at phase 0
    clockSkewMs = 3_500; // as if the loop were blocked for 3.5 s before the next timer fired
    await vi.advanceTimersByTimeAsync(1_000);
    await scheduler.stop();
    expect(runs.map((r) => r.dueAt - T0)).toEqual([0, 4000]);
  });

  it('keeps running when the wall clock steps back', async () => {
    let clockSkewMs = 0;
    const { scheduler, runs } = makeScheduler({ now: () => Date.now() + clockSkewMs });
    scheduler.add(job('api', async () => {}));
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1);
    clockSkewMs = -3_600_000; // NTP steps the clock back an hour
    await vi.advanceTimersByTimeAsync(3_000);
    await scheduler.stop();
    // Still once a second, re-anchored on the new clock, never a negative lag.
    expect(runs).toHaveLength(4);
    expect(runs.every((r) => r.startedAt - r.dueAt === 0)).toBe(true);
  });
});

describe('Scheduler: concurrency and overlap', () => {
  it('never runs more than `concurrency` jobs at once, and reports the queueing as lag', async () => {
    const { scheduler, runs } = makeScheduler({ concurrency: 3 });
    let running = 0;
    let peak = 0;
    for (let i = 0; i < 10; i++) {
      scheduler.add(
        job(
          `j${i}`,
          async () => {
            peak = Math.max(peak, ++running);
            await work(100);
            running--;
          },
          { everyMs: 10_000 },
        ),
      );
    }
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1_000);
    await scheduler.stop();
    expect(peak).toBe(3);
    expect(runs).toHaveLength(10);
    const lags = runs.map((r) => r.startedAt - r.dueAt).sort((a, b) => a - b);
    expect(lags).toEqual([0, 0, 0, 100, 100, 100, 200, 200, 200, 300]);
  });

  it('skips a job whose previous run is still in flight instead of piling runs up', async () => {
    const { scheduler, runs, skipped } = makeScheduler();
    let started = 0;
    scheduler.add(job('slow', async (signal) => void (started++, await work(2_500, signal))));
    scheduler.start();
    await vi.advanceTimersByTimeAsync(3_100);
    // Due at 0 (runs till 2500), 1000 and 2000 skipped, 3000 runs.
    expect(started).toBe(2);
    expect(skipped).toEqual(['slow', 'slow']);
    expect(runs.map((r) => r.dueAt - T0)).toEqual([0]);
    await scheduler.stop();
  });

  it('frees the slot of a hung job at its timeout, logs it, and the other jobs still run', async () => {
    const { scheduler, runs, skipped, logger } = makeScheduler({ concurrency: 1 });
    let hungSignal: AbortSignal | undefined;
    scheduler.add(job('hung', (signal) => ((hungSignal = signal), new Promise(() => {})), { timeoutMs: 1_500, everyMs: 10_000 }));
    scheduler.add(job('healthy', () => work(10), { everyMs: 10_000 }));
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1_600);
    expect(hungSignal?.aborted).toBe(true);
    expect((hungSignal?.reason as Error).name).toBe('TimeoutError');
    expect(runs.map((r) => [r.jobId, r.outcome, r.finishedAt - T0])).toEqual([
      ['hung', 'timeout', 1500],
      ['healthy', 'ok', 1510],
    ]);
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ jobId: 'hung' }), expect.stringContaining('timed out'));
    // It never returned, so its next slot is skipped rather than stacking a second hung run.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(skipped).toEqual(['hung']);
    expect(runs.filter((r) => r.jobId === 'healthy')).toHaveLength(2);
    await scheduler.stop(); // does not wait for the hung promise: it already timed out
  });
});

describe('Scheduler: a job with its own deadline (abortAfterMs)', () => {
  it('aborts the run signal at abortAfterMs with a TimeoutError; a run that then settles is an ordinary run', async () => {
    const { scheduler, runs, logger } = makeScheduler();
    let seen: AbortSignal | undefined;
    scheduler.add(
      job('probe', (signal) => ((seen = signal), work(60_000, signal).catch(() => {})), {
        everyMs: 10_000,
        abortAfterMs: 500,
        timeoutMs: 1_500,
      }),
    );
    scheduler.start();
    await vi.advanceTimersByTimeAsync(499);
    expect(seen?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen?.aborted).toBe(true);
    expect((seen?.reason as Error).name).toBe('TimeoutError');
    expect((seen?.reason as Error).message).toBe('deadline of 500ms passed');
    expect(runs.map((r) => [r.jobId, r.outcome, r.finishedAt - T0])).toEqual([['probe', 'ok', 500]]);
    // The run settled: no backstop fires later, nothing is logged as hung.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toHaveLength(1);
    expect(logger.warn).not.toHaveBeenCalled();
    await scheduler.stop();
  });

  it('still frees the slot at timeoutMs when the run ignores the abort', async () => {
    const { scheduler, runs, skipped, logger } = makeScheduler({ concurrency: 1 });
    scheduler.add(job('stuck', () => new Promise(() => {}), { everyMs: 10_000, abortAfterMs: 500, timeoutMs: 1_500 }));
    scheduler.add(job('healthy', () => work(10), { everyMs: 10_000 }));
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1_499);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(20);
    expect(runs.map((r) => [r.jobId, r.outcome, r.finishedAt - T0])).toEqual([
      ['stuck', 'timeout', 1500],
      ['healthy', 'ok', 1510],
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ jobId: 'stuck' }),
      expect.stringContaining('timed out after 1500ms'),
    );
    await vi.advanceTimersByTimeAsync(10_000);
    expect(skipped).toEqual(['stuck']);
    await scheduler.stop();
  });

  it('refuses an abortAfterMs that is not below timeoutMs', () => {
    const { scheduler } = makeScheduler();
    const run = async () => {};
    expect(() => scheduler.add(job('a', run, { abortAfterMs: 5_000, timeoutMs: 5_000 }))).toThrow(
      /abortAfterMs must be in \(0, timeoutMs\)/,
    );
    expect(() => scheduler.add(job('b', run, { abortAfterMs: 0 }))).toThrow(/abortAfterMs/);
  });
});

describe('Scheduler: failures and stop', () => {
  it('logs a throwing job and keeps its schedule', async () => {
    const { scheduler, runs, logger } = makeScheduler();
    let calls = 0;
    scheduler.add(
      job('flaky', () => {
        calls++;
        if (calls === 1) throw new Error('sync boom');
        return Promise.reject(new Error('async boom'));
      }),
    );
    scheduler.start();
    await vi.advanceTimersByTimeAsync(2_500);
    await scheduler.stop();
    expect(runs.map((r) => [r.dueAt - T0, r.outcome])).toEqual([
      [0, 'error'],
      [1000, 'error'],
      [2000, 'error'],
    ]);
    expect(logger.error).toHaveBeenCalledTimes(3);
  });

  it('stop aborts in-flight runs, waits for them, and starts nothing after', async () => {
    const { scheduler, runs } = makeScheduler();
    let signal: AbortSignal | undefined;
    let finished = false;
    scheduler.add(
      job('cleanup', async (s) => {
        signal = s;
        await new Promise<void>((resolve) => s.addEventListener('abort', () => resolve()));
        await work(200); // tidies up after the abort
        finished = true;
      }),
    );
    scheduler.start();
    await vi.advanceTimersByTimeAsync(10);
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    expect(signal?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    await stopping;
    expect(finished).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runs).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stop is bounded by the run timeout when a job ignores its signal', async () => {
    const { scheduler } = makeScheduler();
    scheduler.add(job('stubborn', () => new Promise(() => {}), { timeoutMs: 800 }));
    scheduler.start();
    await vi.advanceTimersByTimeAsync(300);
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(400);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    await stopping;
    expect(stopped).toBe(true);
  });

  it('rejects a job without exactly one of everyMs and cron, or a duplicate id', () => {
    const { scheduler } = makeScheduler();
    const run = async () => {};
    expect(() => scheduler.add({ id: 'a', timeoutMs: 1, run })).toThrow(/exactly one/);
    expect(() => scheduler.add({ id: 'b', everyMs: 1000, cron: '* * * * *', timeoutMs: 1, run })).toThrow(/exactly one/);
    expect(() => scheduler.add({ id: 'c', cron: 'not cron', timeoutMs: 1, run })).toThrow(/invalid cron/);
    scheduler.add(job('d', run));
    expect(() => scheduler.add(job('d', run))).toThrow(/duplicate/);
  });
});
