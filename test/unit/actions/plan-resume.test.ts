import { describe, expect, it } from 'vitest';
import { planResume } from '../../../src/actions/plan-resume.js';
import type { PlanningContext } from '../../../src/actions/planning-context.js';
import type { Approval } from '../../../src/approvals/approval.js';
import type { DbInstanceView, RdsGateway } from '../../../src/aws/rds-gateway.js';
import type { Route53Gateway } from '../../../src/aws/route53-gateway.js';
import type { Plan, PlannedCall } from '../../../src/core/plan.js';
import { ManualClock, MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';

const T = MANUAL_CLOCK_START;

/** RDS answering DescribeDBInstances with `db`, or failing with `error`. */
function ctx(db: DbInstanceView | Error | null): PlanningContext {
  const rds = {
    describeDbInstance: async () => {
      if (db instanceof Error) throw db;
      return db;
    },
  } as unknown as RdsGateway;
  return { rds, route53: {} as Route53Gateway, lag: { lagFor: async () => null }, clock: new ManualClock(), newId: () => 'plan-resume' };
}

const PROMOTE: PlannedCall = {
  id: 'promote',
  service: 'rds',
  operation: 'PromoteReadReplica',
  region: 'us-west-2',
  input: { DBInstanceIdentifier: 'orders-replica' },
  description: 'Promote orders-replica',
  irreversible: true,
};
const PUBLISH: PlannedCall = {
  id: 'announce',
  service: 'statuspage',
  operation: 'publish',
  input: { incidentId: 'INC-1', title: 'Orders', status: 'identified', message: 'Failing over', components: {} },
  description: 'Announce the failover',
};

/** APR-3: a failover of `calls`, interrupted while `inFlight` was under way, with `done` recorded done. */
function interrupted(calls: PlannedCall[], inFlight: string, done: string[] = []): Approval {
  const plan: Plan = {
    id: 'plan-1',
    request: { kind: 'failover', runbook: 'orders', dryRun: false, allowDataLoss: false },
    title: 'Failover orders: promote orders-replica (us-west-2)',
    subject: 'orders',
    calls,
    preflight: [
      {
        name: 'target state',
        ok: true,
        observed: 'replica',
        requirement: 'replica',
        check: { kind: 'read-replica', region: 'us-west-2', dbInstance: 'orders-replica', step: 'promote' },
      },
    ],
    resources: ['runbook:failover:orders'],
    destructive: true,
    warnings: [],
    createdAt: T,
  };
  return {
    id: 'APR-3',
    plan,
    requester: 'U1',
    requiredApprovals: 1,
    state: 'interrupted',
    createdAt: T,
    expiresAt: T + 1,
    updatedAt: T,
    approvals: [],
    run: {
      runnerId: 'r',
      claimedAt: T,
      leaseExpiresAt: T,
      steps: done.map((stepId) => ({ stepId, description: stepId, at: T })),
      currentStep: { stepId: inFlight, description: inFlight, at: T },
    },
  };
}

const request = { kind: 'resume', approvalId: 'APR-3', dryRun: false } as const;

describe('planResume', () => {
  it('plans again a started call that cannot be read back, saying it may already have run', async () => {
    const plan = await planResume(request, interrupted([PROMOTE, PUBLISH], 'announce', ['promote']), ctx(null));
    expect(plan.calls.map((c) => c.id)).toEqual(['announce']);
    expect(plan.alreadyDone).toEqual([{ id: 'promote', description: 'Promote orders-replica', how: 'done in APR-3' }]);
    expect(plan.warnings).toContain(
      'announce (publish) was started in APR-3 and cannot be read back: it MAY ALREADY HAVE RUN, and is planned again.',
    );
    // The replica check guards a step done: dropped.
    expect(plan.preflight).toEqual([]);
  });

  it('plans again an HTTP hook that was started and not confirmed, saying it may already have run; a hook not started is planned plainly', async () => {
    const hook = (id: string): PlannedCall => ({
      id,
      service: 'http',
      operation: 'Request',
      input: { method: 'POST', url: `https://ops.example.com/${id}`, expectStatus: [200], timeoutMs: 10_000, bearerTokenFrom: null },
      description: `Tell ops (${id})`,
    });
    const plan = await planResume(request, interrupted([PROMOTE, hook('pre-hook'), hook('post-hook')], 'pre-hook', ['promote']), ctx(null));
    expect(plan.calls.map((c) => c.id)).toEqual(['pre-hook', 'post-hook']);
    expect(plan.warnings.filter((w) => w.includes('MAY ALREADY HAVE RUN'))).toEqual([
      'pre-hook (Request) was started in APR-3 and cannot be read back: it MAY ALREADY HAVE RUN, and is planned again.',
    ]);
  });

  it('refuses (a failed pre-flight) when the started call cannot be read back because AWS does not answer', async () => {
    const plan = await planResume(request, interrupted([PROMOTE], 'promote'), ctx(new Error('socket hang up')));
    expect(plan.calls.map((c) => c.id)).toEqual(['promote']);
    expect(plan.preflight[0]).toMatchObject({
      ok: false,
      name: 'step promote in APR-3',
      observed: 'could not read back whether it took effect: socket hang up',
    });
  });

  it('plans a started promotion again when reading back shows it did not take effect, with fresh pre-flight', async () => {
    const replica = { id: 'orders-replica', status: 'available', replicaSource: 'orders-db' } as DbInstanceView;
    const plan = await planResume(request, interrupted([PROMOTE], 'promote'), ctx(replica));
    expect(plan.calls.map((c) => c.id)).toEqual(['promote']);
    expect(plan.warnings).toContain(
      'promote was started in APR-3; read back now, orders-replica is still an available read replica of orders-db: it did not take effect, so it is planned again.',
    );
    expect(plan.preflight).toMatchObject([{ ok: true, check: { kind: 'read-replica' } }]);
    expect(plan).toMatchObject({
      title: 'Resume APR-3: Failover orders: promote orders-replica (us-west-2)',
      subject: 'orders',
      destructive: true,
    });
  });

  it('resumes a restore interrupted while waiting: the restore is not repeated and its identifier check is dropped', async () => {
    const restore: PlannedCall = {
      id: 'restore',
      service: 'rds',
      operation: 'RestoreDBInstanceToPointInTime',
      region: 'us-east-1',
      input: { SourceDBInstanceIdentifier: 'orders-db', TargetDBInstanceIdentifier: 'orders-db-restore-1', UseLatestRestorableTime: true },
      description: 'Restore orders-db to its latest restorable time as orders-db-restore-1',
    } as PlannedCall;
    const wait: PlannedCall = {
      id: 'wait-available',
      service: 'rds',
      operation: 'DescribeDBInstances',
      region: 'us-east-1',
      input: { DBInstanceIdentifier: 'orders-db-restore-1' },
      description: 'Wait until orders-db-restore-1 is available',
      wait: { until: 'available', timeoutMs: 6 * 3_600_000 },
    };
    const base = interrupted([restore, wait], 'wait-available', ['restore']);
    const run: Approval = {
      ...base,
      plan: {
        ...base.plan,
        request: { kind: 'restore', runbook: 'orders', dryRun: false, source: { type: 'latest' } },
        title: 'Restore orders from its latest restorable time',
        preflight: [
          {
            name: 'new identifier',
            ok: true,
            observed: 'free',
            requirement: 'free',
            check: { kind: 'identifier-free', region: 'us-east-1', identifier: 'orders-db-restore-1', cluster: false, step: 'restore' },
          },
        ],
      },
    };
    const plan = await planResume(request, run, ctx(null));
    expect(plan.calls.map((c) => c.id)).toEqual(['wait-available']);
    expect(plan.preflight).toEqual([]);
    expect(plan.resumes).toEqual({ approvalId: 'APR-3', kind: 'restore', origin: { requestedAt: T } });
    expect(plan.warnings).toContain('wait-available was under way in APR-3; the wait starts again.');
    expect(plan.warnings).toContain(
      'APR-3 still holds its locks; this request takes them over, so no other request can use its resources meanwhile.',
    );
  });

  it('says there is nothing to resume when the only step left took effect', async () => {
    const promoted = { id: 'orders-replica', status: 'available' } as DbInstanceView;
    await expect(planResume(request, interrupted([PROMOTE], 'promote'), ctx(promoted))).rejects.toMatchObject({
      code: 'LIFEBOAT_NOTHING_TO_DO',
      message:
        'Every step of APR-3 is done (promote: read back now: orders-replica is available and no longer a read replica; not repeated): nothing to resume.',
    });
  });

  it("carries the first request's origin down a chain of resumes, so recovery is timed from the incident's opening", async () => {
    const first = interrupted([PROMOTE], 'promote');
    const proposed: Approval = {
      ...first,
      plan: { ...first.plan, request: { ...request, kind: 'failover', runbook: 'orders', allowDataLoss: false, incidentId: 'INC-7' } },
    };
    const ready = { id: 'orders-replica', status: 'available', replicaSource: 'orders-db' } as DbInstanceView;
    const resumed = await planResume(request, proposed, ctx(ready));
    expect(resumed.resumes?.origin).toEqual({ incidentId: 'INC-7', requestedAt: T });
    // The resume itself is interrupted in turn and resumed again: still the first request's origin.
    const second: Approval = { ...first, id: 'APR-4', plan: { ...resumed, createdAt: T + 60_000 } };
    const again = await planResume({ ...request, approvalId: 'APR-4' }, second, ctx(ready));
    expect(again.resumes).toEqual({ approvalId: 'APR-4', kind: 'failover', origin: { incidentId: 'INC-7', requestedAt: T } });
  });
});
