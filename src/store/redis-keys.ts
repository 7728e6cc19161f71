/*
 * Every Redis key the store uses, under one prefix (default `lifeboat:`), so several deployments
 * or test files can share a Redis without seeing each other's data.
 *
 *   {p}lease:{name}             string "holder:token", PX = lease ttl
 *   {p}lease-token:{name}       counter, INCR per acquisition (fencing token), no TTL
 *   {p}incident-seq             counter, INCR per incident number, no TTL
 *   {p}check:{checkId}          CheckState JSON
 *   {p}incident:{id}            Incident JSON
 *   {p}incident-events:{id}     list of IncidentEvent JSON, in order
 *   {p}incidents:open           sorted set of open incident ids, score = openedAt (epoch ms)
 *   {p}incidents:recent         sorted set of all incident ids, score = openedAt (epoch ms)
 *
 * Only the lease and resolved incidents carry a TTL: a resolved incident, its events (compacted)
 * and its paging record expire `retention.incidents` after it resolved (incident-retention.ts);
 * open incidents and check state are kept, and counters must never go back.
 */
/** Key builders, one per kind of record. */
export interface RedisKeys {
  lease(name: string): string;
  leaseToken(name: string): string;
  incidentSequence(): string;
  checkState(checkId: string): string;
  incident(id: string): string;
  incidentEvents(id: string): string;
  openIncidents(): string;
  recentIncidents(): string;
}

/** Builds the key names for one prefix. */
export function redisKeys(prefix: string): RedisKeys {
  return {
    lease: (name) => `${prefix}lease:${name}`,
    leaseToken: (name) => `${prefix}lease-token:${name}`,
    incidentSequence: () => `${prefix}incident-seq`,
    checkState: (checkId) => `${prefix}check:${checkId}`,
    incident: (id) => `${prefix}incident:${id}`,
    incidentEvents: (id) => `${prefix}incident-events:${id}`,
    openIncidents: () => `${prefix}incidents:open`,
    recentIncidents: () => `${prefix}incidents:recent`,
  };
}
