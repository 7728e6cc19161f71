import { describe, expect, it } from 'vitest';
import { planStatusPageUpdate } from '../../../src/actions/plan-status-page-update.js';
import type { StatusPageRequest } from '../../../src/core/action-request.js';
import type { Config } from '../../../src/config/types.js';
import type { Incident } from '../../../src/core/incident.js';
import { ManualClock, MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';

const config = {
  statuspage: { provider: 'atlassian', pageId: 'abc123', components: { api: 'cmp_1', orders: 'cmp_2' } },
  checks: [{ id: 'api', component: 'api' }, { id: 'orders-lag' }],
} as unknown as Pick<Config, 'checks' | 'statuspage'>;
const ctx = { clock: new ManualClock(), newId: () => 'plan-1' };

function incident(extra: Partial<Incident> = {}): Incident {
  return {
    id: 'INC-4',
    checkId: 'api',
    severity: 'SEV2',
    state: 'open',
    revision: 1,
    openedAt: MANUAL_CLOCK_START - 60_000,
    updatedAt: MANUAL_CLOCK_START,
    summary: 'HTTP 503',
    measurement: { kind: 'http', status: 503, url: 'https://api.example.com/health' },
    peakSeverity: 'SEV2',
    ...extra,
  };
}

function request(extra: Partial<StatusPageRequest> = {}): StatusPageRequest {
  return { kind: 'statuspage', incidentId: 'INC-4', status: 'investigating', message: 'We are looking into errors on the API.', ...extra };
}

describe('planStatusPageUpdate', () => {
  it('plans one publish call whose input is exactly what goes public, the component status from the severity', () => {
    const plan = planStatusPageUpdate(request(), incident(), config, ctx);

    expect(plan).toEqual({
      id: 'plan-1',
      request: request(),
      title: 'Status page: investigating for INC-4',
      subject: 'INC-4',
      calls: [
        {
          id: 'publish',
          service: 'statuspage',
          operation: 'publish',
          input: {
            incidentId: 'INC-4',
            title: 'Service disruption: api',
            status: 'investigating',
            message: 'We are looking into errors on the API.',
            components: { api: 'partial_outage' },
          },
          description:
            'Publish "investigating" on the atlassian status page (api partial_outage): "We are looking into errors on the API."',
        },
      ],
      preflight: [{ name: 'incident', ok: true, observed: 'INC-4 is open (SEV2, api)', requirement: 'INC-4 exists' }],
      resources: ['statuspage:incident:INC-4'],
      destructive: false,
      warnings: [],
      createdAt: MANUAL_CLOCK_START,
    });
  });

  it.each([
    ['SEV1', 'major_outage'],
    ['SEV2', 'partial_outage'],
    ['SEV3', 'degraded_performance'],
    ['SEV4', 'operational'],
  ] as const)('shows a %s incident as %s', (severity, status) => {
    const plan = planStatusPageUpdate(request(), incident({ severity }), config, ctx);
    expect(plan.calls[0]?.input.components).toEqual({ api: status });
  });

  it('marks the component operational when publishing resolved, and warns when Lifeboat still has it open', () => {
    const plan = planStatusPageUpdate(request({ status: 'resolved', message: 'Fixed.' }), incident({ severity: 'SEV1' }), config, ctx);

    expect(plan.calls[0]?.input.components).toEqual({ api: 'operational' });
    expect(plan.warnings).toEqual(['INC-4 is still open in Lifeboat; this tells the public the problem is over.']);
  });

  it('uses the components the request names, and publishes only text for a check with no component', () => {
    const named = planStatusPageUpdate(request({ components: { orders: 'major_outage' } }), incident(), config, ctx);
    expect(named.calls[0]?.input).toMatchObject({ title: 'Service disruption: orders', components: { orders: 'major_outage' } });

    const bare = planStatusPageUpdate(request(), incident({ checkId: 'orders-lag' }), config, ctx);
    expect(bare.calls[0]?.input).toMatchObject({ title: 'Service disruption', components: {} });
    expect(bare.warnings).toEqual(['No status-page component is linked to orders-lag; only the incident text is published.']);
  });

  it('refuses a component the page does not have, listing the known ones', () => {
    expect(() => planStatusPageUpdate(request({ components: { billing: 'major_outage' } }), incident(), config, ctx)).toThrow(
      expect.objectContaining({
        code: 'LIFEBOAT_UNKNOWN_COMPONENT',
        message: 'Unknown status-page component "billing" (known components: api, orders).',
      }),
    );
  });
});
