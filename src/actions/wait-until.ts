import { setTimeout as delay } from 'node:timers/promises';
import { AwsGatewayError } from '../aws/aws-gateway-error.js';
import { exponentialDelayMs } from '../core/backoff.js';
import type { Clock } from '../core/clock.js';
import { ActionError, awsActionError } from './action-error.js';
import { formatDurationHms } from '../core/format-time.js';

/** Waits `ms`; rejects when `signal` aborts. Injected so tests move a clock instead of sleeping. */
export type Sleeper = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The real sleeper (timers/promises, abortable). */
export const realSleep: Sleeper = async (ms, signal) => {
  await delay(ms, undefined, signal ? { signal } : undefined);
};

/** Polling intervals, ms: start at `initialMs`, multiply by `factor`, never above `maxMs`. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  factor: number;
}

/** 5 s, 10 s, 20 s, 40 s, then every 60 s: quick for DNS (usually INSYNC within a minute), gentle on RDS quotas for long restores. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 5_000, maxMs: 60_000, factor: 2 };

/** What one poll saw: done, failed for good (`failed` says why), or still on its way (`observed`). */
export interface PollState {
  done: boolean;
  failed?: string;
  observed: string;
}

export interface WaitOptions<T> {
  /** "orders-replica to be standalone and available". */
  what: string;
  poll: () => Promise<T>;
  state: (value: T) => PollState;
  timeoutMs: number;
  clock: Clock;
  sleep: Sleeper;
  backoff: BackoffPolicy;
  signal?: AbortSignal;
  /** Called for a throttled or transient poll failure, which is retried within the timeout. */
  onTransient?: (err: AwsGatewayError) => void;
}

function aborted(what: string): ActionError {
  return new ActionError('LIFEBOAT_RUN_ABORTED', `Lifeboat was stopping while waiting for ${what}; the operation continues in AWS.`);
}

/**
 * Polls until the state is done, with backoff, up to `timeoutMs` by the injected clock. Throttling
 * and transient AWS errors are retried; anything else stops the wait with the AWS code.
 */
export async function waitUntil<T>(opts: WaitOptions<T>): Promise<{ value: T; elapsedMs: number; observed: string }> {
  const start = opts.clock.now();
  const backoff = { baseMs: opts.backoff.initialMs, maxMs: opts.backoff.maxMs, factor: opts.backoff.factor };
  let last = 'not checked yet';
  for (let polls = 1; ; polls += 1) {
    if (opts.signal?.aborted) throw aborted(opts.what);
    try {
      const value = await opts.poll();
      const state = opts.state(value);
      if (state.done) return { value, elapsedMs: opts.clock.now() - start, observed: state.observed };
      if (state.failed !== undefined) {
        throw new ActionError('LIFEBOAT_WAIT_FAILED', `Stopped waiting for ${opts.what}: ${state.failed}. Check it in the AWS console.`);
      }
      last = state.observed;
    } catch (err) {
      if (err instanceof ActionError) throw err;
      if (!(err instanceof AwsGatewayError) || !err.info.retryable) throw awsActionError(err, `Checking ${opts.what}`);
      opts.onTransient?.(err);
      last = `${err.code} from AWS (retrying)`;
    }
    const elapsed = opts.clock.now() - start;
    if (elapsed >= opts.timeoutMs) {
      throw new ActionError(
        'LIFEBOAT_WAIT_TIMEOUT',
        `Gave up waiting for ${opts.what} after ${formatDurationHms(elapsed)} (last seen: ${last}). The operation may still complete in AWS; check it before requesting again.`,
      );
    }
    try {
      await opts.sleep(Math.min(exponentialDelayMs(polls, backoff), opts.timeoutMs - elapsed), opts.signal);
    } catch {
      throw aborted(opts.what);
    }
  }
}
