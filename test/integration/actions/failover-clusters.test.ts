import { beforeEach, describe, expect, it } from 'vitest';
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  FailoverDBClusterCommand,
  ModifyDBClusterCommand,
  SwitchoverGlobalClusterCommand,
  type DBCluster,
  type GlobalCluster,
} from '@aws-sdk/client-rds';
import type { FailoverRequest } from '../../../src/core/action-request.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { ACCOUNT, WEST_CLUSTER_ARN, dbCluster, dbInstance, harness } from './fixtures.js';

/*
 * The planner and runner for the cluster promote kinds and backupRetention, with the real SDK
 * clients behind aws-sdk-client-mock: what each plan holds, which checks guard which step, and
 * what the run sends.
 */

const h = harness();
const EAST_PRIMARY_ARN = `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:orders-east`;
const failover = (runbook: string): FailoverRequest => ({ kind: 'failover', runbook, dryRun: false, allowDataLoss: false });

beforeEach(() => {
  h.reset();
  h.lag.set('orders-lag', 2, MANUAL_CLOCK_START - 20_000);
});

function globalCluster(writer: string, extra: Partial<GlobalCluster> = {}): GlobalCluster {
  return {
    GlobalClusterIdentifier: 'orders-global',
    Status: 'available',
    GlobalClusterMembers: [
      { DBClusterArn: EAST_PRIMARY_ARN, IsWriter: writer === EAST_PRIMARY_ARN },
      { DBClusterArn: WEST_CLUSTER_ARN, IsWriter: writer === WEST_CLUSTER_ARN },
    ],
    ...extra,
  };
}

describe('backupRetention on an Aurora global database', () => {
  it('sets the retention on the new primary cluster once it is the writer, then waits until it reads back', async () => {
    h.west
      .on(DescribeDBClustersCommand, { DBClusterIdentifier: WEST_CLUSTER_ARN })
      .resolves({ DBClusters: [dbCluster('orders-west', 'available', { DBClusterArn: WEST_CLUSTER_ARN })] });
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

    const plan = await h.planner.plan(failover('orders-global-kept'));

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

describe('promote: { dbCluster } without backupRetention', () => {
  it('warns that the cluster keeps the retention it had as a replica, read at plan time', async () => {
    const replica: DBCluster = dbCluster('orders-west', 'available', {
      ReplicationSourceIdentifier: EAST_PRIMARY_ARN,
      BackupRetentionPeriod: 3,
    });
    h.west.on(DescribeDBClustersCommand, { DBClusterIdentifier: 'orders-west' }).resolves({ DBClusters: [replica] });

    const plan = await h.planner.plan(failover('orders-west-cluster'));

    expect(plan.calls.map((c) => [c.id, c.operation, c.irreversible ?? false])).toEqual([
      ['promote', 'PromoteReadReplicaDBCluster', true],
      ['wait-promoted', 'DescribeDBClusters', false],
    ]);
    expect(plan.preflight[0]).toMatchObject({
      ok: true,
      observed: `cluster orders-west is available, replicating from ${EAST_PRIMARY_ARN}, backup retention 3 days`,
      check: { kind: 'replica-cluster', step: 'promote' },
    });
    expect(plan.warnings).toContain(
      'No backupRetention on this runbook: cluster orders-west keeps the backup retention it had as a replica (3 days).',
    );
    expect(plan).toMatchObject({
      destructive: true,
      resources: ['runbook:failover:orders-west-cluster', 'rds:us-west-2:cluster:orders-west'],
    });
  });
});

describe('promote: { failoverCluster, targetInstance }', () => {
  const members = (writer: string) => ({
    DBClusterMembers: ['orders-aurora-1', 'orders-aurora-2'].map((id) => ({ DBInstanceIdentifier: id, IsClusterWriter: id === writer })),
  });

  it('guards FailoverDBCluster with the lag guard and the reader check, is not irreversible, and locks the cluster and the target', async () => {
    h.west
      .on(DescribeDBClustersCommand, { DBClusterIdentifier: 'orders-aurora' })
      .resolvesOnce({ DBClusters: [dbCluster('orders-aurora', 'available', members('orders-aurora-1'))] })
      .resolvesOnce({ DBClusters: [dbCluster('orders-aurora', 'available', members('orders-aurora-1'))] })
      .resolvesOnce({ DBClusters: [dbCluster('orders-aurora', 'failing-over', members('orders-aurora-1'))] })
      .resolves({ DBClusters: [dbCluster('orders-aurora', 'available', members('orders-aurora-2'))] });
    h.west
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-aurora-2' })
      .resolves({ DBInstances: [dbInstance('orders-aurora-2', 'available')] });
    h.west.on(FailoverDBClusterCommand).resolves({ DBCluster: dbCluster('orders-aurora', 'failing-over') });

    const plan = await h.planner.plan(failover('orders-writer'));

    expect(plan.preflight.map((p) => [p.check?.kind, p.check?.step, p.ok])).toEqual([
      ['replica-lag', 'failover-cluster', true],
      ['cluster-reader', 'failover-cluster', true],
    ]);
    expect(plan.calls.map((c) => [c.id, c.operation, c.irreversible ?? false])).toEqual([
      ['failover-cluster', 'FailoverDBCluster', false],
      ['wait-writer', 'DescribeDBClusters', false],
    ]);
    expect(plan.resources).toEqual([
      'runbook:failover:orders-writer',
      'rds:us-west-2:cluster:orders-aurora',
      'rds:us-west-2:instance:orders-aurora-2',
    ]);

    const outcome = await h.runner.run('run-1', plan);

    expect(outcome.status).toBe('succeeded');
    expect(h.west.commandCalls(FailoverDBClusterCommand).map((c) => c.args[0].input)).toEqual([
      { DBClusterIdentifier: 'orders-aurora', TargetDBInstanceIdentifier: 'orders-aurora-2' },
    ]);
  });

  it('refuses a target that is not a member of the cluster, naming the members', async () => {
    h.west.on(DescribeDBClustersCommand, { DBClusterIdentifier: 'orders-aurora' }).resolves({
      DBClusters: [
        dbCluster('orders-aurora', 'available', {
          DBClusterMembers: [{ DBInstanceIdentifier: 'orders-aurora-1', IsClusterWriter: true }],
        }),
      ],
    });
    h.west
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-aurora-2' })
      .resolves({ DBInstances: [dbInstance('orders-aurora-2', 'available')] });

    await expect(h.planner.plan(failover('orders-writer'))).rejects.toMatchObject({
      code: 'LIFEBOAT_PREFLIGHT_FAILED',
      message: expect.stringContaining('orders-aurora-2 is not a member of cluster orders-aurora (members: orders-aurora-1)'),
    });
    expect(h.west.commandCalls(FailoverDBClusterCommand)).toEqual([]);
  });
});
