/*
 * The bot's Redis keys, under the store's prefix (default `lifeboat:`), in a `slack:` namespace:
 *
 *   {p}slack:delivery:{key}       "1", PX = DELIVERY_TTL_MS; a Slack delivery already taken in
 *   {p}slack:incident-msg:{id}    IncidentMessageRef JSON, PX = MESSAGE_REF_TTL_MS; where an
 *                                  incident's message lives (channel, ts, incident channel)
 *   {p}slack:outbox:lane:{lane}   hash, one per outbox lane (PX = LANE_TTL_MS, refreshed on enqueue):
 *                                   e:{id}      OutboxEntry JSON of a waiting entry
 *                                   co:{key}    id of the unclaimed entry later ones coalesce into
 *                                   claim       token of the current claim on the head
 *                                   attempts    failed attempts of the head
 *                                   progress    EntryProgress JSON of the head
 *   {p}slack:outbox:queue:{lane}  list of entry ids, oldest first (FIFO per lane)
 *   {p}slack:outbox:ready         sorted set of lanes with entries waiting, score = epoch ms the
 *                                  head may be tried (while claimed: lease end; while its method is
 *                                  paused: the pause's end)
 *   {p}slack:outbox:paused        hash Web API method -> epoch ms before which it is not called
 *                                  (a 429's Retry-After, shared by every replica)
 *   {p}slack:outbox:once:{key}    entry id, PX = ONCE_KEY_TTL_MS; a run's outcome is enqueued once
 */
/** Key builders for the bot's records. */
export interface BotRedisKeys {
  delivery(key: string): string;
  incidentMessage(incidentId: string): string;
  outboxLane(lane: string): string;
  outboxQueue(lane: string): string;
  outboxReady(): string;
  outboxPaused(): string;
  outboxOnce(key: string): string;
}

/** Builds the bot's key names for one prefix. */
export function botRedisKeys(prefix: string): BotRedisKeys {
  return {
    delivery: (key) => `${prefix}slack:delivery:${key}`,
    incidentMessage: (incidentId) => `${prefix}slack:incident-msg:${incidentId}`,
    outboxLane: (lane) => `${prefix}slack:outbox:lane:${lane}`,
    outboxQueue: (lane) => `${prefix}slack:outbox:queue:${lane}`,
    outboxReady: () => `${prefix}slack:outbox:ready`,
    outboxPaused: () => `${prefix}slack:outbox:paused`,
    outboxOnce: (key) => `${prefix}slack:outbox:once:${key}`,
  };
}
