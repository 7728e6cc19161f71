/*
 * Every Redis key the approval store uses, under the store's prefix (default `lifeboat:`), beside
 * the keys of src/store/redis-keys.ts and never clashing with them.
 *
 *   {p}approval-seq               counter, INCR per request number (APR-n), never reused, no TTL
 *   {p}approval:{id}              hash: the request, its approvals and its run (fields below)
 *   {p}approvals:pending          sorted set of pending ids, score = createdAt (epoch ms)
 *   {p}approvals:expiry           sorted set of pending ids, score = expiresAt (epoch ms); the sweep reads it
 *   {p}approvals:active           sorted set of approved/running ids, score = run leaseExpiresAt (epoch ms)
 *   {p}approvals:by-plan          hash: plan id -> id of the request made for it (create's idempotency key)
 *   {p}approval-lock:{resource}   string: id of the request holding the resource (pending, approved,
 *                                 running, or interrupted until released)
 *   {p}approvals:audit            stream: the append-only audit log (XADD; entries older than
 *                                 `retention.audit` trimmed by IncidentRetention, XTRIM MINID)
 *
 * Hash fields of {p}approval:{id}:
 *   id plan(JSON) resources(JSON) requester required state createdAt expiresAt updatedAt
 *   approvalCount, voter:{userId} -> n, vote:{n} -> userId, voteAt:{n} -> epoch ms
 *   rejectedBy rejectedAt rejectReason | expiredAt
 *   runnerId claimedAt leaseExpiresAt startedAt currentStep(JSON) currentStepId stepCount
 *   step:{n}(JSON) finishedAt message detail(JSON) interruptedBy locksReleasedBy locksReleasedAt
 *
 * Nothing carries a TTL: requests, runs and the audit log (trimmed by age only) are the record
 * of who did what to production, and locks are released by the transition that ends their
 * holder (or, for an interrupted run, by a person's release).
 */

/** Key builders for one prefix. */
export interface ApprovalKeys {
  sequence(): string;
  approval(id: string): string;
  pending(): string;
  expiry(): string;
  active(): string;
  byPlan(): string;
  lock(resource: string): string;
  audit(): string;
}

/** Builds the key names for one prefix. */
export function approvalKeys(prefix: string): ApprovalKeys {
  return {
    sequence: () => `${prefix}approval-seq`,
    approval: (id) => `${prefix}approval:${id}`,
    pending: () => `${prefix}approvals:pending`,
    expiry: () => `${prefix}approvals:expiry`,
    active: () => `${prefix}approvals:active`,
    byPlan: () => `${prefix}approvals:by-plan`,
    lock: (resource) => `${prefix}approval-lock:${resource}`,
    audit: () => `${prefix}approvals:audit`,
  };
}
