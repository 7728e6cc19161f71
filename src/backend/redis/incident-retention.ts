import type { Redis } from 'ioredis';
import type { RetentionConfig } from '../../config/types.js';
import type { Clock } from '../../core/clock.js';
import type { Incident } from '../../core/incident.js';
import type { EventCompaction } from '../../audit/compacted-events.js';
import type { Logger } from '../../observability/logger.js';
import { approvalKeys, pagingRedisKeys, redisKeys, type RedisKeys } from './keyspace.js';
import { COMPACT_RESOLVED, DROP_EXPIRED } from './retention-scripts.js';

/** Events a resolved incident keeps from its start and from its end; the middle is dropped. */
export const RESOLVED_EVENTS_HEAD = 20;
export const RESOLVED_EVENTS_TAIL = 20;
/** How often every replica sweeps (idempotent: two replicas sweeping drop each incident once). */
export const RETENTION_SWEEP_INTERVAL_MS = 60 * 60_000; // 1 hour
/** Incidents looked at per sweep step, so one sweep never blocks Redis for long. */
const SWEEP_BATCH = 500;

export interface IncidentRetentionOptions {
  redis: Redis;
  keyPrefix: string;
  policy: RetentionConfig;
  clock: Clock;
  logger: Logger;
}

/** What one sweep did. */
export interface RetentionSweep {
  incidentsDropped: number;
  auditEntriesTrimmed: number;
}

/**
 * Bounded growth for the Redis store: a resolved incident is compacted and given an expiry
 * (`retention.incidents` after it resolved) at once; a periodic sweep drops from the recent index
 * what has expired (and the keys of incidents resolved before retention existed), and trims the
 * audit streams by time (XTRIM MINID, Redis >= 6.2). Open incidents are never touched.
 */
export class IncidentRetention {
  private readonly keys: RedisKeys;
  /** Streams trimmed to `policy.auditMs`: the audit log (approval and incident entries, audit-log.ts). */
  private readonly auditStreams: string[];
  /** Keys an incident owns beyond its record and events (its paging record), expired and dropped with it. */
  private readonly ownedKeys: (incidentId: string) => string[];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(private readonly options: IncidentRetentionOptions) {
    this.keys = redisKeys(options.keyPrefix);
    this.auditStreams = [approvalKeys(options.keyPrefix).audit()];
    const paging = pagingRedisKeys(options.keyPrefix);
    this.ownedKeys = (id) => [paging.incident(id)];
  }

  /** Compacts a resolved incident and sets when its keys expire; a no-op for an open one. */
  async onResolved(incident: Incident): Promise<void> {
    if (incident.state !== 'resolved') return;
    const expireAt = (incident.resolvedAt ?? incident.updatedAt) + this.options.policy.incidentsMs;
    const dropped = await COMPACT_RESOLVED.run(this.options.redis, this.incidentKeys(incident.id), [
      expireAt,
      RESOLVED_EVENTS_HEAD,
      RESOLVED_EVENTS_TAIL,
    ]);
    if (typeof dropped === 'number' && dropped > 0) {
      this.options.logger.info({ incidentId: incident.id, eventsDropped: dropped }, `compacted resolved incident ${incident.id}`);
    }
  }

  /** What compaction took out of a resolved incident's events; null when it took nothing. */
  async compactedEvents(incidentId: string): Promise<EventCompaction | null> {
    const record = await this.options.redis.hgetall(this.keys.incidentCompaction(incidentId));
    const [dropped, fromAt, toAt] = [record.dropped, record.from, record.to].map(Number);
    if (!dropped || fromAt === undefined || toAt === undefined || !Number.isFinite(fromAt) || !Number.isFinite(toAt)) return null;
    return { dropped, fromAt, toAt };
  }

  /** Drops what is past retention at `now`; see the class comment. */
  async sweep(now = this.options.clock.now()): Promise<RetentionSweep> {
    const { redis, policy } = this.options;
    const cutoff = now - policy.incidentsMs;
    let incidentsDropped = 0;
    let offset = 0;
    // The recent index is scored by openedAt: anything resolved before the cutoff opened before it too.
    for (;;) {
      const ids = await redis.zrangebyscore(this.keys.recentIncidents(), '-inf', `(${cutoff}`, 'LIMIT', offset, SWEEP_BATCH);
      for (const id of ids) {
        const keys = [this.keys.recentIncidents(), this.keys.openIncidents(), ...this.incidentKeys(id)];
        const dropped = await DROP_EXPIRED.run(redis, keys, [id, cutoff]);
        if (dropped === 1) incidentsDropped += 1;
        else offset += 1; // kept (still open, or resolved lately): skip it next batch
      }
      if (ids.length < SWEEP_BATCH) break;
    }
    let auditEntriesTrimmed = 0;
    for (const stream of this.auditStreams) {
      // Stream ids start with Redis's ms time: MINID drops every entry older than the cutoff.
      auditEntriesTrimmed += await redis.xtrim(stream, 'MINID', now - policy.auditMs);
    }
    if (incidentsDropped + auditEntriesTrimmed > 0) {
      this.options.logger.info({ incidentsDropped, auditEntriesTrimmed }, 'retention sweep dropped what is past retention');
    }
    return { incidentsDropped, auditEntriesTrimmed };
  }

  /** Sweeps now and then every `intervalMs`; failures are logged and retried next time. */
  start(intervalMs = RETENTION_SWEEP_INTERVAL_MS): void {
    if (this.timer) return;
    const pass = () => {
      if (this.running) return;
      this.running = this.sweep()
        .catch((err: unknown) => this.options.logger.warn({ err }, 'retention sweep failed; retrying at the next interval'))
        .finally(() => {
          this.running = null;
        });
    };
    this.timer = setInterval(pass, intervalMs);
    this.timer.unref();
    pass();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private incidentKeys(id: string): string[] {
    // The order COMPACT_RESOLVED and DROP_EXPIRED read them in.
    return [this.keys.incident(id), this.keys.incidentEvents(id), this.keys.incidentCompaction(id), ...this.ownedKeys(id)];
  }
}
