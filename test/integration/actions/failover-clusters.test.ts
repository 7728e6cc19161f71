import { beforeEach, describe, expect, it } from 'vitest';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, FailoverDBClusterCommand, type DBCluster } from '@aws-sdk/client-rds';
import type { FailoverRequest } from '../../../src/core/action-request.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { ACCOUNT, dbCluster, dbInstance, harness } from './fixtures.js';

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
