import { randomUUID } from 'node:crypto';
import type { OutboxEvent } from '../../paging/outbox-event.js';
import type { FollowUpOutcome, OutboxClaim, PagingQueue, ScheduleOutcome, TriggerOutcome } from '../../paging/paging-queue.js';
import type { PagingState } from '../../paging/paging-state.js';

/** Per-incident record, mirroring the Redis hash and outbox list (values kept as JSON text). */
interface IncidentRecord {
  paged: boolean;
  acked: boolean;
  closed: boolean;
  state?: string;
  escalation?: string;
  escalationState?: string;
  claim?: string;
  attempts: number;
  outbox: string[];
}

/**
 * The paging queue in process memory, for local mode and tests. Single process only: a restart
 * loses queued events and timers, and two replicas would each page. Same rules as the Redis queue
 * (one contract suite runs against both); JavaScript runs each method's synchronous part without
 * interleaving, which stands in for Lua's atomicity.
 */
export class MemoryPagingQueue implements PagingQueue {
  private readonly incidents = new Map<string, IncidentRecord>();
  /** incident id -> epoch ms the head may be sent. */
  private readonly ready = new Map<string, number>();
  /** incident id -> epoch ms the escalation is due. */
  private readonly escalations = new Map<string, number>();
  private pausedUntil = 0;

  async enqueueTrigger(event: OutboxEvent, queuedState: PagingState, now: number): Promise<TriggerOutcome> {
    const record = this.record(event.incidentId);
    if (record.closed) return 'closed';
    record.paged = true;
    this.dropEscalation(event.incidentId, record);
    this.push(record, event, now);
    const status = record.state === undefined ? undefined : (JSON.parse(record.state) as PagingState).status;
    if (status !== 'triggered' && status !== 'acknowledged') record.state = JSON.stringify(queuedState);
    return 'enqueued';
  }

  async enqueueFollowUp(event: OutboxEvent, now: number): Promise<FollowUpOutcome> {
    const record = this.record(event.incidentId);
    this.dropEscalation(event.incidentId, record);
    const { paged, closed } = record;
    if (event.action === 'resolve') record.closed = true;
    else record.acked = true;
    if (!paged || closed) {
      // Never paged: an escalation that was pending is simply off, nothing to show.
      if (record.state !== undefined && (JSON.parse(record.state) as PagingState).status === 'scheduled') delete record.state;
      return 'skipped';
    }
    this.push(record, event, now);
    return 'enqueued';
  }

  async cancelEscalation(incidentId: string): Promise<void> {
    const record = this.incidents.get(incidentId);
    if (!record || !this.escalations.has(incidentId)) return;
    this.dropEscalation(incidentId, record);
    if (record.state !== undefined && (JSON.parse(record.state) as PagingState).status === 'scheduled') delete record.state;
  }

  async scheduleEscalation(
    event: OutboxEvent,
    dueAt: number,
    scheduledState: PagingState,
    firedState: PagingState,
  ): Promise<ScheduleOutcome> {
    const record = this.record(event.incidentId);
    if (record.paged || record.acked || record.closed) return 'skipped';
    record.escalation = JSON.stringify(event);
    record.escalationState = JSON.stringify(firedState);
    if (this.escalations.has(event.incidentId)) return 'refreshed';
    this.escalations.set(event.incidentId, dueAt);
    record.state = JSON.stringify(scheduledState);
    return 'scheduled';
  }

  async promoteDueEscalations(now: number, limit: number): Promise<string[]> {
    const promoted: string[] = [];
    for (const id of dueIds(this.escalations, now, limit)) {
      this.escalations.delete(id);
      const record = this.record(id);
      const { escalation, escalationState } = record;
      delete record.escalation;
      delete record.escalationState;
      if (record.paged || record.acked || record.closed || escalation === undefined) continue;
      record.paged = true;
      record.outbox.push(escalation);
      if (!this.ready.has(id)) this.ready.set(id, now);
      if (escalationState !== undefined) record.state = escalationState;
      promoted.push(id);
    }
    return promoted;
  }

  async claimNext(now: number, leaseMs: number): Promise<OutboxClaim | null> {
    if (this.pausedUntil > now) return null;
    for (const id of dueIds(this.ready, now, Number.POSITIVE_INFINITY)) {
      const record = this.record(id);
      const raw = record.outbox[0];
      if (raw === undefined) {
        this.ready.delete(id);
        continue;
      }
      const token = randomUUID();
      this.ready.set(id, now + leaseMs);
      record.claim = token;
      return {
        incidentId: id,
        token,
        raw,
        event: JSON.parse(raw) as OutboxEvent,
        attempts: record.attempts,
        state: record.state === undefined ? null : (JSON.parse(record.state) as PagingState),
      };
    }
    return null;
  }

  async complete(claim: OutboxClaim, state: PagingState | null, now: number): Promise<boolean> {
    const record = this.incidents.get(claim.incidentId);
    if (!record || record.claim !== claim.token || record.outbox[0] !== claim.raw) return false;
    record.outbox.shift();
    delete record.claim;
    record.attempts = 0;
    if (state) record.state = JSON.stringify(state);
    if (record.outbox.length > 0) this.ready.set(claim.incidentId, now);
    else this.ready.delete(claim.incidentId);
    return true;
  }

  async reschedule(
    claim: OutboxClaim,
    retryAt: number,
    attempts: number,
    state: PagingState | null,
    pauseAllUntil?: number,
  ): Promise<boolean> {
    const record = this.incidents.get(claim.incidentId);
    if (!record || record.claim !== claim.token) return false;
    if (this.ready.has(claim.incidentId)) this.ready.set(claim.incidentId, retryAt);
    record.attempts = attempts;
    delete record.claim;
    if (state) record.state = JSON.stringify(state);
    if (pauseAllUntil !== undefined) this.pausedUntil = Math.max(this.pausedUntil, pauseAllUntil);
    return true;
  }

  async getState(incidentId: string): Promise<PagingState | null> {
    const raw = this.incidents.get(incidentId)?.state;
    return raw === undefined ? null : (JSON.parse(raw) as PagingState);
  }

  async pendingEvents(): Promise<number> {
    let count = 0;
    for (const record of this.incidents.values()) count += record.outbox.length;
    return count;
  }

  private record(id: string): IncidentRecord {
    let record = this.incidents.get(id);
    if (!record) {
      record = { paged: false, acked: false, closed: false, attempts: 0, outbox: [] };
      this.incidents.set(id, record);
    }
    return record;
  }

  private push(record: IncidentRecord, event: OutboxEvent, now: number): void {
    record.outbox.push(JSON.stringify(event));
    if (!this.ready.has(event.incidentId)) this.ready.set(event.incidentId, now);
  }

  private dropEscalation(id: string, record: IncidentRecord): void {
    this.escalations.delete(id);
    delete record.escalation;
    delete record.escalationState;
  }
}

/** Ids with score <= now, by score then id (as Redis orders a sorted set), at most `limit`. */
function dueIds(scores: Map<string, number>, now: number, limit: number): string[] {
  return [...scores.entries()]
    .filter(([, score]) => score <= now)
    .sort(([a, sa], [b, sb]) => sa - sb || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, limit)
    .map(([id]) => id);
}
