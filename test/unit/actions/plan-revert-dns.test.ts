import { describe, expect, it } from 'vitest';
import { planRevertDns } from '../../../src/actions/plan-revert-dns.js';
import type { PlanningContext } from '../../../src/actions/planning-context.js';
import type { Approval } from '../../../src/approvals/approval.js';
import type { RdsGateway } from '../../../src/aws/rds-gateway.js';
import type { ChangeRecordSetsInput, Route53Gateway } from '../../../src/aws/route53-gateway.js';
import type { DnsRecord } from '../../../src/core/dns-record.js';
import type { Plan } from '../../../src/core/plan.js';
import { ManualClock, MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';

const WEIGHTED_BEFORE: DnsRecord = {
  name: 'api.example.com.',
  type: 'A',
  values: [],
  aliasTarget: { hostedZoneId: 'Z2ALB', dnsName: 'east-alb.example.com.', evaluateTargetHealth: true },
  setIdentifier: 'east',
  weight: 100,
  healthCheckId: '11111111-2222-3333-4444-555555555555',
};

/** Route 53 holding `records` (by name); reads only. */
function route53(records: DnsRecord[]): Route53Gateway {
  return {
    recordsNamed: async (_zone, name) => records.filter((r) => r.name === name),
    changeRecordSets: async () => {
      throw new Error('planning changes nothing');
    },
    getChange: async () => {
      throw new Error('planning changes nothing');
    },
  };
}

function ctx(records: DnsRecord[]): PlanningContext {
  return {
    rds: {} as RdsGateway,
    route53: route53(records),
    lag: { lagFor: async () => null },
    clock: new ManualClock(),
    newId: () => 'plan-revert',
  };
}

/** A run whose one DNS step wrote `input` and recorded `previous`. */
function ranDns(input: ChangeRecordSetsInput, previous: unknown, state: Approval['state'] = 'succeeded'): Approval {
  const plan: Plan = {
    id: 'plan-1',
    request: { kind: 'failover', runbook: 'api', dryRun: false, allowDataLoss: false },
    title: 'Failover api',
    subject: 'api',
    calls: [{ id: 'dns-upsert', service: 'route53', operation: 'ChangeResourceRecordSets', input, description: 'Point api west' }],
    preflight: [],
    resources: ['runbook:failover:api'],
    destructive: true,
    warnings: [],
    createdAt: MANUAL_CLOCK_START,
  };
  return {
    id: 'APR-3',
    plan,
    requester: 'U1',
    requiredApprovals: 1,
    state,
    createdAt: MANUAL_CLOCK_START,
    expiresAt: MANUAL_CLOCK_START + 1,
    updatedAt: MANUAL_CLOCK_START,
    approvals: [],
    run: {
      runnerId: 'r',
      claimedAt: MANUAL_CLOCK_START,
      leaseExpiresAt: MANUAL_CLOCK_START,
      steps: [{ stepId: 'dns-upsert', description: 'Point api west', at: MANUAL_CLOCK_START, detail: { changeId: 'C1', previous } }],
    },
  };
}

const BATCH: ChangeRecordSetsInput = {
  HostedZoneId: 'Z1',
  ChangeBatch: {
    Changes: [
      {
        Action: 'UPSERT',
        ResourceRecordSet: {
          Name: 'api.example.com.',
          Type: 'A',
          AliasTarget: { HostedZoneId: 'Z2ALB', DNSName: 'west-alb.example.com.', EvaluateTargetHealth: true },
          SetIdentifier: 'east',
          Weight: 0,
          HealthCheckId: '11111111-2222-3333-4444-555555555555',
        },
      },
      { Action: 'UPSERT', ResourceRecordSet: { Name: 'db.example.com.', Type: 'CNAME', TTL: 30, ResourceRecords: [{ Value: 'west.db' }] } },
    ],
  },
};
const AS_WRITTEN: DnsRecord[] = [
  { ...WEIGHTED_BEFORE, aliasTarget: { hostedZoneId: 'Z2ALB', dnsName: 'west-alb.example.com.', evaluateTargetHealth: true }, weight: 0 },
  { name: 'db.example.com.', type: 'CNAME', ttl: 30, values: ['west.db'] },
];

describe('planRevertDns', () => {
  it('puts back a routing alias record (SetIdentifier, Weight, its health check, no TTL) and deletes a record that did not exist, in one batch', async () => {
    const plan = await planRevertDns(
      { kind: 'revert-dns', approvalId: 'APR-3', dryRun: false },
      ranDns(BATCH, [WEIGHTED_BEFORE, null]),
      ctx(AS_WRITTEN),
    );
    expect(plan.calls[0]?.input).toEqual({
      HostedZoneId: 'Z1',
      ChangeBatch: {
        Comment: 'Lifeboat revert-dns APR-3 (api)',
        Changes: [
          {
            Action: 'UPSERT',
            ResourceRecordSet: {
              Name: 'api.example.com.',
              Type: 'A',
              AliasTarget: { HostedZoneId: 'Z2ALB', DNSName: 'east-alb.example.com.', EvaluateTargetHealth: true },
              SetIdentifier: 'east',
              Weight: 100,
              HealthCheckId: '11111111-2222-3333-4444-555555555555',
            },
          },
          {
            Action: 'DELETE',
            ResourceRecordSet: { Name: 'db.example.com.', Type: 'CNAME', TTL: 30, ResourceRecords: [{ Value: 'west.db' }] },
          },
        ],
      },
    });
    expect(plan.calls[1]).toMatchObject({ operation: 'GetChange', wait: { until: 'INSYNC', after: 'dns-revert' } });
    expect(plan.preflight.map((p) => p.ok)).toEqual([true, true]);
    expect(plan).toMatchObject({
      subject: 'api',
      destructive: true,
      reverts: { approvalId: 'APR-3' },
      title: 'Revert DNS of APR-3: api.example.com., db.example.com.',
    });
    expect(plan.resources).toEqual(['runbook:failover:api', 'route53:Z1:api.example.com.', 'route53:Z1:db.example.com.']);
  });

  it('accepts the single record older runs kept, and refuses when the record reads otherwise now, naming it', async () => {
    const single: ChangeRecordSetsInput = { HostedZoneId: 'Z1', ChangeBatch: { Changes: [BATCH.ChangeBatch.Changes[1]!] } };
    const before: DnsRecord = { name: 'db.example.com.', type: 'CNAME', ttl: 60, values: ['east.db'] };
    const run = ranDns(single, before, 'failed');
    const plan = await planRevertDns({ kind: 'revert-dns', approvalId: 'APR-3', dryRun: false }, run, ctx([AS_WRITTEN[1]!]));
    expect(plan.calls[0]?.input).toMatchObject({
      ChangeBatch: {
        Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: 'db.example.com.', TTL: 60, ResourceRecords: [{ Value: 'east.db' }] } }],
      },
    });

    const moved = await planRevertDns(
      { kind: 'revert-dns', approvalId: 'APR-3', dryRun: true },
      run,
      ctx([{ ...before, values: ['elsewhere.db'] }]),
    );
    expect(moved.preflight).toMatchObject([
      {
        ok: false,
        name: 'DNS record db.example.com. CNAME',
        observed: 'changed since APR-3: it reads CNAME elsewhere.db (TTL 60s)',
        code: 'LIFEBOAT_DNS_CONFLICT',
      },
    ]);
  });

  it('reverts a DNS step left in flight when it reads back as written, from the record the plan saw', async () => {
    const single: ChangeRecordSetsInput = { HostedZoneId: 'Z1', ChangeBatch: { Changes: [BATCH.ChangeBatch.Changes[1]!] } };
    const before: DnsRecord = { name: 'db.example.com.', type: 'CNAME', ttl: 60, values: ['east.db'] };
    const base = ranDns(single, undefined, 'interrupted');
    const run: Approval = {
      ...base,
      plan: { ...base.plan, calls: base.plan.calls.map((c) => ({ ...c, replaces: before })) },
      run: { ...base.run!, steps: [], currentStep: { stepId: 'dns-upsert', description: 'Point api west', at: MANUAL_CLOCK_START } },
    };
    const plan = await planRevertDns({ kind: 'revert-dns', approvalId: 'APR-3', dryRun: false }, run, ctx([AS_WRITTEN[1]!]));
    expect(plan.calls[0]?.input).toMatchObject({
      ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { ResourceRecords: [{ Value: 'east.db' }] } }] },
    });

    const unreadable = { ...ctx([]), route53: { ...route53([]), recordsNamed: async () => Promise.reject(new Error('socket hang up')) } };
    await expect(planRevertDns({ kind: 'revert-dns', approvalId: 'APR-3', dryRun: false }, run, unreadable)).rejects.toMatchObject({
      code: 'LIFEBOAT_AWS_ERROR',
      message:
        'Could not read back whether step dns-upsert of APR-3 changed DNS (socket hang up); nothing was planned. Try again in a minute.',
    });
  });

  it('refuses a DNS step that did not capture what it replaced', async () => {
    await expect(
      planRevertDns({ kind: 'revert-dns', approvalId: 'APR-3', dryRun: false }, ranDns(BATCH, [WEIGHTED_BEFORE]), ctx(AS_WRITTEN)),
    ).rejects.toMatchObject({
      code: 'LIFEBOAT_NOTHING_TO_DO',
      message: expect.stringContaining('did not capture the records it replaced'),
    });
  });
});
