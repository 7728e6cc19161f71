import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../src/core/incident.js';
import type { Severity } from '../../../src/core/severity.js';
import {
  MONITOR_RESOLVED_LIMIT,
  MONITOR_RESOLVED_WINDOW_MS,
  monitorComponentStatuses,
  selectMonitorIncidents,
} from '../../../src/statuspage/monitor-incidents.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const MIN = 60_000;
const componentOf = new Map([
  ['api', 'api'],
  ['api-eu', 'api'],
  ['web', 'web'],
]);

function incident(id: string, checkId: string, severity: Severity, openedAt: number, extra: Partial<Incident> = {}): Incident {
  return {
    id,
    checkId,
    severity,
    peakSeverity: severity,
    state: 'open',
    revision: 1,
    openedAt,
    updatedAt: openedAt,
    summary: 'HTTP 503 in 4ms',
    measurement: { kind: 'http', status: 503, url: 'https://api.example.com/health' },
    ...extra,
  };
}

function resolved(id: string, checkId: string, openedAt: number, resolvedAt: number, extra: Partial<Incident> = {}): Incident {
  return incident(id, checkId, 'SEV3', openedAt, {
    state: 'resolved',
    resolvedAt,
    updatedAt: resolvedAt,
    summary: 'HTTP 200 in 3ms',
    ...extra,
  });
}

describe('selectMonitorIncidents', () => {
  it('leaves readiness incidents off the page, open or resolved: a runbook that would be refused is not an outage', () => {
    const measurement = { kind: 'readiness' as const, runbookKind: 'failover' as const, runbook: 'orders', failing: 'target state' };
    const notReady = incident('INC-8', 'readiness:failover:orders', 'SEV3', NOW - 5 * MIN, { measurement });
    const wasNotReady = resolved('INC-6', 'readiness:restore:orders', NOW - 90 * MIN, NOW - 30 * MIN, { measurement });
    const outage = incident('INC-9', 'api', 'SEV2', NOW - MIN);
    const shown = selectMonitorIncidents({ open: [notReady, outage], recent: [outage, notReady, wasNotReady], componentOf, now: NOW });
    expect(shown.map((i) => i.id)).toEqual(['INC-9']);
  });

  it('leaves drill incidents off the page: a backup that did not restore in a drill is not an outage', () => {
    const measurement = { kind: 'drill' as const, drill: 'orders-restore', runId: 'DRL-7', result: 'invalid' as const };
    const drill = incident('INC-4', 'drill:orders-restore', 'SEV3', NOW - 5 * MIN, { measurement });
    const outage = incident('INC-9', 'api', 'SEV2', NOW - MIN);
    expect(selectMonitorIncidents({ open: [drill, outage], recent: [outage, drill], componentOf, now: NOW }).map((i) => i.id)).toEqual([
      'INC-9',
    ]);
  });

  it('leaves declared incidents off the page: their title reaches the public only through an approved post', () => {
    const measurement = { kind: 'declared' as const, title: 'Card processor returns errors', declaredBy: 'U0AAA' };
    const declared = incident('INC-3', 'declared:card-processor-returns-errors', 'SEV1', NOW - 5 * MIN, { measurement });
    const outage = incident('INC-9', 'api', 'SEV2', NOW - MIN);
    expect(
      selectMonitorIncidents({ open: [declared, outage], recent: [outage, declared], componentOf, now: NOW }).map((i) => i.id),
    ).toEqual(['INC-9']);
  });

  it('gives each incident its check, component, state, severities, impact, measured value and times', () => {
    const open = incident('INC-7', 'api', 'SEV2', NOW - 12 * MIN, { state: 'acknowledged', acknowledgedBy: 'U0AAA', peakSeverity: 'SEV1' });
    const done = resolved('INC-5', 'backups', NOW - 90 * MIN, NOW - 30 * MIN, { peakSeverity: 'SEV2' });
    expect(selectMonitorIncidents({ open: [open], recent: [open, done], componentOf, now: NOW })).toStrictEqual([
      {
        id: 'INC-7',
        checkId: 'api',
        component: 'api',
        state: 'acknowledged',
        severity: 'SEV2',
        peakSeverity: 'SEV1',
        impact: 'partial_outage',
        summary: 'HTTP 503 in 4ms',
        openedAt: '2026-11-21T11:48:00.000Z',
        resolvedAt: null,
      },
      {
        id: 'INC-5',
        checkId: 'backups',
        component: null,
        state: 'resolved',
        severity: 'SEV3',
        peakSeverity: 'SEV2',
        impact: 'degraded_performance',
        summary: 'HTTP 200 in 3ms',
        openedAt: '2026-11-21T10:30:00.000Z',
        resolvedAt: '2026-11-21T11:30:00.000Z',
      },
    ]);
  });

  it('lists open incidents worst severity first, then the newest first, then recently resolved ones', () => {
    const open = [
      incident('INC-1', 'web', 'SEV3', NOW - 50 * MIN),
      incident('INC-2', 'api', 'SEV1', NOW - 40 * MIN),
      incident('INC-3', 'api-eu', 'SEV3', NOW - 10 * MIN),
      incident('INC-9', 'db', 'SEV1', NOW - 5 * MIN),
      incident('INC-10', 'dns', 'SEV1', NOW - 5 * MIN),
    ];
    const recent = [resolved('INC-4', 'web', NOW - 200 * MIN, NOW - 100 * MIN), resolved('INC-8', 'db', NOW - 30 * MIN, NOW - 20 * MIN)];
    expect(selectMonitorIncidents({ open, recent, componentOf, now: NOW }).map((i) => i.id)).toEqual([
      'INC-9',
      'INC-10',
      'INC-2',
      'INC-3',
      'INC-1',
      'INC-8',
      'INC-4',
    ]);
  });

  it('keeps resolved incidents for 24 hours after they resolved, not after they opened', () => {
    const recent = [
      resolved('INC-1', 'api', NOW - 3 * MONITOR_RESOLVED_WINDOW_MS, NOW - MONITOR_RESOLVED_WINDOW_MS), // exactly 24 h ago: still shown
      resolved('INC-2', 'api', NOW - 2 * MONITOR_RESOLVED_WINDOW_MS, NOW - MONITOR_RESOLVED_WINDOW_MS - 1),
    ];
    expect(selectMonitorIncidents({ open: [], recent, componentOf, now: NOW }).map((i) => i.id)).toEqual(['INC-1']);
  });

  it('shows at most 20 resolved incidents, the most recently resolved first', () => {
    const recent = Array.from({ length: 30 }, (_, n) => resolved(`INC-${n + 1}`, 'api', NOW - 60 * MIN, NOW - (30 - n) * MIN));
    const shown = selectMonitorIncidents({ open: [], recent, componentOf, now: NOW });
    expect(MONITOR_RESOLVED_LIMIT).toBe(20);
    expect(shown.map((i) => i.id)).toEqual(Array.from({ length: 20 }, (_, n) => `INC-${30 - n}`));
  });

  it('ignores open incidents in the recent list (they are listed once, as open) and resolved ones in the open list', () => {
    const open = incident('INC-2', 'api', 'SEV2', NOW - MIN);
    const stale = resolved('INC-1', 'api', NOW - 9 * MIN, NOW - 5 * MIN);
    const shown = selectMonitorIncidents({ open: [open, stale], recent: [open, stale], componentOf, now: NOW });
    expect(shown.map((i) => [i.id, i.state])).toEqual([
      ['INC-2', 'open'],
      ['INC-1', 'resolved'],
    ]);
  });
});

describe('monitorComponentStatuses', () => {
  it('sets each component to the worst open severity among its checks, since the newest of them opened', () => {
    const statuses = monitorComponentStatuses(
      [
        incident('INC-1', 'api', 'SEV3', NOW - 30 * MIN),
        incident('INC-2', 'api-eu', 'SEV1', NOW - 20 * MIN, { state: 'acknowledged' }),
        incident('INC-3', 'web', 'SEV4', NOW - 10 * MIN),
        incident('INC-4', 'backups', 'SEV1', NOW - 5 * MIN), // speaks for no component
      ],
      componentOf,
    );
    expect(Object.fromEntries(statuses)).toStrictEqual({
      api: { status: 'major_outage', since: NOW - 20 * MIN, incidentIds: ['INC-2', 'INC-1'] },
      web: { status: 'operational', since: NOW - 10 * MIN, incidentIds: ['INC-3'] },
    });
  });

  it('leaves out resolved incidents and components with nothing open', () => {
    const statuses = monitorComponentStatuses([resolved('INC-1', 'api', NOW - 9 * MIN, NOW - MIN)], componentOf);
    expect(statuses.size).toBe(0);
  });
});
