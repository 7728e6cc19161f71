/**
 * An exponential wait: `baseMs` after the first failure, multiplied by `factor` (2 unless given)
 * after each further one, never above `maxMs`.
 */
export interface ExponentialBackoff {
  baseMs: number;
  maxMs: number;
  factor?: number;
}

/** The wait before attempt `failures + 1`, without jitter; `failures` below 1 counts as 1. */
export function exponentialDelayMs(failures: number, backoff: ExponentialBackoff): number {
  const factor = backoff.factor ?? 2;
  return Math.min(backoff.maxMs, backoff.baseMs * factor ** Math.max(0, failures - 1));
}

/**
 * "Equal jitter": half of `ms` fixed, half random, so replicas and lanes that failed together do
 * not retry in lockstep, yet none retries sooner than half the wait. `random` returns [0, 1).
 */
export function equalJitterMs(ms: number, random: () => number): number {
  return Math.round(ms / 2 + random() * (ms / 2));
}

/** The exponential wait before attempt `failures + 1`, with equal jitter. */
export function backoffDelayMs(failures: number, backoff: ExponentialBackoff, random: () => number): number {
  return equalJitterMs(exponentialDelayMs(failures, backoff), random);
}
