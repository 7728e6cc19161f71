/*
 * The whole Redis keyspace of Lifeboat, in one place. Every key lives under one prefix (default
 * `lifeboat:`, see DEFAULT_KEY_PREFIX), so several deployments or test files can share a Redis
 * without seeing each other's data. Nothing outside src/backend/redis/ builds a key name.
 *
 * Sections, in the order below: the incident store (leases, checks, incidents), approvals and
 * runs, the PagerDuty paging queue, the Slack bot (deliveries, message refs, outbox), status pages.
 */

/** Key prefix when none is configured. */
export const DEFAULT_KEY_PREFIX = 'lifeboat:';

// ── incident store ────────────────────────────────────────────────────────────────────────────

/*
 * Every Redis key the store uses, under one prefix (default `lifeboat:`), so several deployments
 * or test files can share a Redis without seeing each other's data.
 *
 *   {p}lease:{name}             string "holder:token", PX = lease ttl
 *   {p}lease-token:{name}       counter, INCR per acquisition (fencing token), no TTL
 *   {p}incident-seq             counter, INCR per incident number, no TTL
 *   {p}check:{checkId}          CheckState JSON
 *   {p}check-passes             hash checkId -> QuietPass JSON: the leader's latest quiet pass per
 *                               check, written in batches; read over the state (quiet-pass-merge.ts)
 *   {p}incident:{id}            Incident JSON
 *   {p}incident-events:{id}     list of IncidentEvent JSON, in order
 *   {p}incident-compacted:{id}  hash dropped, from, to (epoch ms): the events compaction took out
 *                               of a resolved incident's list, so its timeline can find them in
 *                               the audit log or say they are gone; expires with the incident
 *   {p}incidents:open           sorted set of open incident ids, score = openedAt (epoch ms)
 *   {p}incidents:open-severity  hash open incident id -> its current severity, written only beside
 *                               the open set (COMMIT_EVALUATION), so /metrics counts by severity
 *                               without loading every open incident
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
  quietPasses(): string;
  incident(id: string): string;
  incidentEvents(id: string): string;
  incidentCompaction(id: string): string;
  openIncidents(): string;
  openIncidentSeverities(): string;
  recentIncidents(): string;
}

/** Builds the key names for one prefix. */
export function redisKeys(prefix: string): RedisKeys {
  return {
    lease: (name) => `${prefix}lease:${name}`,
    leaseToken: (name) => `${prefix}lease-token:${name}`,
    incidentSequence: () => `${prefix}incident-seq`,
    checkState: (checkId) => `${prefix}check:${checkId}`,
    quietPasses: () => `${prefix}check-passes`,
    incident: (id) => `${prefix}incident:${id}`,
    incidentEvents: (id) => `${prefix}incident-events:${id}`,
    incidentCompaction: (id) => `${prefix}incident-compacted:${id}`,
    openIncidents: () => `${prefix}incidents:open`,
    openIncidentSeverities: () => `${prefix}incidents:open-severity`,
    recentIncidents: () => `${prefix}incidents:recent`,
  };
}

// ── approvals ─────────────────────────────────────────────────────────────────────────────────

/*
 * Every Redis key the approval store uses, under the store's prefix (default `lifeboat:`), beside
 * the incident store's keys above and never clashing with them.
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
 *   {p}runs:last                  hash: "<kind>:<runbook>" (failover:orders) -> {"approvalId","finishedAt"}
 *                                 JSON, each runbook's newest succeeded run (not dry runs); written by
 *                                 FINISH_RUN in the run's own step, only over an older finish
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
  /** A drill run's lock on the resource (see "restore drills"): a request's create reads it. */
  drillLock(resource: string): string;
  audit(): string;
  lastRuns(): string;
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
    drillLock: (resource) => `${prefix}drill-lock:${resource}`,
    audit: () => `${prefix}approvals:audit`,
    lastRuns: () => `${prefix}runs:last`,
  };
}

// ── paging ────────────────────────────────────────────────────────────────────────────────────

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

// ── Slack bot ─────────────────────────────────────────────────────────────────────────────────

/*
 * The bot's Redis keys, under the store's prefix (default `lifeboat:`), in a `slack:` namespace:
 *
 *   {p}slack:delivery:{key}       "1", PX = DELIVERY_TTL_MS; a Slack delivery already taken in
 *   {p}slack:incident-msg:{id}    IncidentMessageRef JSON, PX = MESSAGE_REF_TTL_MS; where an
 *                                  incident's message lives (channel, ts, incident channel)
 *   {p}slack:drill-msg:{runId}    DrillMessageRef JSON, PX = DRILL_MESSAGE_REF_TTL_MS; where a drill
 *                                  run's message lives (redis-drill-message-refs.ts)
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
 *   {p}slack:channel-archives     sorted set of resolved incident ids whose dedicated channel is
 *                                  still to be archived, score = epoch ms it is due (while claimed:
 *                                  the claim's end); a member is removed once archived
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
  channelArchives(): string;
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
    channelArchives: () => `${prefix}slack:channel-archives`,
  };
}

// ── status pages ──────────────────────────────────────────────────────────────────────────────

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

// ── noise control ─────────────────────────────────────────────────────────────────────────────

/*
 * Every Redis key noise control (SPEC §9) uses, under the store's prefix (default `lifeboat:`):
 *
 *   {p}noise:silences          hash: check id -> Silence JSON (command silences; maintenance
 *                              windows come from the config and are not stored)
 *   {p}noise:muted             hash: incident id -> check id, incidents whose Slack post and page a
 *                              silence held back; HDEL is the claim of the owed announcement
 *   {p}noise:reminders         sorted set of incident ids, score = next reminder due (epoch ms)
 *   {p}noise:windows           hash: [check, start, end] JSON -> window Silence JSON, maintenance
 *                              windows whose opening is audited and whose closing is not yet;
 *                              HSETNX with the `silenced` entry, HDEL with the `unsilenced` one,
 *                              each in one script, so each is audited once whichever replica leads
 *   {p}noise:window-ends       hash: [check, start, end] JSON -> {checkId, since, until, endedAt,
 *                              endedBy}, windows `/dr unsilence` ended early; HSETNX (an end is
 *                              never moved) with the `unsilenced` entry and the HDEL of its
 *                              noise:windows field, in one script; pruned past the window's end
 *   {p}approvals:audit         the audit stream (approvals section above): silences append
 *                              entries with `kind silence` (type silenced|unsilenced, check,
 *                              actor, at, detail); approval readers skip entries of other kinds
 *
 * Nothing carries a TTL: an ended silence is pruned by the leader's sweep, a muted entry and a
 * reminder are removed when claimed or when their incident is found resolved, a window entry when
 * its closing is audited.
 */

/** Key builders for one prefix. */
export interface NoiseRedisKeys {
  silences(): string;
  muted(): string;
  reminders(): string;
  windows(): string;
  windowEnds(): string;
  audit(): string;
}

export function noiseRedisKeys(prefix: string): NoiseRedisKeys {
  return {
    silences: () => `${prefix}noise:silences`,
    muted: () => `${prefix}noise:muted`,
    reminders: () => `${prefix}noise:reminders`,
    windows: () => `${prefix}noise:windows`,
    windowEnds: () => `${prefix}noise:window-ends`,
    audit: () => approvalKeys(prefix).audit(),
  };
}

// ── restore drills ────────────────────────────────────────────────────────────────────────────

/*
 *   {p}drill-seq                 counter, INCR per drill run (DRL-<n>), no TTL
 *   {p}drill-lock:{resource}     string: the drill run holding the resource (its source, its
 *                                runbook), PX = the drill's lease; a claim also reads the approval
 *                                locks ({p}approval-lock:{resource}) in the same script, so a drill
 *                                never starts while a request or run holds what it restores; a
 *                                request's create reads these in turn (approval-create script)
 *   {p}drill-history:{drill}     list of DrillOutcome JSON, newest first, trimmed to the newest 20
 *   {p}drill-run:{runId}         hash: drill, resources (JSON), startedAt, state (running |
 *                                recovering | finished), created (JSON: what the run will create,
 *                                kept before its restore call is sent); step:{id} -> JSON {done,
 *                                detail}, outcome -> RunOutcome JSON (the drill runner's journal);
 *                                expires 30 days after the run
 *   {p}drill-alive:{runId}       string: the run's liveness, PX = a short lease its process renews;
 *                                lapsed without an outcome means the process died
 *   {p}drill-recovery:{runId}    string: the replica cleaning up after a dead run, PX = its lease
 *   {p}drill-active              set of run ids not yet ended (what a leader's sweep looks at)
 */
export interface DrillRedisKeys {
  sequence(): string;
  lock(resource: string): string;
  approvalLock(resource: string): string;
  history(drill: string): string;
  run(runId: string): string;
  alive(runId: string): string;
  recovery(runId: string): string;
  active(): string;
}

export function drillRedisKeys(prefix: string): DrillRedisKeys {
  return {
    sequence: () => `${prefix}drill-seq`,
    lock: (resource) => approvalKeys(prefix).drillLock(resource),
    approvalLock: (resource) => approvalKeys(prefix).lock(resource),
    history: (drill) => `${prefix}drill-history:${drill}`,
    run: (runId) => `${prefix}drill-run:${runId}`,
    alive: (runId) => `${prefix}drill-alive:${runId}`,
    recovery: (runId) => `${prefix}drill-recovery:${runId}`,
    active: () => `${prefix}drill-active`,
  };
}
