import { TEST_ROUTING_KEY } from '../../doubles/pagerduty-events-nock.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/** The exact trigger the `api` check's SEV1 incident (results.ts `fail('SEV1')`) sends. */
export function apiTrigger(incidentId: string, at: number, openedAt = MANUAL_CLOCK_START, details: Record<string, unknown> = {}) {
  return {
    routing_key: TEST_ROUTING_KEY,
    event_action: 'trigger',
    dedup_key: incidentId,
    client: 'Lifeboat',
    payload: {
      summary: `SEV1 ${incidentId} api: HTTP 503 (expected 200)`,
      source: 'api.example.com',
      severity: 'critical',
      timestamp: iso(at),
      component: 'api',
      group: 'public-api',
      class: 'http',
      custom_details: {
        incident: incidentId,
        check: 'api',
        severity: 'SEV1',
        measured: 'HTTP 503 (expected 200)',
        measurement: { kind: 'http', status: 503, url: 'http://127.0.0.1/health' },
        opened_at: iso(openedAt),
        reason: 'SEV1 is at or above pageAt (SEV2)',
        ...details,
      },
    },
  };
}

/** The exact trigger of an `orders-lag` incident at `lagSeconds` (results.ts `lag()`). */
export function lagTrigger(options: {
  incidentId: string;
  severity: 'SEV2' | 'SEV3';
  lagSeconds: number;
  at: number;
  reason: string;
  note?: string;
  openedAt?: number;
}) {
  const { incidentId, severity, lagSeconds, at, reason, note, openedAt = MANUAL_CLOCK_START } = options;
  return {
    routing_key: TEST_ROUTING_KEY,
    event_action: 'trigger',
    dedup_key: incidentId,
    client: 'Lifeboat',
    payload: {
      summary: `${severity} ${incidentId} orders-lag: lag ${lagSeconds}s${note ? ` (${note})` : ''}`,
      source: 'cloudwatch:us-west-2:DBInstanceIdentifier=orders-replica',
      severity: severity === 'SEV2' ? 'error' : 'warning',
      timestamp: iso(at),
      component: 'orders-lag',
      class: 'replication-lag',
      custom_details: {
        incident: incidentId,
        check: 'orders-lag',
        severity,
        measured: `lag ${lagSeconds}s`,
        measurement: { kind: 'replication-lag', lagSeconds, metric: 'ReplicaLag' },
        opened_at: iso(openedAt),
        reason,
      },
    },
  };
}

/** An acknowledge or resolve, exactly. */
export function followUp(action: 'acknowledge' | 'resolve', incidentId: string) {
  return { routing_key: TEST_ROUTING_KEY, event_action: action, dedup_key: incidentId };
}
