import { beforeEach, describe, expect, it } from 'vitest';
import { DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import { clusterPromotionEffect, clusterRetentionEffect, clusterWriterEffect } from '../../../src/actions/mutation-effects.js';
import { dbCluster, harness } from './fixtures.js';

/*
 * What reading a cluster back says about a cluster call whose answer was lost: the run carries on
 * only from an effect it can see (the real SDK client, answered by aws-sdk-client-mock).
 */

const h = harness();
const MEMBERS = (writer: string) => ({
  DBClusterMembers: ['orders-aurora-1', 'orders-aurora-2'].map((id) => ({ DBInstanceIdentifier: id, IsClusterWriter: id === writer })),
});
const MOVE = { DBClusterIdentifier: 'orders-aurora', TargetDBInstanceIdentifier: 'orders-aurora-2' };

beforeEach(() => h.reset());

function cluster(id: string, status: string, extra: Parameters<typeof dbCluster>[2] = {}) {
  h.west.on(DescribeDBClustersCommand, { DBClusterIdentifier: id }).resolves({ DBClusters: [dbCluster(id, status, extra)] });
}

describe('FailoverDBCluster read back', () => {
  it.each([
    [
      'the target is the writer',
      'available',
      'orders-aurora-2',
      { took: true, observed: 'orders-aurora-2 is the writer of cluster orders-aurora' },
    ],
    ['the cluster is failing over', 'failing-over', 'orders-aurora-1', { took: true, observed: 'cluster orders-aurora is failing-over' }],
    [
      'nothing moved',
      'available',
      'orders-aurora-1',
      { took: false, observed: 'cluster orders-aurora is available and its writer is still orders-aurora-1' },
    ],
  ])('%s', async (_case, status, writer, effect) => {
    cluster('orders-aurora', status, MEMBERS(writer));
    expect(await clusterWriterEffect(h.live.rds, 'us-west-2', MOVE)).toEqual(effect);
  });
});

describe('ModifyDBCluster (backup retention) read back', () => {
  const input = { DBClusterIdentifier: 'orders-west', BackupRetentionPeriod: 7, ApplyImmediately: true } as const;

  it('took effect when the cluster keeps the new number of days', async () => {
    cluster('orders-west', 'available', { BackupRetentionPeriod: 7 });
    expect(await clusterRetentionEffect(h.live.rds, 'us-west-2', input)).toEqual({
      took: true,
      observed: 'cluster orders-west keeps 7 days of backups',
    });
  });

  it('did not when it still keeps the old number', async () => {
    cluster('orders-west', 'available', { BackupRetentionPeriod: 1 });
    expect(await clusterRetentionEffect(h.live.rds, 'us-west-2', input)).toEqual({
      took: false,
      observed: 'cluster orders-west keeps 1 day of backups',
    });
  });
});

describe('PromoteReadReplicaDBCluster read back', () => {
  it('did not take effect while the cluster is still an available replica', async () => {
    cluster('orders-west', 'available', { ReplicationSourceIdentifier: 'orders-east' });
    expect(await clusterPromotionEffect(h.live.rds, 'us-west-2', 'orders-west')).toEqual({
      took: false,
      observed: 'cluster orders-west is still an available read replica of orders-east',
    });
  });

  it('took effect once the cluster names no replication source', async () => {
    cluster('orders-west', 'available');
    expect(await clusterPromotionEffect(h.live.rds, 'us-west-2', 'orders-west')).toEqual({
      took: true,
      observed: 'cluster orders-west is available and no longer a read replica',
    });
  });
});
