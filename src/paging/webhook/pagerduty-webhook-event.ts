/**
 * What Lifeboat reads from a PagerDuty V3 webhook delivery ("Webhook Payload"): one `event` with
 * `event_type`, `agent` ("who or what initiated the event. A null value might indicate an event
 * triggered via automation") and `data`, the incident, whose `incident_key` is the dedup_key of
 * the event that opened it. Anything else in the payload is ignored.
 */
export interface PagerDutyWebhookEvent {
  id: string;
  type: string;
  /** `agent.summary`, the user's name; null when automation acted. */
  agentName: string | null;
  /** `data.incident_key`; null when the event is not about an incident or has none. */
  incidentKey: string | null;
  /** `data.html_url`, for the log. */
  incidentUrl: string | null;
}

/** The event in a parsed webhook body, or null when the body is not a V3 webhook. */
export function readWebhookEvent(body: unknown): PagerDutyWebhookEvent | null {
  const event = field(body, 'event');
  const type = field(event, 'event_type');
  if (typeof type !== 'string') return null;
  const id = field(event, 'id');
  const data = field(event, 'data');
  return {
    id: typeof id === 'string' ? id : '',
    type,
    agentName: stringOrNull(field(field(event, 'agent'), 'summary')),
    incidentKey: stringOrNull(field(data, 'incident_key')),
    incidentUrl: stringOrNull(field(data, 'html_url')),
  };
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
