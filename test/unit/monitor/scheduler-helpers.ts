import { vi } from 'vitest';
import { silentLogger, type Logger } from '../../../src/observability/logger.js';
import { Scheduler, type RunInfo, type SchedulerOptions } from '../../../src/monitor/scheduler.js';

export const T0 = Date.UTC(2030, 0, 1, 0, 0, 0);

/** Deterministic [0, 1) sequence (LCG), so jitter tests do not depend on Math.random. */
export function seededRandom(seed = 42): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function spyLogger(): Logger & { warn: ReturnType<typeof vi.fn>; error: ReturnType<typeof vi.fn> } {
  const logger = silentLogger();
  vi.spyOn(logger, 'warn');
  vi.spyOn(logger, 'error');
  return logger as Logger & { warn: ReturnType<typeof vi.fn>; error: ReturnType<typeof vi.fn> };
}

/** A scheduler under fake timers, recording what it reports. */
export function makeScheduler(overrides: Partial<SchedulerOptions> = {}) {
  const runs: RunInfo[] = [];
  const skipped: string[] = [];
  const logger = spyLogger();
  const scheduler = new Scheduler({
    concurrency: 10,
    logger,
    random: () => 0,
    onRunComplete: (info) => runs.push(info),
    onSkipped: (jobId) => skipped.push(jobId),
    ...overrides,
  });
  return { scheduler, runs, skipped, logger };
}

/** Resolves after `ms` of (fake) time, or rejects with the signal's reason when aborted. */
export function work(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}
