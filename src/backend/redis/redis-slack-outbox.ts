import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { StoreError } from '../../store/store-error.js';
import { botRedisKeys, type BotRedisKeys } from './keyspace.js';
import { isOutboxEntry, type OutboxEntry } from '../../bot/outbox/outbox-entry.js';
import { OUTBOX_CLAIM, OUTBOX_COMPLETE, OUTBOX_ENQUEUE, OUTBOX_PROGRESS, OUTBOX_RESCHEDULE } from './outbox-scripts.js';
import {
  isEntryProgress,
  LANE_TTL_MS,
  ONCE_KEY_TTL_MS,
  type EnqueueOptions,
  type EnqueueOutcome,
  type EntryProgress,
  type MethodPause,
  type OutboxClaim,
  type SlackOutbox,
} from '../../bot/outbox/slack-outbox.js';

/** Due lanes looked at per claim attempt; other replicas may take some of them first. */
const CLAIM_CANDIDATES = 20;

/** The Slack outbox in Redis, shared by replicas; every transition is one Lua script. */
export class RedisSlackOutbox implements SlackOutbox {
  private readonly keys: BotRedisKeys;

  /** `redis` is not owned: the caller closes it. */
  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
  ) {
    this.keys = botRedisKeys(keyPrefix);
  }

  async enqueue(id: string, entry: OutboxEntry, now: number, options: EnqueueOptions = {}): Promise<EnqueueOutcome> {
    const { lane } = entry;
    const keys = [
      this.keys.outboxLane(lane),
      this.keys.outboxQueue(lane),
      this.keys.outboxReady(),
      this.keys.outboxOnce(options.onceKey ?? id),
    ];
    const args = [
      lane,
      id,
      JSON.stringify(entry),
      now,
      entry.coalesceKey ?? '',
      options.replace ? '1' : '0',
      options.onceKey ? '1' : '0',
      ONCE_KEY_TTL_MS,
      LANE_TTL_MS,
    ];
    const reply = await OUTBOX_ENQUEUE.run(this.redis, keys, args);
    return this.expect(OUTBOX_ENQUEUE.name, reply, ['enqueued', 'coalesced', 'duplicate'] as const);
  }

  async claimNext(now: number, leaseMs: number): Promise<OutboxClaim | null> {
    const due = await this.redis.zrangebyscore(this.keys.outboxReady(), '-inf', now, 'LIMIT', 0, CLAIM_CANDIDATES);
    for (const lane of due) {
      const token = randomUUID();
      const keys = [this.keys.outboxLane(lane), this.keys.outboxQueue(lane), this.keys.outboxReady(), this.keys.outboxPaused()];
      const reply = await OUTBOX_CLAIM.run(this.redis, keys, [lane, now, now + leaseMs, token]);
      if (reply === null || reply === 'paused') continue; // taken by another replica, or its method is paused
      if (!Array.isArray(reply) || reply.length !== 4) throw this.unexpected(OUTBOX_CLAIM.name, reply);
      const [id, raw, attempts, progress] = reply.map(String) as [string, string, string, string];
      return { lane, id, token, raw, entry: parseEntry(raw), attempts: Number(attempts), progress: parseProgress(progress) };
    }
    return null;
  }

  async saveProgress(claim: OutboxClaim, progress: EntryProgress, leaseUntil: number): Promise<boolean> {
    const keys = [this.keys.outboxLane(claim.lane), this.keys.outboxReady()];
    const reply = await OUTBOX_PROGRESS.run(this.redis, keys, [claim.lane, claim.token, JSON.stringify(progress), leaseUntil]);
    return this.expect(OUTBOX_PROGRESS.name, reply, ['done', 'stale'] as const) === 'done';
  }

  async complete(claim: OutboxClaim, now: number): Promise<boolean> {
    const keys = [this.keys.outboxLane(claim.lane), this.keys.outboxQueue(claim.lane), this.keys.outboxReady()];
    const reply = await OUTBOX_COMPLETE.run(this.redis, keys, [claim.lane, claim.token, claim.id, now]);
    return this.expect(OUTBOX_COMPLETE.name, reply, ['done', 'stale'] as const) === 'done';
  }

  async reschedule(claim: OutboxClaim, retryAt: number, attempts: number, progress: EntryProgress, pause?: MethodPause): Promise<boolean> {
    const keys = [this.keys.outboxLane(claim.lane), this.keys.outboxReady(), this.keys.outboxPaused()];
    const args = [
      claim.lane,
      claim.token,
      retryAt,
      attempts,
      JSON.stringify(progress),
      pause?.method ?? '',
      pause?.until ?? 0,
      claim.entry?.coalesceKey ?? '',
      claim.id,
    ];
    const reply = await OUTBOX_RESCHEDULE.run(this.redis, keys, args);
    return this.expect(OUTBOX_RESCHEDULE.name, reply, ['done', 'stale'] as const) === 'done';
  }

  async pauses(now: number): Promise<MethodPause[]> {
    const all = await this.redis.hgetall(this.keys.outboxPaused());
    return Object.entries(all)
      .map(([method, until]) => ({ method, until: Number(until) }))
      .filter((p) => p.until > now)
      .sort((a, b) => a.method.localeCompare(b.method));
  }

  async pendingEntries(): Promise<number> {
    const lanes = await this.redis.zrange(this.keys.outboxReady(), 0, -1);
    if (lanes.length === 0) return 0;
    const pipeline = this.redis.pipeline();
    for (const lane of lanes) pipeline.llen(this.keys.outboxQueue(lane));
    const replies = (await pipeline.exec()) ?? [];
    return replies.reduce((sum, [err, length]) => {
      if (err) throw err;
      return sum + Number(length);
    }, 0);
  }

  private expect<const T extends readonly string[]>(script: string, reply: unknown, allowed: T): T[number] {
    if (typeof reply === 'string' && allowed.includes(reply)) return reply as T[number];
    throw this.unexpected(script, reply);
  }

  private unexpected(script: string, reply: unknown): StoreError {
    return new StoreError('LIFEBOAT_STORE_CORRUPT_VALUE', `Redis script ${script} returned an unexpected reply: ${String(reply)}`);
  }
}

/** Stored progress; unreadable progress is taken to mean the main post may have been sent (it is looked for first). */
function parseProgress(raw: string): EntryProgress {
  if (raw === '') return { done: {} };
  try {
    const value: unknown = JSON.parse(raw);
    if (isEntryProgress(value)) return value;
  } catch {
    // below
  }
  return { done: {}, inFlight: '' };
}

/** Null for an unreadable entry: the worker drops it with an error rather than block its lane. */
export function parseEntry(raw: string): OutboxEntry | null {
  try {
    const value: unknown = JSON.parse(raw);
    return isOutboxEntry(value) ? value : null;
  } catch {
    return null;
  }
}
