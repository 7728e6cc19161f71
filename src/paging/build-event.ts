import type { CheckConfig } from '../config/types.js';
import type { Measurement } from '../core/check-result.js';
import type { Incident } from '../core/incident.js';
import type { Severity } from '../core/severity.js';
import { dedupKey } from './dedup-key.js';
import { SUMMARY_MAX_CHARS, type EventSeverity, type EventsApiEvent } from './events-api-event.js';

/** `client` on every trigger: PagerDuty shows it as the monitoring tool that sent the alert. */
export const EVENT_CLIENT = 'Lifeboat';

const SEVERITY_MAP: Record<Severity, EventSeverity> = {
  SEV1: 'critical',
  SEV2: 'error',
  SEV3: 'warning',
  SEV4: 'info',
};

/** SPEC §7: SEV1 critical, SEV2 error, SEV3 warning, SEV4 info. */
export function pagerDutySeverity(severity: Severity): EventSeverity {
  return SEVERITY_MAP[severity];
}

/** Cuts `text` to the Events API's 1024-character summary limit, marking the cut with an ellipsis. */
export function truncateSummary(text: string, max = SUMMARY_MAX_CHARS): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  // Never split a surrogate pair: half an emoji is not a character PagerDuty would accept.
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}

/**
 * `payload.source`, "the unique location of the affected system, preferably a hostname or FQDN"
 * (PagerDuty Events API v2): the probed host, the replica's CloudWatch dimensions, or the database.
 */
export function eventSource(checkId: string, check: CheckConfig | undefined): string {
  switch (check?.type) {
    case 'http': {
      const url = parseUrl(check.url);
      return url ? url.host : `lifeboat:${checkId}`;
    }
    case 'replication-lag': {
      const dimensions = Object.entries(check.dimensions).map(([name, value]) => `${name}=${value}`);
      return `cloudwatch:${check.region}:${dimensions.join(',')}`;
    }
    case 'backup':
      return `rds:${check.region}:${check.dbInstance ?? check.dbCluster ?? checkId}`;
    default:
      return `lifeboat:${checkId}`;
  }
}

/** What a trigger needs besides the incident. */
export interface TriggerContext {
  /** The incident's check as configured; absent if it was removed from the config since. */
  check: CheckConfig | undefined;
  /** Why on-call is paged: "SEV1 is at or above pageAt (SEV2)". */
  reason: string;
  /** Epoch ms the event describes (payload.timestamp). */
  at: number;
  /** Slack user id of the person who paged by hand. */
  pagedBy?: string;
  /** Added to the summary in brackets, e.g. "unacknowledged for 15m". */
  note?: string;
  /** `pagerduty.dedupPrefix`. */
  dedupPrefix?: string;
}

/** Builds a trigger for `incident`; dedup_key is the (prefixed) incident id, so later events find the same alert. */
export function buildTrigger(incident: Incident, context: TriggerContext): EventsApiEvent {
  const { check, reason, at, pagedBy, note, dedupPrefix } = context;
  const summary = `${incident.severity} ${incident.id} ${incident.checkId}: ${incident.summary}${note ? ` (${note})` : ''}`;
  return {
    event_action: 'trigger',
    dedup_key: dedupKey(incident.id, dedupPrefix),
    client: EVENT_CLIENT,
    payload: {
      summary: truncateSummary(summary),
      source: eventSource(incident.checkId, check),
      severity: pagerDutySeverity(incident.severity),
      timestamp: new Date(at).toISOString(),
      // A readiness incident is about a runbook, not a check: on-call sees which one at a glance.
      ...componentOf(incident, check),
      class: check?.type ?? incident.measurement.kind,
      custom_details: {
        incident: incident.id,
        check: incident.checkId,
        severity: incident.severity,
        measured: incident.summary,
        measurement: safeMeasurement(incident.measurement),
        opened_at: new Date(incident.openedAt).toISOString(),
        reason,
        ...(pagedBy !== undefined && { paged_by: pagedBy }),
      },
    },
  };
}

function componentOf(incident: Incident, check: TriggerContext['check']): { component: string; group?: string } {
  const m = incident.measurement;
  if (m.kind === 'readiness') return { component: `${m.runbookKind} runbook ${m.runbook}`, group: 'DR readiness' };
  if (m.kind === 'drill') return { component: `drill ${m.drill}`, group: 'DR readiness' };
  return { component: incident.checkId, ...(check?.component !== undefined && { group: check.component }) };
}

/** An acknowledge or resolve for the alert keyed by the (prefixed) incident id. */
export function buildFollowUp(action: 'acknowledge' | 'resolve', incidentId: string, dedupPrefix?: string): EventsApiEvent {
  return { event_action: action, dedup_key: dedupKey(incidentId, dedupPrefix) };
}

// A health URL may carry credentials or a token in its query; PagerDuty is a third party.
function safeMeasurement(measurement: Measurement): Measurement {
  if (measurement.kind !== 'http') return measurement;
  const url = parseUrl(measurement.url);
  return { ...measurement, url: url ? `${url.protocol}//${url.host}${url.pathname}` : '(unparsable URL)' };
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
