import type { DrillStore } from '../drills/drill-store.js';
import { MemoryDrillLocks } from './memory/memory-drill-locks.js';
import { MemoryDrillStore } from './memory/memory-drill-store.js';
import { RedisDrillStore } from './redis/redis-drill-store.js';
import type { Redis } from 'ioredis';
import type { ApprovalStore } from '../approvals/approval-store.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { ChannelArchiveSchedule } from '../bot/channel-archive-schedule.js';
import type { ApprovalMessageRefs } from '../bot/approvals/approval-message-refs.js';
import type { IncidentMessageRefs } from '../bot/incident-message-refs.js';
import type { DrillMessageRefs } from '../drills/drill-message-refs.js';
import type { SlackOutbox } from '../bot/outbox/slack-outbox.js';
import type { SeenDeliveries } from '../bot/seen-deliveries.js';
import type { RetentionConfig } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { Incident } from '../core/incident.js';
import type { Logger } from '../observability/logger.js';
import type { PagingQueue } from '../paging/paging-queue.js';
import type { SilenceStore } from '../noise/silence-store.js';
import type { StatusPageStore } from '../statuspage/statuspage-store.js';
import type { Store } from '../store/store.js';
import { MemoryApprovalMessageRefs } from './memory/memory-approval-message-refs.js';
import { MemoryApprovalStore } from './memory/memory-approval-store.js';
import { MemoryAuditLog } from './memory/memory-audit-log.js';
import { MemoryChannelArchiveSchedule } from './memory/memory-channel-archive-schedule.js';
import { MemoryDrillMessageRefs } from './memory/memory-drill-message-refs.js';
import { MemoryIncidentMessageRefs } from './memory/memory-incident-message-refs.js';
import { MemoryPagingQueue } from './memory/memory-paging-queue.js';
import { MemorySeenDeliveries } from './memory/memory-seen-deliveries.js';
import { MemorySilenceStore } from './memory/memory-silence-store.js';
import { MemorySlackOutbox } from './memory/memory-slack-outbox.js';
import { MemoryStatusPageStore } from './memory/memory-statuspage-store.js';
import { MemoryStore } from './memory/memory-store.js';
import type { CompactionRecords } from '../audit/compacted-events.js';
import { IncidentRetention } from './redis/incident-retention.js';
import { DEFAULT_KEY_PREFIX } from './redis/keyspace.js';
import { RedisApprovalMessageRefs } from './redis/redis-approval-message-refs.js';
import { RedisApprovalStore } from './redis/redis-approval-store.js';
import { RedisAuditLog } from './redis/redis-audit-log.js';
import { RedisChannelArchiveSchedule } from './redis/redis-channel-archive-schedule.js';
import { assertRedisUrl, createRedisClient, describeRedisUrl } from './redis/redis-connection.js';
import { RedisDrillMessageRefs } from './redis/redis-drill-message-refs.js';
import { RedisIncidentMessageRefs } from './redis/redis-incident-message-refs.js';
import { RedisPagingQueue } from './redis/redis-paging-queue.js';
import { RedisSeenDeliveries } from './redis/redis-seen-deliveries.js';
import { RedisSilenceStore } from './redis/redis-silence-store.js';
import { RedisSlackOutbox } from './redis/redis-slack-outbox.js';
import { RedisStatusPageStore } from './redis/redis-statuspage-store.js';
import { RedisStore } from './redis/redis-store.js';
import { RedisSyncedClock } from './redis/redis-synced-clock.js';

/** The clock replicas agree on: Redis's TIME when state is shared through Redis, else the local clock. */
export interface SharedClock extends Clock {
  /** Measures the offset to the shared clock before anything compares times across replicas. */
  start(): Promise<void>;
  stop(): void;
}

/** Bounded growth of what the backend keeps (config `retention`); nothing to do in memory. */
export interface Retention extends CompactionRecords {
  /** Call on an incident's `resolved` event: compacts it and sets when it expires. */
  onResolved(incident: Incident): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Every piece of state Lifeboat keeps, as the ports the rest of the code uses. Redis (shared by
 * replicas, kept across restarts) or memory (one process, lost on restart), decided here only.
 */
export interface Backend {
  readonly kind: 'redis' | 'memory';
  /** Check state, incidents and the leader lease. */
  readonly store: Store;
  /** Approval requests, their runs, resource locks and the audit log. */
  readonly approvals: ApprovalStore;
  /** PagerDuty events waiting to be sent, and escalation timers. */
  readonly pagingQueue: PagingQueue;
  /** What was said on the status page. */
  readonly statusPage: StatusPageStore;
  /** Slack deliveries already taken in (Slack retries). */
  readonly seenDeliveries: SeenDeliveries;
  /** Where each incident's Slack message lives. */
  readonly incidentMessageRefs: IncidentMessageRefs;
  /** Where each approval request's Slack message lives. */
  readonly approvalMessageRefs: ApprovalMessageRefs;
  /** Where each drill run's Slack message lives (its thread and final update). */
  readonly drillMessageRefs: DrillMessageRefs;
  /** Slack posts and updates waiting to be delivered. */
  readonly slackOutbox: SlackOutbox;
  /** Silences, announcements they held back, and reminder due times (SPEC §9). */
  readonly silences: SilenceStore;
  /** The whole audit log (approval and incident entries), on the approval store's record. */
  readonly auditLog: AuditLog;
  /** Restore drills: claims on their resources, their history and their runs' journal. */
  readonly drills: DrillStore;
  /** When resolved incidents' dedicated channels are due to be archived. */
  readonly channelArchives: ChannelArchiveSchedule;
  readonly sharedClock: SharedClock;
  readonly retention: Retention | null;
  /** Stops the clock sync and closes the store (and the Redis client when the backend opened it). */
  close(): Promise<void>;
}

export interface BackendOptions {
  clock: Clock;
  logger: Logger;
  retention: RetentionConfig;
  /** When true, close() quits the Redis client; otherwise whoever passed it in owns it. */
  ownsClient?: boolean;
}

/** Builds every port on one Redis client and key prefix, or all in memory when `redis` is null. */
export function createBackend(redis: Redis | null, keyPrefix: string, options: BackendOptions): Backend {
  return redis ? redisBackend(redis, keyPrefix, options) : memoryBackend(options);
}

/** What `connectBackend` reads from the environment. */
export interface ConnectOptions extends Omit<BackendOptions, 'ownsClient'> {
  /** REDIS_URL; absent or empty selects memory. */
  redisUrl?: string;
  keyPrefix?: string;
}

/** The backend from REDIS_URL: Redis when given (this backend owns the connection), else memory with a warning. */
export function connectBackend(options: ConnectOptions): Backend {
  const { redisUrl, keyPrefix = DEFAULT_KEY_PREFIX, logger } = options;
  if (!redisUrl) {
    logger.warn(
      { store: 'memory' },
      'REDIS_URL is not set: using the in-memory store. It is for a single replica only, and ' +
        'incidents, check state, the leader lease, approvals, queued pages and Slack posts are lost on restart. ' +
        'Set REDIS_URL (e.g. redis://127.0.0.1:6379) to share state between replicas and keep it across restarts',
    );
    return memoryBackend(options);
  }
  assertRedisUrl(redisUrl);
  logger.info({ store: 'redis', redis: describeRedisUrl(redisUrl), keyPrefix }, 'using the Redis store');
  return redisBackend(createRedisClient(redisUrl, logger), keyPrefix, { ...options, ownsClient: true });
}

function redisBackend(redis: Redis, keyPrefix: string, options: BackendOptions): Backend {
  const { clock, logger } = options;
  const store = new RedisStore({ redis, keyPrefix, ownsClient: options.ownsClient ?? false });
  const synced = new RedisSyncedClock(redis, clock, logger.child({ component: 'clock' }));
  const approvals = new RedisApprovalStore({ redis, keyPrefix });
  const retention = new IncidentRetention({
    redis,
    keyPrefix,
    policy: options.retention,
    clock,
    logger: logger.child({ component: 'retention' }),
  });
  return {
    kind: 'redis',
    store,
    approvals,
    pagingQueue: new RedisPagingQueue(redis, keyPrefix),
    statusPage: new RedisStatusPageStore(redis, keyPrefix),
    seenDeliveries: new RedisSeenDeliveries(redis, keyPrefix),
    incidentMessageRefs: new RedisIncidentMessageRefs(redis, keyPrefix, logger.child({ component: 'slack' })),
    approvalMessageRefs: new RedisApprovalMessageRefs(redis, keyPrefix, logger.child({ component: 'slack-approvals' })),
    drillMessageRefs: new RedisDrillMessageRefs(redis, keyPrefix, logger.child({ component: 'drills' })),
    slackOutbox: new RedisSlackOutbox(redis, keyPrefix),
    silences: new RedisSilenceStore(redis, keyPrefix),
    auditLog: new RedisAuditLog(redis, keyPrefix),
    drills: new RedisDrillStore(redis, keyPrefix),
    channelArchives: new RedisChannelArchiveSchedule(redis, keyPrefix),
    sharedClock: synced,
    retention,
    async close() {
      synced.stop();
      await store.close();
    },
  };
}

function memoryBackend({ clock }: BackendOptions): Backend {
  const store = new MemoryStore({ clock });
  // Shared: a request's create reads the drills' locks, a drill's claim the requests'.
  const drillLocks = new MemoryDrillLocks(clock);
  const approvals = new MemoryApprovalStore(drillLocks);
  const silences = new MemorySilenceStore();
  return {
    kind: 'memory',
    store,
    approvals,
    pagingQueue: new MemoryPagingQueue(),
    statusPage: new MemoryStatusPageStore({ clock }),
    seenDeliveries: new MemorySeenDeliveries(clock),
    incidentMessageRefs: new MemoryIncidentMessageRefs(clock),
    approvalMessageRefs: new MemoryApprovalMessageRefs(clock),
    drillMessageRefs: new MemoryDrillMessageRefs(clock),
    slackOutbox: new MemorySlackOutbox(),
    silences,
    auditLog: new MemoryAuditLog(approvals, silences),
    drills: new MemoryDrillStore(approvals, clock, drillLocks),
    channelArchives: new MemoryChannelArchiveSchedule(),
    // One process: its own clock is the only one.
    sharedClock: { now: () => clock.now(), start: async () => undefined, stop: () => undefined },
    retention: null,
    close: () => store.close(),
  };
}
