import { backoffDelayMs } from '../../core/backoff.js';
import { SlackBotError } from '../bot-errors.js';

/** How long failed deliveries wait before the next attempt. */
export interface OutboxRetryPolicy {
  /** Wait after the first transient failure (network, 5xx, timeout), before jitter. */
  baseMs: number;
  /** Cap of transient waits: once Slack answers again, every lane is tried within this. */
  maxMs: number;
  /** Wait after the first failure that only a person can heal (token, scope, channel). */
  healingBaseMs: number;
  /** Cap of those waits: a fixed token or invited bot is noticed within this. */
  healingMaxMs: number;
}

// Short, because an outage ends without telling us: a lane retries at least every 3 s, so
// catching up after Slack answers again takes seconds, not the minutes a long backoff costs.
// Rate limits are not retried on this policy: they pause the method for exactly Retry-After.
export const DEFAULT_OUTBOX_RETRY: OutboxRetryPolicy = {
  baseMs: 250, // 0.25 seconds
  maxMs: 3_000, // 3 seconds
  healingBaseMs: 2_000, // 2 seconds
  healingMaxMs: 30_000, // 30 seconds
};

/** What a failed delivery means for its entry. */
export type FailureVerdict =
  /** Slack asked us to slow down: pause the method for every lane, exactly Retry-After. */
  | { kind: 'rate-limited'; method: string; retryAfterMs: number }
  /** May work on the next try (network, 5xx, timeout, store hiccup). */
  | { kind: 'transient' }
  /** Works again once a person fixes something (token, scope, channel): kept, retried slowly. */
  | { kind: 'healing'; code: string }
  /** Slack refuses this content itself (even as plain text): retrying cannot help. */
  | { kind: 'refused' };

const HEALING = new Set(['LIFEBOAT_SLACK_AUTH', 'LIFEBOAT_SLACK_MISSING_SCOPE', 'LIFEBOAT_SLACK_CHANNEL']);

/** Sorts a delivery failure; anything that is not a Slack answer is treated as transient. */
export function classifyFailure(err: unknown): FailureVerdict {
  if (!(err instanceof SlackBotError)) return { kind: 'transient' };
  if (err.code === 'LIFEBOAT_SLACK_RATE_LIMITED') {
    // Slack: "wait the number of seconds in Retry-After"; a 429 without one waits 1 s.
    const seconds = err.details.retryAfterSeconds;
    return { kind: 'rate-limited', method: err.details.method, retryAfterMs: Math.max(0, (seconds ?? 1) * 1000) };
  }
  if (HEALING.has(err.code)) return { kind: 'healing', code: err.code };
  if (err.retryable || err.details.ambiguous) return { kind: 'transient' };
  return { kind: 'refused' };
}

/**
 * Wait before attempt `failures + 1`: the healing or the transient backoff, with equal jitter so
 * lanes and replicas do not retry in lockstep. `random` returns [0, 1).
 */
export function outboxRetryDelayMs(
  failures: number,
  healing: boolean,
  random: () => number,
  policy: OutboxRetryPolicy = DEFAULT_OUTBOX_RETRY,
): number {
  const backoff = healing ? { baseMs: policy.healingBaseMs, maxMs: policy.healingMaxMs } : policy;
  return backoffDelayMs(failures, backoff, random);
}
