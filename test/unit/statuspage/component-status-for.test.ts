import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/parse-config.js';
import type { Incident } from '../../../src/core/incident.js';
import type { Severity } from '../../../src/core/severity.js';
import {
  componentStatusFor,
  deriveComponentStatuses,
  impactFor,
  worstComponentStatus,
} from '../../../src/statuspage/component-status-for.js';

const config = (() => {
  const result = parseConfig(
    `
checks:
  - { id: api, type: http, url: "https://api.example.com/health", every: 15s, severity: SEV1, component: api }
  - { id: api-eu, type: http, url: "https://eu.api.example.com/health", every: 15s, severity: SEV2, component: api }
  - { id: web, type: http, url: "https://www.example.com/", every: 15s, severity: SEV2, component: web }
  - { id: internal, type: http, url: "https://internal.example.com/", every: 15s, severity: SEV3 }
`,
    {},
  );
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config;
})();

function incident(id: string, checkId: string, severity: Severity, state: Incident['state'] = 'open'): Incident {
  return {
    id,
    checkId,
    severity,
    state,
    revision: 1,
    openedAt: 0,
    updatedAt: 0,
    summary: 'HTTP 503',
    measurement: { kind: 'http', status: 503, url: 'https://api.example.com/health' },
    peakSeverity: severity,
  };
}

describe('componentStatusFor and impactFor', () => {
  it.each([
    ['SEV1', 'major_outage', 'critical'],
    ['SEV2', 'partial_outage', 'major'],
    ['SEV3', 'degraded_performance', 'minor'],
    ['SEV4', 'operational', 'none'],
  ] as const)('%s shows the component as %s with impact %s', (severity, status, impact) => {
    expect(componentStatusFor(severity)).toBe(status);
    expect(impactFor(severity)).toBe(impact);
  });

  it('the worst of several statuses wins, and no statuses means operational', () => {
    expect(worstComponentStatus(['degraded_performance', 'major_outage', 'partial_outage'])).toBe('major_outage');
    expect(worstComponentStatus(['operational', 'degraded_performance'])).toBe('degraded_performance');
    expect(worstComponentStatus([])).toBe('operational');
  });
});

describe('deriveComponentStatuses', () => {
  it("sets the incident's component from its severity", () => {
    const inc = incident('INC-1', 'web', 'SEV2');
    expect(deriveComponentStatuses({ incident: inc, status: 'investigating', checks: config.checks, openIncidents: [inc] })).toEqual({
      web: 'partial_outage',
    });
  });

  it('takes the worst open incident among every check speaking for the same component', () => {
    const mild = incident('INC-2', 'api-eu', 'SEV3');
    const worse = incident('INC-1', 'api', 'SEV1');
    expect(deriveComponentStatuses({ incident: mild, status: 'identified', checks: config.checks, openIncidents: [worse, mild] })).toEqual({
      api: 'major_outage',
    });
  });

  it('resolving sets the component operational when no other open incident affects it', () => {
    const inc = incident('INC-1', 'web', 'SEV1');
    expect(deriveComponentStatuses({ incident: inc, status: 'resolved', checks: config.checks, openIncidents: [inc] })).toEqual({
      web: 'operational',
    });
  });

  it("resolving keeps the component degraded by another check's open incident", () => {
    const resolving = incident('INC-1', 'api', 'SEV1');
    const other = incident('INC-2', 'api-eu', 'SEV3');
    expect(
      deriveComponentStatuses({ incident: resolving, status: 'resolved', checks: config.checks, openIncidents: [resolving, other] }),
    ).toEqual({ api: 'degraded_performance' });
  });

  it('an incident the monitor already resolved no longer counts against its component', () => {
    const resolvedByMonitor = incident('INC-1', 'web', 'SEV1', 'resolved');
    expect(
      deriveComponentStatuses({ incident: resolvedByMonitor, status: 'monitoring', checks: config.checks, openIncidents: [] }),
    ).toEqual({ web: 'operational' });
  });

  it('an incident whose check speaks for no component affects no component', () => {
    const inc = incident('INC-1', 'internal', 'SEV1');
    expect(deriveComponentStatuses({ incident: inc, status: 'investigating', checks: config.checks, openIncidents: [inc] })).toEqual({});
  });
});
