import type { EventAction, EventsApiEvent } from './events-api-event.js';

/** One event waiting in the paging queue for delivery to PagerDuty. */
export interface OutboxEvent {
  /** Unique per queued event, for logs. */
  id: string;
  incidentId: string;
  action: EventAction;
  event: EventsApiEvent;
  /** Epoch ms when it was queued; bounds how long transient failures are retried. */
  queuedAt: number;
  /** Why it was queued, for the paging state: "SEV1 is at or above pageAt (SEV2)". */
  reason: string;
  /** Slack user id when a person caused it. */
  actor?: string;
}

/** True when `value` has the shape of an OutboxEvent (queue values are checked on read). */
export function isOutboxEvent(value: unknown): value is OutboxEvent {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const event = v.event as Record<string, unknown> | undefined;
  return (
    typeof v.id === 'string' &&
    typeof v.incidentId === 'string' &&
    (v.action === 'trigger' || v.action === 'acknowledge' || v.action === 'resolve') &&
    typeof v.queuedAt === 'number' &&
    typeof v.reason === 'string' &&
    typeof event === 'object' &&
    event !== null &&
    event.event_action === v.action &&
    typeof event.dedup_key === 'string'
  );
}
