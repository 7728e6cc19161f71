import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import type { EventsApi, SendResult } from './events-api-client.js';
import type { EventLink, EventsApiBody } from './events-api-event.js';
import type { OutboxEvent } from './outbox-event.js';
import type { OutboxClaim, PagingQueue } from './paging-queue.js';
import { PagingError } from './paging-error.js';
import type { PagingMetrics } from '../observability/metrics.js';
import type { PagingState, PagingStatus } from './paging-state.js';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './retry-delay.js';

/** Finds the Slack message of an incident, for the trigger's links; undefined when not posted. */
export type SlackLinkLookup = (incidentId: string) => string | undefined | Promise<string | undefined>;

export interface DeliveryWorkerOptions {
  queue: PagingQueue;
  api: EventsApi;
  /** Added to each body at send time only: the key is never stored in the queue. */
  routingKey: string;
  clock: Clock;
  logger: Logger;
  metrics: PagingMetrics;
  random: () => number;
  slackLinkFor?: SlackLinkLookup;
  /** Claim lifetime; longer than a request's timeout so a live sender's claim never lapses. */
  leaseMs: number;
  retry?: RetryPolicy;
  /** Transient failures are retried until an event is this old, then it is dropped as failed. */
  maxEventAgeMs: number;
  /** Escalations promoted and events sent per run, so one run cannot spin. */
  batchLimit: number;
  onStateChange: (state: PagingState) => void;
  /** Called once, when PagerDuty first refuses the key or endpoint. */
  onRefused: (error: PagingError) => void;
  /** Called once per page (a trigger PagerDuty accepted, an escalation timer fired), for the audit log. */
  onPageEvent?: (page: PageAuditEvent) => void;
}

/** A page, as the audit log records it: each is reported by the one replica that completed it. */
export interface PageAuditEvent {
  kind: 'delivered' | 'escalation-fired';
  incidentId: string;
  at: number;
  reason: string;
  /** The person who pressed Page, when one did. */
  actor?: string;
}

const DELIVERED_STATUS: Record<OutboxEvent['action'], PagingStatus> = {
  trigger: 'triggered',
  acknowledge: 'acknowledged',
  resolve: 'resolved',
};

/**
 * Takes due events from the paging queue and sends them, one incident's head at a time. Delivery
 * is at least once: a crash after PagerDuty accepted an event but before it was removed re-sends
 * it once the claim's lease lapses, which PagerDuty absorbs: a trigger with the same dedup_key
 * adds to the open alert instead of opening another, and acknowledge/resolve are idempotent.
 * Otherwise an event is re-sent only after a failed attempt, so an outage sends nothing twice.
 */
export class DeliveryWorker {
  private refusal: PagingError | null = null;

  constructor(private readonly options: DeliveryWorkerOptions) {}

  /** The configuration failure that stopped delivery in this process, if any. */
  currentRefusal(): PagingError | null {
    return this.refusal;
  }

  /** Promotes due escalations, then delivers what is due; returns the number of events sent. */
  async runOnce(signal: AbortSignal): Promise<number> {
    const { queue, clock, batchLimit, leaseMs } = this.options;
    const promoted = await queue.promoteDueEscalations(clock.now(), batchLimit);
    for (const incidentId of promoted) {
      this.options.logger.info({ incidentId }, `${incidentId} not acknowledged in time: paging on-call`);
      this.options.onPageEvent?.({ kind: 'escalation-fired', incidentId, at: clock.now(), reason: 'not acknowledged in time' });
      await this.emitState(incidentId);
    }
    let sent = 0;
    while (sent < batchLimit && !this.refusal && !signal.aborted) {
      const claim = await queue.claimNext(clock.now(), leaseMs);
      if (!claim) break;
      await this.deliver(claim, signal);
      sent += 1;
    }
    return sent;
  }

  private async deliver(claim: OutboxClaim, signal: AbortSignal): Promise<void> {
    const body = await this.bodyFor(claim.event);
    const result = await this.options.api.send(body, signal);
    switch (result.kind) {
      case 'accepted':
        return this.delivered(claim);
      case 'rejected':
        return this.rejected(claim, result, body);
      case 'refused':
        return this.refused(claim, result);
      case 'transient':
        return this.transient(claim, result);
      case 'aborted':
        // Shutting down: hand it back now so another replica sends it without waiting out the lease.
        await this.options.queue.reschedule(claim, this.options.clock.now(), claim.attempts, null);
        return;
    }
  }

  private async delivered(claim: OutboxClaim): Promise<void> {
    const { event } = claim;
    const now = this.options.clock.now();
    const state: PagingState = {
      incidentId: claim.incidentId,
      status: DELIVERED_STATUS[event.action],
      at: now,
      reason: event.reason,
      ...(event.actor !== undefined && { actor: event.actor }),
    };
    this.options.metrics.events.inc({ action: event.action, outcome: 'delivered' });
    this.options.logger.info(
      { incidentId: claim.incidentId, action: event.action, attempts: claim.attempts + 1 },
      `PagerDuty accepted the ${event.action} for ${claim.incidentId}`,
    );
    if (!(await this.options.queue.complete(claim, state, now))) return;
    this.options.onStateChange(state);
    if (event.action === 'trigger') {
      this.options.onPageEvent?.({
        kind: 'delivered',
        incidentId: claim.incidentId,
        at: now,
        reason: event.reason,
        ...(event.actor !== undefined && { actor: event.actor }),
      });
    }
  }

  private async rejected(claim: OutboxClaim, result: Extract<SendResult, { kind: 'rejected' }>, body: EventsApiBody): Promise<void> {
    const { event } = claim;
    const now = this.options.clock.now();
    const said = [result.message, ...result.errors].join('; ');
    const { routing_key: _secret, ...withoutKey } = body;
    this.options.metrics.events.inc({ action: event.action, outcome: 'dropped' });
    this.options.logger.error(
      {
        incidentId: claim.incidentId,
        action: event.action,
        httpStatus: result.status,
        apiMessage: result.message,
        apiErrors: result.errors,
        event: withoutKey,
      },
      `PagerDuty refused the ${event.action} for ${claim.incidentId} (HTTP ${result.status}: ${said}); dropped, as retrying ` +
        'cannot fix it. The event is in this line (without the routing key): report it as a Lifeboat bug',
    );
    const state = this.stateOf(claim, 'failed', now, `PagerDuty refused the ${event.action} (HTTP ${result.status}: ${said})`);
    if (await this.options.queue.complete(claim, state, now)) this.options.onStateChange(state);
  }

  private async refused(claim: OutboxClaim, result: Extract<SendResult, { kind: 'refused' }>): Promise<void> {
    const now = this.options.clock.now();
    const code = result.status === 404 || result.status === 405 ? 'LIFEBOAT_PAGING_ENDPOINT_REFUSED' : 'LIFEBOAT_PAGING_KEY_REFUSED';
    const what = code === 'LIFEBOAT_PAGING_KEY_REFUSED' ? "Lifeboat's routing key" : 'the Events API address';
    const error = new PagingError(
      code,
      `PagerDuty refuses ${what} (HTTP ${result.status}), so nobody can be paged`,
      result.hint,
      result.status,
      now,
    );
    // The event stays queued (and every later one with it): a restart with the fixed setting sends them.
    const state = this.stateOf(claim, 'failed', now, `${error.message}; the page is queued until it is fixed`);
    if (await this.options.queue.reschedule(claim, now, claim.attempts, state)) this.options.onStateChange(state);
    this.options.metrics.events.inc({ action: claim.event.action, outcome: 'refused' });
    if (this.refusal) return;
    this.refusal = error;
    this.options.logger.error(
      { code, httpStatus: result.status, apiMessage: result.message, hint: result.hint },
      `${error.message}: ${result.hint}. Paging stops in this process until it is restarted; queued events are kept`,
    );
    this.options.onRefused(error);
  }

  private async transient(claim: OutboxClaim, result: Extract<SendResult, { kind: 'transient' }>): Promise<void> {
    const { queue, clock, random, retry = DEFAULT_RETRY_POLICY, maxEventAgeMs } = this.options;
    const { event } = claim;
    const now = clock.now();
    const attempts = claim.attempts + 1;
    if (now - event.queuedAt >= maxEventAgeMs) {
      const state = this.stateOf(claim, 'failed', now, `gave up after ${attempts} attempts: ${result.message}`);
      this.options.metrics.events.inc({ action: event.action, outcome: 'dropped' });
      this.options.logger.error(
        { incidentId: claim.incidentId, action: event.action, attempts },
        `${state.reason}; ${event.action} for ${claim.incidentId} dropped`,
      );
      if (await queue.complete(claim, state, now)) this.options.onStateChange(state);
      return;
    }
    const delayMs = retryDelayMs(attempts, random, result.retryAfterMs, retry);
    const retryAt = now + delayMs;
    const base = claim.state ?? this.stateOf(claim, 'queued', now, event.reason);
    const state: PagingState = { ...base, retrying: { attempts, lastError: result.message, nextAttemptAt: retryAt } };
    // A 429 is about our integration key, not this incident: hold every send, on every replica.
    const pauseAllUntil = result.status === 429 ? retryAt : undefined;
    this.options.metrics.events.inc({ action: event.action, outcome: 'retried' });
    this.options.logger.warn(
      { incidentId: claim.incidentId, action: event.action, attempts, retryInMs: delayMs, reason: result.message },
      `PagerDuty ${event.action} for ${claim.incidentId} failed (${result.message}); retrying in ${delayMs} ms`,
    );
    if (await queue.reschedule(claim, retryAt, attempts, state, pauseAllUntil)) this.options.onStateChange(state);
  }

  private stateOf(claim: OutboxClaim, status: PagingStatus, at: number, reason: string): PagingState {
    const actor = claim.event.actor;
    return { incidentId: claim.incidentId, status, at, reason, ...(actor !== undefined && { actor }) };
  }

  private async bodyFor(event: OutboxEvent): Promise<EventsApiBody> {
    const body: EventsApiBody = { ...event.event, routing_key: this.options.routingKey };
    if (event.action !== 'trigger' || !this.options.slackLinkFor) return body;
    let href: string | undefined;
    try {
      href = await this.options.slackLinkFor(event.incidentId);
    } catch (err) {
      // The page matters more than the link.
      this.options.logger.warn({ err, incidentId: event.incidentId }, 'could not look up the Slack message link; paging without it');
    }
    const links: EventLink[] = href ? [{ href, text: `Slack: ${event.incidentId}` }] : [];
    return links.length > 0 ? { ...body, links } : body;
  }

  private async emitState(incidentId: string): Promise<void> {
    const state = await this.options.queue.getState(incidentId);
    if (state) this.options.onStateChange(state);
  }
}
