import { beforeEach, describe, expect, it } from 'vitest';
import {
  DescribeDBInstancesCommand,
  InvalidDBInstanceStateFault,
  PromoteReadReplicaCommand,
  RDSServiceException,
  type DBInstance,
} from '@aws-sdk/client-rds';
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListResourceRecordSetsCommand,
  Route53ServiceException,
} from '@aws-sdk/client-route-53';
import type { FailoverRequest } from '../../../src/core/action-request.js';
import type { Plan } from '../../../src/core/plan.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { cname, commandNames, dbInstance, harness } from './fixtures.js';
import { storedCall } from '../../doubles/stored-call.js';

const h = harness();
const request: FailoverRequest = { kind: 'failover', runbook: 'orders', dryRun: false, allowDataLoss: false };
const replica = dbInstance('orders-replica', 'available', { ReadReplicaSourceDBInstanceIdentifier: 'orders-db' });
const promoted = dbInstance('orders-replica', 'available');

/** DescribeDBInstances for the plan and the pre-flight re-run, then each of `afterwards` in turn (the last repeats). */
function mockReplica(...afterwards: DBInstance[]) {
  let stub = h.west
    .on(DescribeDBInstancesCommand)
    .resolvesOnce({ DBInstances: [replica] })
    .resolvesOnce({ DBInstances: [replica] });
  for (const db of afterwards.slice(0, -1)) stub = stub.resolvesOnce({ DBInstances: [db] });
  const last = afterwards.at(-1);
  if (last) stub.resolves({ DBInstances: [last] });
}

async function approvedPlan(): Promise<Plan> {
  const plan = await h.planner.plan(request);
  h.journal.begin('run-1', plan, MANUAL_CLOCK_START);
  return plan;
}

beforeEach(() => {
  h.reset();
  h.lag.set('orders-lag', 12, MANUAL_CLOCK_START - 30_000);
  h.r53.on(ListResourceRecordSetsCommand).resolves({
    ResourceRecordSets: [cname('orders.db.example.com.', 'orders-db.abc.us-east-1.rds.amazonaws.com')],
    IsTruncated: false,
    MaxItems: 20,
  });
});

describe('a failing step stops the run with a clear message', () => {
  it('stops at PromoteReadReplica answered InvalidDBInstanceState: AWS code, what to do, nothing after it', async () => {
    mockReplica();
    h.west
      .on(PromoteReadReplicaCommand)
      .rejects(new InvalidDBInstanceStateFault({ message: 'DB Instance is not a read replica.', $metadata: { httpStatusCode: 400 } }));
    const plan = await approvedPlan();

    const outcome = await h.runner.run('run-1', plan);

    const message =
      'Promote read replica orders-replica to a standalone primary (irreversible) failed: AWS said InvalidDBInstanceState; the instance is not in a state that allows this (e.g. backing-up, modifying, or already promoted); check its status in the RDS console and request again once it is available.';
    expect(outcome).toMatchObject({ status: 'failed', error: { stepId: 'promote', code: 'LIFEBOAT_AWS_ERROR', message } });
    expect(outcome.summary).toBe(
      `Failover orders FAILED at step promote after 0s: ${message} Steps done: none. Not run: wait-promoted, dns-upsert, dns-insync. Nothing further was attempted.`,
    );
    expect(outcome.steps.map((s) => `${s.id}:${s.status}`)).toEqual([
      'promote:failed',
      'wait-promoted:not-run',
      'dns-upsert:not-run',
      'dns-insync:not-run',
    ]);
    expect(commandNames(h.r53)).toEqual(['ListResourceRecordSetsCommand', 'ListResourceRecordSetsCommand']); // plan + pre-flight only
    expect(h.journal.trace).toEqual(['started:promote', 'finished:failed']);
    expect(h.reporter.trace()).toEqual(['step-started:promote', 'step-failed:promote', 'finished:failed']);
    expect(h.reporter.events[1]).toMatchObject({ code: 'LIFEBOAT_AWS_ERROR', message });
    const total = (await h.metrics.registry.getMetricsAsJSON()).find((m) => m.name === 'lifeboat_actions_total');
    expect(total?.values).toContainEqual(expect.objectContaining({ labels: { action: 'failover', outcome: 'failed' }, value: 1 }));
  });

  it('stops at an AccessDenied DNS change after the promotion, naming the permission and the steps already done', async () => {
    mockReplica(promoted);
    h.west.on(PromoteReadReplicaCommand).resolves({ DBInstance: replica });
    h.r53.on(ChangeResourceRecordSetsCommand).rejects(
      new Route53ServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'User: arn:aws:sts::123456789012:assumed-role/lifeboat/i-0 is not authorized',
      }),
    );
    const plan = await approvedPlan();

    const outcome = await h.runner.run('run-1', plan);

    expect(outcome.error).toMatchObject({
      stepId: 'dns-upsert',
      message: expect.stringContaining('AWS said AccessDenied; check that the IAM policy allows route53:ChangeResourceRecordSets.'),
    });
    // The raw AWS message (with the role ARN) stays in the log, out of Slack.
    expect(outcome.summary).not.toContain('arn:aws:sts');
    expect(outcome.summary).toContain('Steps done: promote, wait-promoted. Not run: dns-insync.');
    expect(h.journal.trace).toEqual([
      'started:promote',
      'done:promote',
      'started:wait-promoted',
      'done:wait-promoted',
      'started:dns-upsert',
      'finished:failed',
    ]);
  });

  it('retries a throttled poll while waiting and carries on', async () => {
    mockReplica(promoted);
    h.west.on(PromoteReadReplicaCommand).resolves({ DBInstance: replica });
    h.r53.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() } });
    h.r53
      .on(GetChangeCommand)
      .rejectsOnce(
        new Route53ServiceException({ name: 'Throttling', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' }),
      )
      .resolves({ ChangeInfo: { Id: '/change/C1', Status: 'INSYNC', SubmittedAt: new Date() } });
    const plan = await approvedPlan();

    const outcome = await h.runner.run('run-1', plan);

    expect(outcome.status).toBe('succeeded');
    expect(h.r53.commandCalls(GetChangeCommand)).toHaveLength(2);
    expect(h.sleeps).toEqual([5_000]);
  });

  it('gives up a wait after its timeout, saying what it last saw and that AWS may still finish', async () => {
    mockReplica(dbInstance('orders-replica', 'modifying'));
    h.west.on(PromoteReadReplicaCommand).resolves({ DBInstance: replica });
    const plan = await approvedPlan();

    const outcome = await h.runner.run('run-1', plan);

    expect(outcome.error).toEqual({
      stepId: 'wait-promoted',
      code: 'LIFEBOAT_WAIT_TIMEOUT',
      message:
        'Gave up waiting for orders-replica to be standalone and available after 1h (last seen: modifying). The operation may still complete in AWS; check it before requesting again.',
    });
    // 5 s doubling to a 60 s ceiling, cut to the deadline: exactly one hour of (simulated) waiting.
    expect(h.sleeps.slice(0, 5)).toEqual([5_000, 10_000, 20_000, 40_000, 60_000]);
    expect(h.sleeps.reduce((a, b) => a + b, 0)).toBe(3_600_000);
    expect(h.r53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
  });

  it('stops waiting at once when the instance reaches a state it cannot leave', async () => {
    mockReplica(dbInstance('orders-replica', 'incompatible-parameters'));
    h.west.on(PromoteReadReplicaCommand).resolves({ DBInstance: replica });
    const plan = await approvedPlan();

    const outcome = await h.runner.run('run-1', plan);

    expect(outcome.error).toMatchObject({
      code: 'LIFEBOAT_WAIT_FAILED',
      message:
        'Stopped waiting for orders-replica to be standalone and available: orders-replica is incompatible-parameters. Check it in the AWS console.',
    });
    expect(h.sleeps).toEqual([]);
  });
});

describe('the journal and the reporter', () => {
  it('does not call AWS for a step whose start cannot be journaled', async () => {
    mockReplica();
    const plan = await approvedPlan();
    h.journal.failOn = 'stepStarted';

    const outcome = await h.runner.run('run-1', plan);

    expect(outcome.error).toMatchObject({ stepId: 'promote', code: 'LIFEBOAT_JOURNAL_FAILED' });
    expect(h.west.commandCalls(PromoteReadReplicaCommand)).toHaveLength(0);
  });

  it('stops after a step done in AWS that cannot be journaled, and says it was done', async () => {
    mockReplica(promoted);
    h.west.on(PromoteReadReplicaCommand).resolves({ DBInstance: replica });
    const plan = await approvedPlan();
    h.journal.failOn = 'stepDone';

    const outcome = await h.runner.run('run-1', plan);

    expect(outcome.error).toMatchObject({
      stepId: 'promote',
      code: 'LIFEBOAT_JOURNAL_FAILED',
      message: expect.stringContaining('was done in AWS but could not be recorded in the store; nothing further was attempted.'),
    });
    expect(commandNames(h.west).filter((n) => n === 'DescribeDBInstancesCommand')).toHaveLength(2); // no wait polls
  });

  it('keeps running when the progress reporter (Slack) fails', async () => {
    mockReplica(promoted);
    h.west.on(PromoteReadReplicaCommand).resolves({ DBInstance: replica });
    h.r53.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: '/change/C1', Status: 'INSYNC', SubmittedAt: new Date() } });
    h.r53.on(GetChangeCommand).resolves({ ChangeInfo: { Id: '/change/C1', Status: 'INSYNC', SubmittedAt: new Date() } });
    const plan = await approvedPlan();
    h.reporter.fail = true;

    const outcome = await h.runner.run('run-1', plan);

    expect(outcome.status).toBe('succeeded');
  });

  it('refuses a plan holding a call it does not know, before any AWS call', async () => {
    mockReplica();
    const plan = await approvedPlan();
    const tampered: Plan = {
      ...plan,
      calls: [
        storedCall({
          id: 'drop',
          service: 'rds',
          operation: 'DeleteDBInstance',
          region: 'us-west-2',
          input: { DBInstanceIdentifier: 'orders-db' },
          description: 'x',
        }),
      ],
    };

    const outcome = await h.runner.run('run-1', tampered);

    expect(outcome).toMatchObject({
      status: 'failed',
      error: {
        code: 'LIFEBOAT_PLAN_INVALID',
        message: 'The plan cannot be executed: step drop asks for rds:DeleteDBInstance, which Lifeboat does not execute.',
      },
    });
    expect(commandNames(h.west)).toEqual(['DescribeDBInstancesCommand']); // the planning read only
  });

  it('ends a run interrupted when Lifeboat shuts down mid-wait, saying AWS carries on', async () => {
    mockReplica(dbInstance('orders-replica', 'modifying'));
    h.west.on(PromoteReadReplicaCommand).resolves({ DBInstance: replica });
    const plan = await approvedPlan();
    const shutdown = new AbortController();
    h.west.on(PromoteReadReplicaCommand).callsFake(() => {
      shutdown.abort();
      return { DBInstance: replica };
    });

    const outcome = await h.runner.run('run-1', plan, { signal: shutdown.signal });

    expect(outcome).toMatchObject({ status: 'interrupted', error: { stepId: 'wait-promoted', code: 'LIFEBOAT_RUN_ABORTED' } });
    expect(outcome.summary).toBe(
      'Failover orders was interrupted during step wait-promoted: Lifeboat was stopping while waiting for orders-replica to be standalone and available; the operation continues in AWS. Steps done: promote. Not run: dns-upsert, dns-insync. Nothing is retried automatically: check the resources in AWS before requesting again.',
    );
    expect(h.journal.trace.at(-1)).toBe('finished:interrupted');
  });
});

describe('AWS errors a poll cannot recover from', () => {
  it('stops a wait on AccessDenied instead of retrying it', async () => {
    h.west
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [replica] })
      .resolvesOnce({ DBInstances: [replica] })
      .rejects(new RDSServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'denied' }));
    h.west.on(PromoteReadReplicaCommand).resolves({ DBInstance: replica });
    const plan = await approvedPlan();

    const outcome = await h.runner.run('run-1', plan);

    expect(outcome.error).toMatchObject({
      stepId: 'wait-promoted',
      message:
        'Checking orders-replica to be standalone and available failed: AWS said AccessDenied; check that the IAM policy allows rds:DescribeDBInstances.',
    });
    expect(h.sleeps).toEqual([]);
  });
});
