/*
 * The bot's Redis keys, under the store's prefix (default `lifeboat:`), in a `slack:` namespace:
 *
 *   {p}slack:delivery:{key}       "1", PX = DELIVERY_TTL_MS; a Slack delivery already taken in
 *   {p}slack:incident-msg:{id}    IncidentMessageRef JSON, PX = MESSAGE_REF_TTL_MS; where an
 *                                  incident's message lives (channel, ts, incident channel)
 */
/** Key builders for the bot's records. */
export interface BotRedisKeys {
  delivery(key: string): string;
  incidentMessage(incidentId: string): string;
}

/** Builds the bot's key names for one prefix. */
export function botRedisKeys(prefix: string): BotRedisKeys {
  return {
    delivery: (key) => `${prefix}slack:delivery:${key}`,
    incidentMessage: (incidentId) => `${prefix}slack:incident-msg:${incidentId}`,
  };
}
