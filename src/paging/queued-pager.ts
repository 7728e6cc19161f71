import { randomUUID } from 'node:crypto';
import type { CheckConfig, PagerDutyConfig } from '../config/types.js';
import { formatConfigDuration } from '../core/format-time.js';
import type { Actor } from '../core/action-request.js';
import type { Clock } from '../core/clock.js';
import type { Incident } from '../core/incident.js';
import type { IncidentChange } from '../incidents/incident-engine.js';
import type { Logger } from '../observability/logger.js';
import { buildFollowUp, buildTrigger } from './build-event.js';
import { decidePaging } from './decide-paging.js';
import { DeliveryLoop } from './delivery-loop.js';
import { DeliveryWorker, type DeliveryWorkerOptions } from './delivery-worker.js';
import type { OutboxEvent } from './outbox-event.js';
import type { PageNowResult, Pager, PagingFailureListener, PagingReadiness } from './pager.js';
import type { PagingError } from './paging-error.js';
import type { PagingQueue } from './paging-queue.js';
import type { PagingState, PagingStateListener } from './paging-state.js';

/** What an outbox event is built from besides the incident. */
interface EventDetails {
  reason: string;
  at: number;
  actor?: string;
  pagedBy?: string;
  note?: string;
}

export interface QueuedPagerOptions {
  policy: PagerDutyConfig;
  checks: readonly CheckConfig[];
  queue: PagingQueue;
  /** How queued events are delivered; the pager supplies the callbacks. */
  delivery: Omit<DeliveryWorkerOptions, 'queue' | 'clock' | 'logger' | 'onStateChange' | 'onRefused'>;
  clock: Clock;
  logger: Logger;
  /** Delivery loop period; a queued event also wakes it at once. */
  pollIntervalMs: number;
}

/**
 * Paging through the store-kept queue: incident changes and Page clicks only enqueue (so the
 * monitor never waits on PagerDuty); the loop sweeps due escalations and delivers.
 */
export class QueuedPager implements Pager {
  readonly enabled = true;
  readonly readiness: PagingReadiness;
  private readonly worker: DeliveryWorker;
  private readonly checks: Map<string, CheckConfig>;
  private readonly stateListeners = new Set<PagingStateListener>();
  private readonly failureListeners = new Set<PagingFailureListener>();
  private readonly loop: DeliveryLoop;

  constructor(private readonly options: QueuedPagerOptions) {
    this.checks = new Map(options.checks.map((check) => [check.id, check]));
    this.worker = new DeliveryWorker({
      ...options.delivery,
      queue: options.queue,
      clock: options.clock,
      logger: options.logger,
      onStateChange: (state) => this.emitState(state),
      onRefused: (error) => this.reportRefusal(error),
    });
    this.loop = new DeliveryLoop((signal) => this.worker.runOnce(signal), options.pollIntervalMs, options.logger);
    this.readiness = {
      name: 'paging',
      critical: false,
      check: async () => {
        const refusal = this.worker.currentRefusal();
        if (refusal) {
          throw new Error(`${refusal.message} since ${new Date(refusal.since).toISOString()}: ${refusal.hint} (${refusal.code})`);
        }
      },
    };
  }

  readonly onIncidentChange = async (change: IncidentChange): Promise<void> => {
    const { incident } = change;
    const decision = decidePaging(change, this.options.policy);
    try {
      switch (decision.kind) {
        case 'none':
          return;
        case 'trigger': {
          const at = change.event?.at ?? this.options.clock.now();
          const event = this.outboxEvent(incident, 'trigger', { reason: decision.reason, at });
          if ((await this.options.queue.enqueueTrigger(event, this.queuedState(event), this.options.clock.now())) === 'enqueued') {
            this.options.logger.info(
              { incidentId: incident.id, severity: incident.severity },
              `paging on-call for ${incident.id}: ${decision.reason}`,
            );
            await this.afterEnqueue(incident.id);
          }
          return;
        }
        case 'acknowledge':
        case 'resolve': {
          const now = this.options.clock.now();
          const event = this.outboxEvent(incident, decision.kind, {
            reason: decision.reason,
            at: now,
            ...(decision.actor !== undefined && { actor: decision.actor }),
          });
          if ((await this.options.queue.enqueueFollowUp(event, now)) === 'enqueued') await this.afterEnqueue(incident.id);
          return;
        }
        case 'escalate-later':
          await this.scheduleEscalation(incident, decision.dueAt, decision.afterMs);
          return;
      }
    } catch (err) {
      // The engine logs listener failures too, but only this line says what was at stake.
      this.options.logger.error(
        { err, incidentId: incident.id, paging: decision.kind },
        `could not queue PagerDuty ${decision.kind} for ${incident.id}: the store did not answer. Check REDIS_URL and Redis`,
      );
    }
  };

  async pageNow(incident: Incident, actor: Actor): Promise<PageNowResult> {
    if (incident.state === 'resolved') return { ok: false, message: `${incident.id} is resolved, so there is nobody to page for it.` };
    const now = this.options.clock.now();
    const who = actor.name ? `${actor.name} (${actor.userId})` : actor.userId;
    const reason = `paged from Slack by ${actor.userId}`;
    const event = this.outboxEvent(incident, 'trigger', { reason, at: now, actor: actor.userId, pagedBy: who });
    let outcome: 'enqueued' | 'closed';
    try {
      outcome = await this.options.queue.enqueueTrigger(event, this.queuedState(event), now);
    } catch (err) {
      this.options.logger.error(
        { err, incidentId: incident.id },
        `could not queue the page for ${incident.id}: the store did not answer. Check REDIS_URL and Redis`,
      );
      return { ok: false, message: `Could not page on-call for ${incident.id} just now. Try again in a moment, or call on-call directly.` };
    }
    if (outcome === 'closed') return { ok: false, message: `${incident.id} is resolved, so there is nobody to page for it.` };
    this.options.logger.info({ incidentId: incident.id, actor: actor.userId }, `paging on-call for ${incident.id}: ${reason}`);
    await this.afterEnqueue(incident.id);
    if (this.worker.currentRefusal()) {
      return {
        ok: false,
        message: `PagerDuty is refusing Lifeboat's settings, so the page for ${incident.id} could not go out; it is queued until an operator fixes them. Call on-call directly.`,
      };
    }
    return { ok: true, message: `Paging on-call for ${incident.id} now.` };
  }

  pagingState(incidentId: string): Promise<PagingState | null> {
    return this.options.queue.getState(incidentId);
  }

  subscribe(listener: PagingStateListener): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onAuthFailure(listener: PagingFailureListener): () => void {
    this.failureListeners.add(listener);
    return () => this.failureListeners.delete(listener);
  }

  /** Tells subscribers; a throwing listener must not break delivery. */
  private emitState(state: PagingState): void {
    for (const listener of this.stateListeners) {
      try {
        listener(state);
      } catch (err) {
        this.options.logger.error({ err, incidentId: state.incidentId }, 'paging state listener failed');
      }
    }
  }

  /** Tells failure listeners, once per failure (the worker calls it once). */
  private reportRefusal(error: PagingError): void {
    for (const listener of this.failureListeners) {
      try {
        listener(error);
      } catch (err) {
        this.options.logger.error({ err }, 'paging failure listener failed');
      }
    }
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  runOnce(): Promise<void> {
    return this.loop.runOnce();
  }

  private async afterEnqueue(incidentId: string): Promise<void> {
    await this.emitStoredState(incidentId);
    if (this.loop.isStarted) void this.loop.runOnce(); // deliver now rather than at the next poll
  }

  private async emitStoredState(incidentId: string): Promise<void> {
    if (this.stateListeners.size === 0) return;
    const state = await this.options.queue.getState(incidentId);
    if (state) this.emitState(state);
  }

  private async scheduleEscalation(incident: Incident, dueAt: number, afterMs: number): Promise<void> {
    const after = formatConfigDuration(afterMs);
    const reason = `${incident.severity} was not acknowledged within ${after}`;
    const event = this.outboxEvent(incident, 'trigger', { reason, at: dueAt, note: `unacknowledged for ${after}` });
    const scheduled: PagingState = {
      incidentId: incident.id,
      status: 'scheduled',
      at: this.options.clock.now(),
      reason: `${incident.severity} is below pageAt (${this.options.policy.pageAt}): on-call is paged if nobody acknowledges within ${after}`,
      escalationDueAt: dueAt,
    };
    const fired: PagingState = { incidentId: incident.id, status: 'queued', at: dueAt, reason };
    if ((await this.options.queue.scheduleEscalation(event, dueAt, scheduled, fired)) === 'scheduled') {
      await this.emitStoredState(incident.id);
    }
  }

  /** `at`: when the event happens (an escalation's due time); transient failures are retried for a day from then. */
  private outboxEvent(incident: Incident, action: OutboxEvent['action'], details: EventDetails): OutboxEvent {
    const { reason, at, actor, pagedBy, note } = details;
    const event =
      action === 'trigger'
        ? buildTrigger(incident, {
            check: this.checks.get(incident.checkId),
            reason,
            at,
            ...(pagedBy !== undefined && { pagedBy }),
            ...(note !== undefined && { note }),
            ...(this.options.policy.dedupPrefix !== undefined && { dedupPrefix: this.options.policy.dedupPrefix }),
          })
        : buildFollowUp(action, incident.id, this.options.policy.dedupPrefix);
    return {
      id: randomUUID(),
      incidentId: incident.id,
      action,
      event,
      queuedAt: at,
      reason,
      ...(actor !== undefined && { actor }),
    };
  }

  private queuedState(event: OutboxEvent): PagingState {
    return {
      incidentId: event.incidentId,
      status: 'queued',
      at: this.options.clock.now(),
      reason: event.reason,
      ...(event.actor !== undefined && { actor: event.actor }),
    };
  }
}
