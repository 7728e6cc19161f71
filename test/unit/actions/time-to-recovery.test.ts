import { describe, expect, it } from 'vitest';
import { timeToRecovery } from '../../../src/actions/time-to-recovery.js';
import type { Incident } from '../../../src/core/incident.js';
import type { Plan, PlannedCall } from '../../../src/core/plan.js';
import { silentLogger } from '../../../src/observability/logger.js';

const T = Date.parse('2026-12-07T04:00:00Z');

const VERIFY = {
  id: 'verify',
  service: 'lifeboat',
  operation: 'Verify',
  input: { checks: [{ check: 'api', passes: 'GET https://api.example.com/health answers 200' }], withinMs: 600_000 },
  description: 'Verify api',
  wait: { until: 'verified', timeoutMs: 600_000 },
} as unknown as PlannedCall;

function plan(overrides: Partial<Plan>): Plan {
  return {
    id: 'p',
    request: { kind: 'failover', runbook: 'orders', dryRun: false, allowDataLoss: false },
    title: 't',
    subject: 'orders',
    calls: [VERIFY],
    preflight: [],
    resources: [],
    destructive: true,
    warnings: [],
    createdAt: T + 600_000,
    ...overrides,
  };
}

const incidents = {
  getIncident: async (id: string) => (id === 'INC-7' ? ({ id, openedAt: T - 120_000 } as Incident) : null),
};
const verified = new Map([['verify', { verifiedAt: T + 900_000 }]]);

describe('timeToRecovery', () => {
  it('times a resume from the incident the first request of its chain came from', async () => {
    const resume = plan({
      request: { kind: 'resume', approvalId: 'APR-3', dryRun: false },
      resumes: { approvalId: 'APR-3', kind: 'failover', origin: { incidentId: 'INC-7', requestedAt: T } },
    });
    expect(await timeToRecovery(resume, verified, incidents, silentLogger())).toMatchObject({
      timeToRecoveryMs: 1_020_000,
      recoveryFrom: { kind: 'incident', incidentId: 'INC-7', at: T - 120_000 },
    });
  });

  it('times a resume of a request made by hand from that request, not from the resume', async () => {
    const resume = plan({
      request: { kind: 'resume', approvalId: 'APR-3', dryRun: false },
      resumes: { approvalId: 'APR-3', kind: 'failover', origin: { requestedAt: T } },
    });
    expect(await timeToRecovery(resume, verified, incidents, silentLogger())).toMatchObject({
      timeToRecoveryMs: 900_000,
      recoveryFrom: { kind: 'request', at: T },
    });
  });

  it('gives no time without a verify step that passed', async () => {
    expect(await timeToRecovery(plan({ calls: [] }), verified, incidents, silentLogger())).toEqual({});
    expect(await timeToRecovery(plan({}), new Map(), incidents, silentLogger())).toEqual({});
  });
});
