import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { StoreError } from '../../store/store-error.js';
import { decodeStored } from './decode-stored.js';
import { isOutboxEvent, type OutboxEvent } from '../../paging/outbox-event.js';
import { pagingRedisKeys, type PagingRedisKeys } from './keyspace.js';
import {
  CANCEL_ESCALATION,
  CLAIM_HEAD,
  COMPLETE_HEAD,
  ENQUEUE_FOLLOW_UP,
  ENQUEUE_TRIGGER,
  PROMOTE_ESCALATION,
  RESCHEDULE_HEAD,
  SCHEDULE_ESCALATION,
} from './paging-scripts.js';
import type { FollowUpOutcome, OutboxClaim, PagingQueue, ScheduleOutcome, TriggerOutcome } from '../../paging/paging-queue.js';
import { isPagingState, type PagingState } from '../../paging/paging-state.js';

/** Due incidents looked at per claim attempt; other replicas may take some of them first. */
const CLAIM_CANDIDATES = 10;

/** The paging queue in Redis, shared by replicas; every transition is one Lua script. */
export class RedisPagingQueue implements PagingQueue {
  private readonly keys: PagingRedisKeys;

  /** `redis` is not owned: the caller closes it. */
  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
  ) {
    this.keys = pagingRedisKeys(keyPrefix);
  }

  async enqueueTrigger(event: OutboxEvent, queuedState: PagingState, now: number): Promise<TriggerOutcome> {
    const id = event.incidentId;
    const reply = await ENQUEUE_TRIGGER.run(this.redis, this.incidentKeys(id), [
      id,
      JSON.stringify(event),
      now,
      JSON.stringify(queuedState),
    ]);
    return this.expect(ENQUEUE_TRIGGER.name, reply, ['enqueued', 'closed'] as const);
  }

  async enqueueFollowUp(event: OutboxEvent, now: number): Promise<FollowUpOutcome> {
    const id = event.incidentId;
    const reply = await ENQUEUE_FOLLOW_UP.run(this.redis, this.incidentKeys(id), [id, JSON.stringify(event), now, event.action]);
    return this.expect(ENQUEUE_FOLLOW_UP.name, reply, ['enqueued', 'skipped'] as const);
  }

  async cancelEscalation(incidentId: string): Promise<void> {
    await CANCEL_ESCALATION.run(this.redis, [this.keys.incident(incidentId), this.keys.escalations()], [incidentId]);
  }

  async scheduleEscalation(
    event: OutboxEvent,
    dueAt: number,
    scheduledState: PagingState,
    firedState: PagingState,
  ): Promise<ScheduleOutcome> {
    const id = event.incidentId;
    const reply = await SCHEDULE_ESCALATION.run(
      this.redis,
      [this.keys.incident(id), this.keys.escalations()],
      [id, dueAt, JSON.stringify(event), JSON.stringify(scheduledState), JSON.stringify(firedState)],
    );
    return this.expect(SCHEDULE_ESCALATION.name, reply, ['scheduled', 'refreshed', 'skipped'] as const);
  }

  async promoteDueEscalations(now: number, limit: number): Promise<string[]> {
    const due = await this.redis.zrangebyscore(this.keys.escalations(), '-inf', now, 'LIMIT', 0, limit);
    const promoted: string[] = [];
    for (const id of due) {
      const reply = await PROMOTE_ESCALATION.run(this.redis, this.incidentKeys(id), [id, now]);
      if (this.expect(PROMOTE_ESCALATION.name, reply, ['promoted', 'skipped', 'not-due'] as const) === 'promoted') {
        promoted.push(id);
      }
    }
    return promoted;
  }

  async claimNext(now: number, leaseMs: number): Promise<OutboxClaim | null> {
    const due = await this.redis.zrangebyscore(this.keys.ready(), '-inf', now, 'LIMIT', 0, CLAIM_CANDIDATES);
    for (const id of due) {
      const token = randomUUID();
      const keys = [this.keys.incident(id), this.keys.outbox(id), this.keys.ready(), this.keys.pausedUntil()];
      const reply = await CLAIM_HEAD.run(this.redis, keys, [id, now, now + leaseMs, token]);
      if (reply === null) continue; // another replica took it first, or all sends are paused
      if (!Array.isArray(reply) || reply.length !== 3) throw this.unexpected(CLAIM_HEAD.name, reply);
      const [raw, attempts, state] = reply.map(String) as [string, string, string];
      return {
        incidentId: id,
        token,
        raw,
        event: decodeStored(this.keys.outbox(id), raw, isOutboxEvent, 'paging event'),
        attempts: Number(attempts),
        state: state === '' ? null : decodeStored(this.keys.incident(id), state, isPagingState, 'paging state'),
      };
    }
    return null;
  }

  async complete(claim: OutboxClaim, state: PagingState | null, now: number): Promise<boolean> {
    const id = claim.incidentId;
    const keys = [this.keys.incident(id), this.keys.outbox(id), this.keys.ready()];
    const reply = await COMPLETE_HEAD.run(this.redis, keys, [id, claim.token, claim.raw, now, state ? JSON.stringify(state) : '']);
    return this.expect(COMPLETE_HEAD.name, reply, ['done', 'stale'] as const) === 'done';
  }

  async reschedule(
    claim: OutboxClaim,
    retryAt: number,
    attempts: number,
    state: PagingState | null,
    pauseAllUntil?: number,
  ): Promise<boolean> {
    const id = claim.incidentId;
    const keys = [this.keys.incident(id), this.keys.ready(), this.keys.pausedUntil()];
    const args = [id, claim.token, retryAt, attempts, state ? JSON.stringify(state) : '', pauseAllUntil ?? ''];
    const reply = await RESCHEDULE_HEAD.run(this.redis, keys, args);
    return this.expect(RESCHEDULE_HEAD.name, reply, ['done', 'stale'] as const) === 'done';
  }

  async getState(incidentId: string): Promise<PagingState | null> {
    const key = this.keys.incident(incidentId);
    const raw = await this.redis.hget(key, 'state');
    return raw === null ? null : decodeStored(key, raw, isPagingState, 'paging state');
  }

  async pendingEvents(): Promise<number> {
    const ids = await this.redis.zrange(this.keys.ready(), 0, -1);
    if (ids.length === 0) return 0;
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.llen(this.keys.outbox(id));
    const replies = (await pipeline.exec()) ?? [];
    return replies.reduce((sum, [err, length]) => {
      if (err) throw err;
      return sum + Number(length);
    }, 0);
  }

  private incidentKeys(id: string): string[] {
    return [this.keys.incident(id), this.keys.outbox(id), this.keys.ready(), this.keys.escalations()];
  }

  private expect<const T extends readonly string[]>(script: string, reply: unknown, allowed: T): T[number] {
    if (typeof reply === 'string' && allowed.includes(reply)) return reply as T[number];
    throw this.unexpected(script, reply);
  }

  private unexpected(script: string, reply: unknown): StoreError {
    return new StoreError('LIFEBOAT_STORE_CORRUPT_VALUE', `Redis script ${script} returned an unexpected reply: ${String(reply)}`);
  }
}
