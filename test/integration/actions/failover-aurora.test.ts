import { beforeEach, describe, expect, it } from 'vitest';
import {
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  ModifyDBClusterCommand,
  SwitchoverGlobalClusterCommand,
  type GlobalCluster,
} from '@aws-sdk/client-rds';
import type { FailoverRequest } from '../../../src/core/action-request.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { ACCOUNT, WEST_CLUSTER_ARN, commandNames, dbCluster, harness } from './fixtures.js';

const h = harness();
const request: FailoverRequest = { kind: 'failover', runbook: 'orders-global', dryRun: false, allowDataLoss: false };
const EAST_PRIMARY_ARN = `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:orders-east`;

/** orders-global with `writer` as its primary and the other cluster as secondary. */
function globalCluster(writer: string, extra: Partial<GlobalCluster> = {}): GlobalCluster {
  return {
    GlobalClusterIdentifier: 'orders-global',
    Status: 'available',
    Engine: 'aurora-postgresql',
    GlobalClusterMembers: [
      { DBClusterArn: EAST_PRIMARY_ARN, IsWriter: writer === EAST_PRIMARY_ARN },
      { DBClusterArn: WEST_CLUSTER_ARN, IsWriter: writer === WEST_CLUSTER_ARN },
    ],
    ...extra,
  };
}

/** DescribeDBClusters for the target ARN: available. */
function mockTargetCluster() {
  h.west
    .on(DescribeDBClustersCommand, { DBClusterIdentifier: WEST_CLUSTER_ARN })
    .resolves({ DBClusters: [dbCluster('orders-west', 'available', { DBClusterArn: WEST_CLUSTER_ARN })] });
}

beforeEach(() => {
  h.reset();
  h.lag.set('orders-lag', 2, MANUAL_CLOCK_START - 20_000);
  mockTargetCluster();
});

describe('Aurora global database failover', () => {
  it('switches over by default (SwitchoverGlobalCluster, no AllowDataLoss) and waits until the target is the writer', async () => {
    h.west
      .on(DescribeGlobalClustersCommand, { GlobalClusterIdentifier: 'orders-global' })
      .resolvesOnce({ GlobalClusters: [globalCluster(EAST_PRIMARY_ARN)] }) // plan
      .resolvesOnce({ GlobalClusters: [globalCluster(EAST_PRIMARY_ARN)] }) // pre-flight again
      .resolvesOnce({
        GlobalClusters: [
          globalCluster(EAST_PRIMARY_ARN, {
            Status: 'switching-over',
            FailoverState: {
              Status: 'failing-over',
              FromDbClusterArn: EAST_PRIMARY_ARN,
              ToDbClusterArn: WEST_CLUSTER_ARN,
              IsDataLossAllowed: false,
            },
          }),
        ],
      })
      .resolves({ GlobalClusters: [globalCluster(WEST_CLUSTER_ARN)] });
    h.west.on(SwitchoverGlobalClusterCommand).resolves({ GlobalCluster: globalCluster(EAST_PRIMARY_ARN, { Status: 'switching-over' }) });

    const plan = await h.planner.plan(request);
    expect(plan.calls.map(({ id, operation, input }) => ({ id, operation, input }))).toEqual([
      {
        id: 'switchover',
        operation: 'SwitchoverGlobalCluster',
        input: { GlobalClusterIdentifier: 'orders-global', TargetDbClusterIdentifier: WEST_CLUSTER_ARN },
      },
      { id: 'wait-writer', operation: 'DescribeGlobalClusters', input: { GlobalClusterIdentifier: 'orders-global' } },
    ]);
    expect(plan).toMatchObject({
      title: 'Failover orders-global: switch over orders-global to orders-west (us-west-2)',
      // A switchover moves production's writer to another region: the approver types the name.
      destructive: true,
      resources: ['runbook:failover:orders-global', 'rds:global-cluster:orders-global', 'rds:us-west-2:cluster:orders-west'],
    });
    expect(plan.preflight[1]).toMatchObject({ ok: true, observed: 'orders-global is available; orders-west is an available secondary' });

    const outcome = await h.runner.run('run-1', plan);

    expect(outcome).toMatchObject({ status: 'succeeded', elapsedMs: 5_000, dataLossWindowSeconds: 2 });
    expect(h.west.commandCalls(SwitchoverGlobalClusterCommand).map((c) => c.args[0].input)).toEqual([
      { GlobalClusterIdentifier: 'orders-global', TargetDbClusterIdentifier: WEST_CLUSTER_ARN },
    ]);
    expect(h.west.commandCalls(FailoverGlobalClusterCommand)).toHaveLength(0);
    expect(h.reporter.events.find((e) => e.type === 'step-done' && e.stepId === 'wait-writer')).toMatchObject({
      message: 'orders-west is the writer of orders-global (waited 5s)',
    });
  });

  it('fails over with AllowDataLoss only when the request says --allow-data-loss, and says so prominently', async () => {
    h.west
      .on(DescribeGlobalClustersCommand)
      .resolvesOnce({ GlobalClusters: [globalCluster(EAST_PRIMARY_ARN)] })
      .resolvesOnce({ GlobalClusters: [globalCluster(EAST_PRIMARY_ARN)] })
      .resolves({ GlobalClusters: [globalCluster(WEST_CLUSTER_ARN)] });
    h.west.on(FailoverGlobalClusterCommand).resolves({ GlobalCluster: globalCluster(EAST_PRIMARY_ARN, { Status: 'failing-over' }) });

    const plan = await h.planner.plan({ ...request, allowDataLoss: true });

    expect(plan.calls[0]).toEqual({
      id: 'failover',
      service: 'rds',
      operation: 'FailoverGlobalCluster',
      region: 'us-west-2',
      input: { GlobalClusterIdentifier: 'orders-global', TargetDbClusterIdentifier: WEST_CLUSTER_ARN, AllowDataLoss: true },
      description: 'Fail over orders-global to orders-west ALLOWING DATA LOSS (no wait for replication)',
      irreversible: true,
    });
    expect(plan.title).toBe('Failover orders-global: fail over orders-global to orders-west (us-west-2), ALLOWING DATA LOSS');
    expect(plan.destructive).toBe(true);
    expect(plan.warnings[0]).toBe(
      'DATA LOSS ALLOWED: FailoverGlobalCluster with AllowDataLoss=true promotes orders-west without waiting for replication; writes not yet replicated to it are lost (last measured lag 2s).',
    );

    const outcome = await h.runner.run('run-1', plan);

    expect(outcome.status).toBe('succeeded');
    expect(h.west.commandCalls(FailoverGlobalClusterCommand).map((c) => c.args[0].input)).toEqual([
      { GlobalClusterIdentifier: 'orders-global', TargetDbClusterIdentifier: WEST_CLUSTER_ARN, AllowDataLoss: true },
    ]);
    expect(h.west.commandCalls(SwitchoverGlobalClusterCommand)).toHaveLength(0);
  });

  it('refuses a switchover while another switchover or failover of the global database is in progress', async () => {
    h.west
      .on(DescribeGlobalClustersCommand)
      .resolves({ GlobalClusters: [globalCluster(EAST_PRIMARY_ARN, { FailoverState: { Status: 'pending' } })] });

    await expect(h.planner.plan(request)).rejects.toMatchObject({
      code: 'LIFEBOAT_PREFLIGHT_FAILED',
      message: expect.stringContaining('target state: a switchover or failover of orders-global is already pending'),
    });
    expect(commandNames(h.west).filter((n) => !n.startsWith('Describe'))).toEqual([]);
  });

  it('refuses a runbook whose target cluster ARN is in another region, before any AWS call', async () => {
    await expect(h.planner.plan({ ...request, runbook: 'orders-wrong-region' })).rejects.toMatchObject({
      code: 'LIFEBOAT_RUNBOOK_INCONSISTENT',
      message:
        "runbook orders-wrong-region: promote.targetCluster is in us-east-1 but the runbook's region is us-west-2; they must match. Fix the runbook in the Lifeboat config.",
    });
    expect(h.west.calls()).toHaveLength(0);
    expect(h.east.calls()).toHaveLength(0);
  });
});

describe('backupRetention on an Aurora global database', () => {
  it('sets the retention on the new primary cluster once it is the writer, then waits until it reads back', async () => {
    h.west
      .on(DescribeDBClustersCommand, { DBClusterIdentifier: 'orders-west' })
      .resolvesOnce({ DBClusters: [dbCluster('orders-west', 'modifying', { BackupRetentionPeriod: 1 })] })
      .resolves({ DBClusters: [dbCluster('orders-west', 'available', { BackupRetentionPeriod: 7 })] });
    h.west
      .on(DescribeGlobalClustersCommand)
      .resolvesOnce({ GlobalClusters: [globalCluster(EAST_PRIMARY_ARN)] })
      .resolvesOnce({ GlobalClusters: [globalCluster(EAST_PRIMARY_ARN)] })
      .resolves({ GlobalClusters: [globalCluster(WEST_CLUSTER_ARN)] });
    h.west.on(SwitchoverGlobalClusterCommand).resolves({ GlobalCluster: globalCluster(EAST_PRIMARY_ARN) });
    h.west.on(ModifyDBClusterCommand).resolves({ DBCluster: dbCluster('orders-west', 'modifying') });

    const plan = await h.planner.plan({ ...request, runbook: 'orders-global-kept' });

    expect(plan.calls.map(({ id, operation, input }) => ({ id, operation, input }))).toEqual([
      {
        id: 'switchover',
        operation: 'SwitchoverGlobalCluster',
        input: { GlobalClusterIdentifier: 'orders-global', TargetDbClusterIdentifier: WEST_CLUSTER_ARN },
      },
      { id: 'wait-writer', operation: 'DescribeGlobalClusters', input: { GlobalClusterIdentifier: 'orders-global' } },
      {
        id: 'backup-retention',
        operation: 'ModifyDBCluster',
        input: { DBClusterIdentifier: 'orders-west', BackupRetentionPeriod: 7, ApplyImmediately: true },
      },
      { id: 'wait-retention', operation: 'DescribeDBClusters', input: { DBClusterIdentifier: 'orders-west' } },
    ]);

    const outcome = await h.runner.run('run-1', plan);

    expect(outcome.status).toBe('succeeded');
    expect(h.west.commandCalls(ModifyDBClusterCommand).map((c) => c.args[0].input)).toEqual([
      { DBClusterIdentifier: 'orders-west', BackupRetentionPeriod: 7, ApplyImmediately: true },
    ]);
    expect(h.reporter.events.find((e) => e.type === 'step-done' && e.stepId === 'wait-retention')).toMatchObject({
      message: expect.stringContaining('cluster orders-west is available with 7 days of backups'),
    });
  });
});
