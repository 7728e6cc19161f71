/*
 * Every Redis key the status pages use, under the store's prefix (default `lifeboat:`):
 *
 *   {p}statuspage:incident:{id}       hash: title, status, impact, createdAt, updatedAt, resolvedAt (epoch ms)
 *   {p}statuspage:updates:{id}        list of PublishedUpdateRecord JSON, oldest first
 *   {p}statuspage:incidents           sorted set of published incident ids, score = createdAt (epoch ms)
 *   {p}statuspage:components          hash: component name -> ComponentRecord JSON
 *   {p}statuspage:provider-id:{id}    string: the Statuspage incident id for a Lifeboat incident
 *   {p}statuspage:publish-lock:{id}   string: lock holder, PX = lock ttl
 *
 * Nothing but the lock carries a TTL: what was said publicly is the record, and losing a
 * provider id would make the next update open a second public incident.
 */

/** Key builders for one prefix. */
export interface StatusPageRedisKeys {
  incident(id: string): string;
  updates(id: string): string;
  incidents(): string;
  components(): string;
  providerId(id: string): string;
  publishLock(id: string): string;
}

export function statusPageRedisKeys(prefix: string): StatusPageRedisKeys {
  const base = `${prefix}statuspage:`;
  return {
    incident: (id) => `${base}incident:${id}`,
    updates: (id) => `${base}updates:${id}`,
    incidents: () => `${base}incidents`,
    components: () => `${base}components`,
    providerId: (id) => `${base}provider-id:${id}`,
    publishLock: (id) => `${base}publish-lock:${id}`,
  };
}
