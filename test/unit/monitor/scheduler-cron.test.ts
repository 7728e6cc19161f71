import { getTasks } from 'node-cron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { T0, makeScheduler, work } from './scheduler-helpers.js';

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Scheduler: cron jobs', () => {
  it('runs a cron job on its node-cron schedule, due at the cron slot, and unregisters it on stop', async () => {
    const { scheduler, runs } = makeScheduler();
    scheduler.add({ id: 'backups', cron: '*/2 * * * * *', timeoutMs: 1_000, run: async () => {} });
    expect(getTasks().size).toBe(0); // nothing is registered before start
    scheduler.start();
    expect(getTasks().size).toBe(1);
    await vi.advanceTimersByTimeAsync(6_500);
    await scheduler.stop();
    expect(runs.map((r) => r.dueAt - T0)).toEqual([2000, 4000, 6000]);
    expect(runs.every((r) => r.outcome === 'ok' && r.startedAt - r.dueAt < 1000)).toBe(true);
    expect(getTasks().size).toBe(0);
  });

  it('skips a cron slot while the previous run is in flight', async () => {
    const { scheduler, runs, skipped } = makeScheduler();
    scheduler.add({
      id: 'slow-cron',
      cron: '* * * * * *',
      timeoutMs: 5_000,
      run: (signal) => work(1_500, signal),
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(3_200);
    await scheduler.stop();
    // 1000 runs till 2500, so 2000 is skipped; 3000 runs until stop aborts it.
    expect(runs.map((r) => [r.dueAt - T0, r.outcome])).toEqual([
      [1000, 'ok'],
      [3000, 'error'],
    ]);
    expect(skipped).toEqual(['slow-cron']);
  });
});
