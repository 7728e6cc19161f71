import { beforeEach, describe, expect, it } from 'vitest';
import { DescribeDBInstancesCommand, PromoteReadReplicaCommand } from '@aws-sdk/client-rds';
import { ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { recoverInterrupted } from '../../../src/actions/recover-interrupted.js';
import type { FailoverRequest } from '../../../src/core/action-request.js';
import type { Plan } from '../../../src/core/plan.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { cname, dbInstance, harness } from './fixtures.js';

const h = harness();
const request: FailoverRequest = { kind: 'failover', runbook: 'orders', dryRun: false, allowDataLoss: false };
const OLD = 'orders-db.abc.us-east-1.rds.amazonaws.com';

async function failoverPlan(): Promise<Plan> {
  h.west
    .on(DescribeDBInstancesCommand)
    .resolves({ DBInstances: [dbInstance('orders-replica', 'available', { ReadReplicaSourceDBInstanceIdentifier: 'orders-db' })] });
  h.r53
    .on(ListResourceRecordSetsCommand)
    .resolves({ ResourceRecordSets: [cname('orders.db.example.com.', OLD)], IsTruncated: false, MaxItems: 20 });
  return h.planner.plan(request);
}

function recover() {
  return recoverInterrupted({ journal: h.journal, reporter: h.reporter, clock: h.clock, logger: silentLogger(), metrics: h.actionMetrics });
}

beforeEach(() => {
  h.reset();
  h.lag.set('orders-lag', 12, MANUAL_CLOCK_START - 30_000);
});

describe('recoverInterrupted', () => {
  it('reports a run found mid-step as interrupted, with the step in flight, and never calls AWS again', async () => {
    const plan = await failoverPlan();
    h.journal.begin('run-7', plan, MANUAL_CLOCK_START);
    await h.journal.stepStarted('run-7', 'promote');
    await h.journal.stepDone('run-7', 'promote', { status: 'modifying' });
    await h.journal.stepStarted('run-7', 'wait-promoted');
    const awsCallsBefore = h.west.calls().length + h.r53.calls().length;
    h.clock.advance(10 * 60_000); // the process died; a new one starts ten minutes later

    const [outcome, ...others] = await recover();

    expect(others).toEqual([]);
    expect(outcome).toMatchObject({
      runId: 'run-7',
      planId: plan.id,
      status: 'interrupted',
      elapsedMs: null,
      startedAt: MANUAL_CLOCK_START,
      finishedAt: MANUAL_CLOCK_START + 10 * 60_000,
      error: { stepId: 'wait-promoted', code: 'LIFEBOAT_RUN_INTERRUPTED' },
    });
    expect(outcome?.steps.map((s) => `${s.id}:${s.status}`)).toEqual([
      'promote:done',
      'wait-promoted:interrupted',
      'dns-upsert:not-run',
      'dns-insync:not-run',
    ]);
    expect(outcome?.summary).toBe(
      'Failover orders was interrupted during step wait-promoted: Lifeboat stopped while step wait-promoted (DescribeDBInstances: Wait until orders-replica is standalone and available (up to 1h)) was in flight; that call may or may not have reached AWS. Steps done: promote. Not run: dns-upsert, dns-insync. Nothing is retried automatically: check the resources in AWS before requesting again.',
    );
    expect(h.west.calls().length + h.r53.calls().length).toBe(awsCallsBefore);
    expect(h.west.commandCalls(PromoteReadReplicaCommand)).toHaveLength(0);
    expect(h.journal.runs.get('run-7')?.outcome?.status).toBe('interrupted');
    expect(h.reporter.trace()).toEqual(['finished:interrupted']);
    const total = (await h.metrics.registry.getMetricsAsJSON()).find((m) => m.name === 'lifeboat_actions_total');
    expect(total?.values).toContainEqual(expect.objectContaining({ labels: { action: 'failover', outcome: 'interrupted' }, value: 1 }));
  });

  it('keeps the DNS record a finished DNS step replaced, for failback (a run recorded before lists kept one record)', async () => {
    const plan = await failoverPlan();
    h.journal.begin('run-8', plan);
    const previous = { name: 'orders.db.example.com.', type: 'CNAME', ttl: 60, values: [OLD] };
    for (const step of ['promote', 'wait-promoted', 'dns-upsert']) {
      await h.journal.stepStarted('run-8', step);
      await h.journal.stepDone('run-8', step, step === 'dns-upsert' ? { changeId: 'C1', status: 'PENDING', previous } : {});
    }
    await h.journal.stepStarted('run-8', 'dns-insync');

    const [outcome] = await recover();

    expect(outcome).toMatchObject({ status: 'interrupted', previousDnsRecords: [previous], error: { stepId: 'dns-insync' } });
  });

  it('says nothing was in flight for a run that stopped before its first step', async () => {
    const plan = await failoverPlan();
    h.journal.begin('run-9', plan);

    const [outcome] = await recover();

    expect(outcome?.error).toEqual({
      code: 'LIFEBOAT_RUN_INTERRUPTED',
      message: 'Lifeboat stopped before or between steps; no step was in flight.',
    });
    expect(outcome?.steps.every((s) => s.status === 'not-run')).toBe(true);
  });

  it('reports each interrupted run once: a second recovery finds nothing', async () => {
    const plan = await failoverPlan();
    h.journal.begin('run-10', plan);
    await h.journal.stepStarted('run-10', 'promote');

    expect(await recover()).toHaveLength(1);
    expect(await recover()).toEqual([]);
    expect(h.reporter.events).toHaveLength(1);
  });

  it('leaves finished runs alone', async () => {
    const plan = await failoverPlan();
    h.journal.begin('run-11', plan);
    h.west.on(PromoteReadReplicaCommand).rejects(new Error('boom'));
    await h.runner.run('run-11', plan);
    h.reporter.events.length = 0;

    expect(await recover()).toEqual([]);
    expect(h.reporter.events).toEqual([]);
  });
});
