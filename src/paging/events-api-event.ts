/*
 * PagerDuty Events API v2 alert events (POST {base}/v2/enqueue), as documented in
 * PagerDuty/developer-docs docs/events-API-v2/02-Trigger-Events.md:
 * - `payload.summary`: "The maximum permitted length of this property is 1024 characters."
 * - `dedup_key`: "The maximum permitted length of this property is 255 characters."
 * - `payload.severity`: `critical`, `error`, `warning` or `info`.
 * - acknowledge / resolve carry only routing_key, dedup_key and event_action.
 */

export type EventAction = 'trigger' | 'acknowledge' | 'resolve';

export type EventSeverity = 'critical' | 'error' | 'warning' | 'info';

/** Events API v2 limit on `payload.summary`, in characters. */
export const SUMMARY_MAX_CHARS = 1024;

/** Events API v2 limit on `dedup_key`, in characters. */
export const DEDUP_KEY_MAX_CHARS = 255;

export interface EventLink {
  href: string;
  text?: string;
}

export interface TriggerPayload {
  summary: string;
  source: string;
  severity: EventSeverity;
  /** ISO 8601. */
  timestamp: string;
  component?: string;
  group?: string;
  class?: string;
  custom_details: Record<string, unknown>;
}

/**
 * An event body without `routing_key`: the key is a secret, so it is added only when the request
 * is made and never stored in the queue. Links are added at send time too (the Slack message may
 * be posted after the event is queued).
 */
export type EventsApiEvent =
  | { event_action: 'trigger'; dedup_key: string; client: string; payload: TriggerPayload }
  | { event_action: 'acknowledge' | 'resolve'; dedup_key: string };

/** The request body as sent. */
export type EventsApiBody = EventsApiEvent & { routing_key: string; links?: EventLink[] };
