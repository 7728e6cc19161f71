import { describe, expect, it } from 'vitest';
import type { CheckConfig } from '../../../src/config/types.js';
import type { Incident } from '../../../src/core/incident.js';
import type { Severity } from '../../../src/core/severity.js';
import { buildFollowUp, buildTrigger, eventSource, pagerDutySeverity, truncateSummary } from '../../../src/paging/build-event.js';

const T0 = Date.parse('2026-11-21T12:00:00Z');

function anIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'INC-7',
    checkId: 'api',
    severity: 'SEV1',
    state: 'open',
    revision: 1,
    openedAt: T0,
    updatedAt: T0,
    summary: 'HTTP 503 (expected 200)',
    measurement: { kind: 'http', status: 503, url: 'https://user:secret@api.example.com:8443/health?token=abc' },
    peakSeverity: 'SEV1',
    ...overrides,
  };
}

const httpCheck = {
  id: 'api',
  type: 'http',
  url: 'https://user:secret@api.example.com:8443/health?token=abc',
  method: 'GET',
  expect: { status: [200] },
  maxBodyBytes: 1024,
  everyMs: 15_000,
  timeoutMs: 5_000,
  severity: 'SEV1',
  failAfter: 2,
  recoverAfter: 2,
  component: 'public-api',
} satisfies CheckConfig;

describe('pagerDutySeverity', () => {
  it.each<[Severity, string]>([
    ['SEV1', 'critical'],
    ['SEV2', 'error'],
    ['SEV3', 'warning'],
    ['SEV4', 'info'],
  ])('%s is sent as %s', (severity, expected) => {
    expect(pagerDutySeverity(severity)).toBe(expected);
  });
});

describe('truncateSummary', () => {
  it('leaves a summary within 1024 characters alone', () => {
    const text = 'x'.repeat(1024);
    expect(truncateSummary(text)).toBe(text);
  });

  it('cuts a longer summary to exactly 1024 characters, ending in an ellipsis', () => {
    const cut = truncateSummary('y'.repeat(5000));
    expect(cut).toHaveLength(1024);
    expect(cut.endsWith('y…')).toBe(true);
  });

  it('never leaves half of a surrogate pair at the cut', () => {
    // The 1023rd code unit is the first half of an emoji: cut before the emoji, not through it.
    expect(truncateSummary(`${'a'.repeat(1022)}😀😀`)).toBe(`${'a'.repeat(1022)}…`);
    expect(truncateSummary(`${'a'.repeat(1021)}😀😀😀`)).toBe(`${'a'.repeat(1021)}😀…`);
  });
});

describe('eventSource', () => {
  it.each<[string, CheckConfig | undefined, string]>([
    ['http: the probed host and port, never credentials', httpCheck, 'api.example.com:8443'],
    [
      'replication lag: region and CloudWatch dimensions',
      {
        ...httpCheck,
        type: 'replication-lag',
        region: 'us-west-2',
        metric: 'ReplicaLag',
        dimensions: { DBInstanceIdentifier: 'orders-replica' },
        thresholdsMs: {},
        missingData: 'SEV3',
      } as CheckConfig,
      'cloudwatch:us-west-2:DBInstanceIdentifier=orders-replica',
    ],
    [
      'backup: region and database',
      { ...httpCheck, type: 'backup', region: 'us-east-1', dbCluster: 'orders-cluster', maxAgeMs: 1 } as CheckConfig,
      'rds:us-east-1:orders-cluster',
    ],
    ['a check no longer configured: the check id', undefined, 'lifeboat:api'],
  ])('%s', (_name, check, expected) => {
    expect(eventSource('api', check)).toBe(expected);
  });
});

describe('buildTrigger', () => {
  it('builds the trigger with the incident id as dedup_key, mapped severity and the measured value', () => {
    expect(buildTrigger(anIncident(), { check: httpCheck, reason: 'SEV1 is at or above pageAt (SEV2)', at: T0 + 5_000 })).toEqual({
      event_action: 'trigger',
      dedup_key: 'INC-7',
      client: 'Lifeboat',
      payload: {
        summary: 'SEV1 INC-7 api: HTTP 503 (expected 200)',
        source: 'api.example.com:8443',
        severity: 'critical',
        timestamp: '2026-11-21T12:00:05.000Z',
        component: 'api',
        group: 'public-api',
        class: 'http',
        custom_details: {
          incident: 'INC-7',
          check: 'api',
          severity: 'SEV1',
          measured: 'HTTP 503 (expected 200)',
          // Credentials and the query string stay out of a third party's records.
          measurement: { kind: 'http', status: 503, url: 'https://api.example.com:8443/health' },
          opened_at: '2026-11-21T12:00:00.000Z',
          reason: 'SEV1 is at or above pageAt (SEV2)',
        },
      },
    });
  });

  it('a readiness incident names its runbook as the component, grouped under DR readiness', () => {
    const incident = anIncident({
      checkId: 'readiness:failover:orders',
      severity: 'SEV3',
      summary: 'failover runbook orders would be refused now: target state: orders-replica is available and not a read replica',
      measurement: { kind: 'readiness', runbookKind: 'failover', runbook: 'orders', failing: 'target state' },
    });
    const event = buildTrigger(incident, { check: undefined, reason: 'SEV3 is at or above pageAt (SEV3)', at: T0 });
    expect(event).toMatchObject({ event_action: 'trigger', dedup_key: 'INC-7' });
    expect('payload' in event && event.payload).toMatchObject({
      summary:
        'SEV3 INC-7 readiness:failover:orders: failover runbook orders would be refused now: target state: orders-replica is available and not a read replica',
      source: 'lifeboat:readiness:failover:orders',
      severity: 'warning',
      component: 'failover runbook orders',
      group: 'DR readiness',
      class: 'readiness',
    });
  });

  it('a drill incident names its drill as the component, grouped under DR readiness', () => {
    const incident = anIncident({
      checkId: 'drill:orders-restore',
      severity: 'SEV3',
      summary: 'drill orders-restore invalid (DRL-7): the validation webhook answered 422',
      measurement: { kind: 'drill', drill: 'orders-restore', runId: 'DRL-7', result: 'invalid' },
    });
    const event = buildTrigger(incident, { check: undefined, reason: 'SEV3 is at or above pageAt (SEV3)', at: T0 });
    expect('payload' in event && event.payload).toMatchObject({
      source: 'lifeboat:drill:orders-restore',
      component: 'drill orders-restore',
      group: 'DR readiness',
      class: 'drill',
    });
  });

  it('names who paged by hand and adds the note to the summary', () => {
    const event = buildTrigger(anIncident({ severity: 'SEV4', measurement: { kind: 'demo', note: 'x' } }), {
      check: undefined,
      reason: 'paged from Slack by U0AAA',
      at: T0,
      pagedBy: 'Ana (U0AAA)',
      note: 'unacknowledged for 15m',
    });
    expect(event).toMatchObject({
      payload: {
        summary: 'SEV4 INC-7 api: HTTP 503 (expected 200) (unacknowledged for 15m)',
        severity: 'info',
        source: 'lifeboat:api',
        class: 'demo',
        custom_details: { paged_by: 'Ana (U0AAA)', measurement: { kind: 'demo', note: 'x' } },
      },
    });
    expect(event).not.toHaveProperty('payload.group');
  });

  it('keeps a huge measured value within the summary limit', () => {
    const event = buildTrigger(anIncident({ summary: 'z'.repeat(4000) }), { check: httpCheck, reason: 'r', at: T0 });
    expect(event.event_action === 'trigger' && event.payload.summary).toHaveLength(1024);
  });
});

describe('buildFollowUp', () => {
  it.each(['acknowledge', 'resolve'] as const)('%s carries only the action and the dedup_key', (action) => {
    expect(buildFollowUp(action, 'INC-7')).toEqual({ event_action: action, dedup_key: 'INC-7' });
  });
});
