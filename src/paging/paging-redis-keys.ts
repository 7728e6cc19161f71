/*
 * Redis keys of the paging queue, under the store's prefix (default `lifeboat:`):
 *
 *   {p}paging:incident:{id}    hash, one per incident:
 *                                paged '1'          a trigger was queued (ack/resolve then follow)
 *                                acked '1'          acknowledged: no escalation any more
 *                                closed '1'         resolved: no trigger any more
 *                                state              PagingState JSON
 *                                escalation         OutboxEvent JSON sent when the timer fires
 *                                escalation-state   PagingState JSON set when it fires
 *                                claim              token of the current claim on the outbox head
 *                                attempts           failed attempts of the outbox head
 *   {p}paging:outbox:{id}      list of OutboxEvent JSON, oldest first (FIFO per incident)
 *   {p}paging:ready            sorted set of incident ids with events waiting,
 *                              score = epoch ms when the head may be sent (while claimed: lease end)
 *   {p}paging:escalations      sorted set of incident ids, score = epoch ms the escalation is due
 *   {p}paging:paused-until     epoch ms before which no event is sent (429 from PagerDuty)
 *
 * No TTLs set here: times come from the injected clock as script arguments, not from Redis's own
 * clock. A resolved incident's paging:incident hash gets its expiry from IncidentRetention.
 */

/** Key builders for one prefix. */
export interface PagingRedisKeys {
  incident(id: string): string;
  outbox(id: string): string;
  ready(): string;
  escalations(): string;
  pausedUntil(): string;
}

/** Builds the paging key names for one prefix. */
export function pagingRedisKeys(prefix: string): PagingRedisKeys {
  return {
    incident: (id) => `${prefix}paging:incident:${id}`,
    outbox: (id) => `${prefix}paging:outbox:${id}`,
    ready: () => `${prefix}paging:ready`,
    escalations: () => `${prefix}paging:escalations`,
    pausedUntil: () => `${prefix}paging:paused-until`,
  };
}
