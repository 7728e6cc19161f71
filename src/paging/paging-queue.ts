import type { OutboxEvent } from './outbox-event.js';
import type { PagingState } from './paging-state.js';

/** An outbox head taken for delivery; only its holder (by token) may complete or reschedule it. */
export interface OutboxClaim {
  incidentId: string;
  /** Random per claim; a claim whose lease lapsed and was taken again cannot complete. */
  token: string;
  event: OutboxEvent;
  /** The stored value exactly, so completing removes this event and never the next one. */
  raw: string;
  /** Failed attempts so far for this event. */
  attempts: number;
  state: PagingState | null;
}

export type TriggerOutcome = 'enqueued' | 'closed';
export type FollowUpOutcome = 'enqueued' | 'skipped';
export type ScheduleOutcome = 'scheduled' | 'refreshed' | 'skipped';

/**
 * The paging outbox and escalation timers, kept in the store so a restart loses nothing and
 * replicas share them. Events are FIFO per incident (a resolve never overtakes its trigger, or
 * PagerDuty would open a fresh alert for the late trigger); only the head event of an incident is
 * ever claimed. Times are epoch ms from the caller's clock. Implementations: Redis (Lua, shared)
 * and memory (one process).
 */
export interface PagingQueue {
  /**
   * Queues a trigger, marks the incident paged and cancels its escalation timer; refused
   * ('closed') once the incident was resolved. Sets `queuedState` unless PagerDuty already
   * has the alert (triggered or acknowledged).
   */
  enqueueTrigger(event: OutboxEvent, queuedState: PagingState, now: number): Promise<TriggerOutcome>;

  /**
   * Records an acknowledge or resolve (cancelling any escalation timer) and queues it only when
   * the incident was paged and is not already resolved; 'skipped' otherwise (and a pending
   * escalation's 'scheduled' state is removed: the incident was never paged).
   */
  enqueueFollowUp(event: OutboxEvent, now: number): Promise<FollowUpOutcome>;

  /**
   * Arms the escalation timer of an unpaged, unacknowledged, open incident: the first call sets
   * `dueAt` and `scheduledState`; later calls keep the due time and refresh the event that will be
   * sent (its summary follows the incident). `firedState` is the state once it fires.
   */
  scheduleEscalation(event: OutboxEvent, dueAt: number, scheduledState: PagingState, firedState: PagingState): Promise<ScheduleOutcome>;

  /**
   * Takes back an armed escalation timer, with its 'scheduled' state (a silence began, SPEC §9):
   * a later scheduleEscalation arms it afresh from the due time it is given. No-op when none.
   */
  cancelEscalation(incidentId: string): Promise<void>;

  /**
   * Moves escalations due at `now` into the outbox, each exactly once however many replicas
   * sweep at the same time; returns the incident ids moved.
   */
  promoteDueEscalations(now: number, limit: number): Promise<string[]>;

  /**
   * Claims the head event of one incident whose next attempt is due, for `leaseMs`: until then no
   * other claimer sees it; after, it is delivered again (a crash mid-send loses nothing).
   * Null when nothing is due, or every replica is paused (rate limited) until later.
   */
  claimNext(now: number, leaseMs: number): Promise<OutboxClaim | null>;

  /** Removes the claimed event and stores `state` (null keeps it); false when the claim was lost. */
  complete(claim: OutboxClaim, state: PagingState | null, now: number): Promise<boolean>;

  /**
   * Gives the claimed event back for another attempt at `retryAt`, with `attempts` failures so
   * far and `state`; `pauseAllUntil` holds every claim (all incidents, all replicas) until then.
   * False when the claim was lost.
   */
  reschedule(claim: OutboxClaim, retryAt: number, attempts: number, state: PagingState | null, pauseAllUntil?: number): Promise<boolean>;

  getState(incidentId: string): Promise<PagingState | null>;

  /** Events waiting in every incident's outbox (metrics, tests). */
  pendingEvents(): Promise<number>;
}
