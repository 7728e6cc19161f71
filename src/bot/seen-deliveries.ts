/**
 * Remembers which Slack deliveries were already taken in, so a retry (`X-Slack-Retry-Num`) or a
 * duplicate delivered to another replica never acts twice. Shared between replicas (Redis).
 */
export interface SeenDeliveries {
  /** True the first time `key` is offered within `ttlMs`; false for every repeat. Atomic. */
  firstSeen(key: string, ttlMs: number): Promise<boolean>;
}

/** How long a delivery is remembered: Slack retries up to ~5 minutes after the first attempt. */
export const DELIVERY_TTL_MS = 60 * 60_000; // 1 hour
