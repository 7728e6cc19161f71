import { describe, expect, it } from 'vitest';
import { planMultiAzDrill } from '../../../../src/actions/plan-multi-az-drill.js';
import type { DbInstanceView, RdsGateway } from '../../../../src/aws/rds-gateway.js';
import type { Route53Gateway } from '../../../../src/aws/route53-gateway.js';
import { approvalMessage } from '../../../../src/bot/approvals/blocks/approval-message.js';
import { blockKitViolations } from '../../../../src/bot/blocks/block-kit-violations.js';
import { drillsList } from '../../../../src/bot/blocks/drills-list.js';
import type { MultiAzDrillConfig } from '../../../../src/config/types.js';
import { drillOutcome } from '../../../../src/drills/multi-az-drill-record.js';
import type { DrillListing } from '../../../../src/drills/drill-service.js';
import { approvalOf, T0 } from '../approvals/fixtures.js';

/*
 * `/dr drills` and a Multi-AZ drill's approval request, from the real builders, fed the longest
 * inputs the config allows: drill names of 63 characters, database identifiers of any length
 * (the config takes any non-empty text), a reason of 100,000 characters, 500 drills.
 */

const ID63 = `${'a'.repeat(61)}-z`;
const LONG_DB = `db-${'x'.repeat(20_000)}`;
const ok = (surface: unknown) => expect(blockKitViolations(surface)).toEqual([]);

function multiAz(n: number): DrillListing {
  const drill: MultiAzDrillConfig = {
    multiAzFailover: { dbCluster: LONG_DB, targetInstance: LONG_DB },
    region: 'ap-southeast-2',
    rtoMs: 300_000,
  };
  const outcome = drillOutcome(`${n}`.padStart(3, '0') + ID63.slice(3), drill, 'APR-999999999', {
    runId: 'APR-999999999',
    planId: 'p',
    action: 'drill',
    subject: ID63,
    status: 'failed',
    startedAt: T0,
    finishedAt: T0 + 60_000,
    elapsedMs: 60_000,
    steps: [],
    error: { stepId: 'failover', code: 'LIFEBOAT_AWS_ERROR', message: `<&>*${'y'.repeat(100_000)}` },
    summary: '',
  });
  return {
    name: outcome.drill,
    runbook: '',
    multiAzFailover: `cluster ${LONG_DB} to ${LONG_DB} (ap-southeast-2)`,
    rtoMs: 300_000,
    last: outcome,
  };
}

describe('drills within Block Kit limits', () => {
  it('/dr drills with 500 Multi-AZ drills of the longest names, identifiers and reasons', () => {
    const list = drillsList(Array.from({ length: 500 }, (_, i) => multiAz(i)));
    ok(list);
    expect(JSON.stringify(list.blocks)).toContain('more');
    expect(JSON.stringify(list.blocks)).toContain('Multi-AZ failover of');
  });

  it("a Multi-AZ drill's approval request, for the longest drill name and instance identifier, is shown whole within the limits", async () => {
    const db: DbInstanceView = {
      id: ID63,
      status: 'available',
      availabilityZone: 'ap-southeast-2a',
      secondaryAvailabilityZone: 'ap-southeast-2b',
      settings: { multiAz: true },
    };
    const rds = { describeDbInstance: async () => db } as unknown as RdsGateway;
    const drill: MultiAzDrillConfig = {
      multiAzFailover: { dbInstance: ID63 },
      region: 'ap-southeast-2',
      verify: { checks: Array.from({ length: 20 }, (_, i) => `${i}`.padStart(3, '0') + ID63.slice(3)), withinMs: 7_200_000 },
      rtoMs: 3_600_000,
    };
    const plan = await planMultiAzDrill({ kind: 'drill', drill: ID63, dryRun: false }, drill, {
      rds,
      route53: {} as Route53Gateway,
      lag: { lagFor: async () => null },
      clock: { now: () => T0 },
      newId: () => 'plan-1',
    });
    expect(plan).toMatchObject({ destructive: true, subject: ID63, preflight: [{ ok: true }] });
    expect(plan.calls.map((c) => c.operation)).toEqual(['RebootDBInstance', 'DescribeDBInstances', 'Verify']);
    const message = approvalMessage(approvalOf(plan));
    ok(message);
    expect(JSON.stringify(message)).toContain(`{\\"DBInstanceIdentifier\\":\\"${ID63}\\",\\"ForceFailover\\":true}`);
  });
});
