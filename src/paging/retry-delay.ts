import { backoffDelayMs } from '../core/backoff.js';

/** How long transient failures (429, 5xx, network) wait before the next attempt. */
export interface RetryPolicy {
  /** Wait after the first failure, before jitter. */
  baseMs: number;
  /** Cap of the exponential wait, before jitter. */
  maxMs: number;
  /** Cap on a Retry-After we honour, so a bogus header cannot park a page for a day. */
  maxRetryAfterMs: number;
}

// PagerDuty: "retry on a 429 response code, preferably with a backoff of a few minutes"
// (developer-docs events-API-v2/01-Overview.md) and "retrying 3 times with each request being 30
// seconds apart" (05-Rate-Limits.md). A page is urgent, so waits grow from 1 s to 30 s and stay
// there: a 60-second outage costs at most ~30 s of extra delay once PagerDuty is back.
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseMs: 1_000, // 1 second
  maxMs: 30_000, // 30 seconds
  maxRetryAfterMs: 10 * 60_000, // 10 minutes
};

/**
 * Wait before attempt `failures + 1`: exponential (base * 2^(failures-1), capped) with "equal
 * jitter" (half fixed, half random) so replicas and incidents spread out, and never shorter than
 * the server's Retry-After. `random` returns [0, 1).
 */
export function retryDelayMs(
  failures: number,
  random: () => number,
  retryAfterMs?: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): number {
  const jittered = backoffDelayMs(failures, policy, random);
  if (retryAfterMs === undefined) return jittered;
  return Math.max(Math.min(retryAfterMs, policy.maxRetryAfterMs), jittered);
}
