import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../src/core/incident.js';
import type { Severity } from '../../../src/core/severity.js';
import { buildStatusView, type StatusViewInput } from '../../../src/statuspage/status-view.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const MIN = 60_000;
const componentOf = new Map([
  ['api', 'api'],
  ['web', 'web'],
]);

function open(id: string, checkId: string, severity: Severity, openedAt: number): Incident {
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
  };
}

function input(extra: Partial<StatusViewInput> = {}): StatusViewInput {
  return { title: 'Service status', componentNames: ['cdn', 'api', 'web'], components: {}, incidents: [], now: NOW, ...extra };
}

describe("buildStatusView with the monitor's incidents", () => {
  it('without the option the view has no monitor fields at all, whatever is open', () => {
    const view = buildStatusView(input());
    expect(view).toStrictEqual({
      title: 'Service status',
      generatedAt: '2026-11-21T12:00:00.000Z',
      status: { indicator: 'operational', description: 'All systems operational' },
      components: [
        { name: 'cdn', status: 'operational', updatedAt: null },
        { name: 'api', status: 'operational', updatedAt: null },
        { name: 'web', status: 'operational', updatedAt: null },
      ],
      incidents: [],
    });
  });

  it('with nothing open, components say where their status comes from and the list is empty', () => {
    const view = buildStatusView(
      input({
        components: { web: { status: 'degraded_performance', updatedAt: NOW - 5 * MIN } },
        monitor: { open: [], recent: [], componentOf },
      }),
    );
    expect(view.components).toStrictEqual([
      { name: 'cdn', status: 'operational', updatedAt: null, source: 'none', monitorIncidentIds: [] },
      { name: 'api', status: 'operational', updatedAt: null, source: 'none', monitorIncidentIds: [] },
      { name: 'web', status: 'degraded_performance', updatedAt: '2026-11-21T11:55:00.000Z', source: 'published', monitorIncidentIds: [] },
    ]);
    expect(view.monitorIncidents).toStrictEqual([]);
    expect(view.status).toStrictEqual({ indicator: 'degraded_performance', description: 'Degraded performance' });
  });

  it("a component follows its checks' open incidents (worst severity) and the overall status follows the components", () => {
    const view = buildStatusView(input({ monitor: { open: [open('INC-1', 'api', 'SEV2', NOW - 10 * MIN)], recent: [], componentOf } }));
    expect(view.components[1]).toStrictEqual({
      name: 'api',
      status: 'partial_outage',
      updatedAt: '2026-11-21T11:50:00.000Z',
      source: 'monitoring',
      monitorIncidentIds: ['INC-1'],
    });
    expect(view.status).toStrictEqual({ indicator: 'partial_outage', description: 'Partial outage' });
  });

  it.each([
    ["published after the incident opened: the person's word stands", NOW - 5 * MIN, 'published', 'degraded_performance'],
    ["published before the incident opened: the monitor's news is newer", NOW - 15 * MIN, 'monitoring', 'major_outage'],
    ['published in the same millisecond the incident opened: the monitor wins the tie', NOW - 10 * MIN, 'monitoring', 'major_outage'],
  ] as const)('a component status %s', (_case, publishedAt, source, status) => {
    const view = buildStatusView(
      input({
        components: { api: { status: 'degraded_performance', updatedAt: publishedAt } },
        monitor: { open: [open('INC-1', 'api', 'SEV1', NOW - 10 * MIN)], recent: [], componentOf },
      }),
    );
    expect(view.components[1]).toMatchObject({ name: 'api', status, source, monitorIncidentIds: ['INC-1'] });
  });

  it('a second incident opening after a publish hands the component back to the monitor', () => {
    const view = buildStatusView(
      input({
        components: { api: { status: 'operational', updatedAt: NOW - 20 * MIN } },
        monitor: {
          open: [open('INC-1', 'api', 'SEV3', NOW - 30 * MIN), open('INC-2', 'api', 'SEV2', NOW - 10 * MIN)],
          recent: [],
          componentOf,
        },
      }),
    );
    expect(view.components[1]).toMatchObject({ status: 'partial_outage', source: 'monitoring', updatedAt: '2026-11-21T11:50:00.000Z' });
  });

  it('an open incident on a check with no component says one was detected, without claiming an outage', () => {
    const view = buildStatusView(
      input({ monitor: { open: [open('INC-3', 'orders-backups', 'SEV2', NOW - MIN)], recent: [], componentOf } }),
    );
    expect(view.status).toStrictEqual({ indicator: 'operational', description: 'Incident detected by monitoring' });
    expect(view.components.every((c) => c.status === 'operational')).toBe(true);
    expect(view.monitorIncidents?.map((i) => i.id)).toEqual(['INC-3']);
  });

  it('a published active incident still reads "Incident in progress" beside detected ones', () => {
    const view = buildStatusView(
      input({
        incidents: [{ id: 'INC-3', title: 'Backups late', status: 'identified', createdAt: NOW - MIN, updatedAt: NOW - MIN, updates: [] }],
        monitor: { open: [open('INC-3', 'orders-backups', 'SEV2', NOW - 2 * MIN)], recent: [], componentOf },
      }),
    );
    expect(view.status.description).toBe('Incident in progress');
  });
});
