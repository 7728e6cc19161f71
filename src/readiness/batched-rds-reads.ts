import {
  DescribeDBClustersCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  type DBInstanceAutomatedBackup,
} from '@aws-sdk/client-rds';
import { rdsFor, type RdsSource } from '../aws/aws-clients.js';
import { gatewayCall as call } from '../aws/aws-gateway-error.js';
import { SdkRdsGateway, clusterView, instanceView, restoreWindowView } from '../aws/rds-gateway-sdk.js';
import type {
  DbClusterView,
  DbInstanceView,
  GlobalClusterView,
  RdsGateway,
  RestoreWindowView,
  RetainedBackupView,
  RetainedClusterBackupView,
  SnapshotView,
} from '../aws/rds-gateway.js';
import { KeyedBatch, chunks } from './keyed-batch.js';

/** Values per `Filters` entry; RDS documents no smaller limit and pages its answers (MaxRecords 100). */
const FILTER_VALUES = 100;

/** What a read-only RDS gateway refuses: readiness must never change anything. */
function refuse(operation: string): Promise<never> {
  return Promise.reject(new Error(`readiness is read-only: ${operation} is never called during an evaluation`));
}

/**
 * The RDS reads of one readiness cycle: the describes every runbook's pre-flight asks for, batched
 * per region into one filtered DescribeDBInstances / DescribeDBClusters /
 * DescribeDBInstanceAutomatedBackups each (up to 100 identifiers), and memoised for the cycle, so
 * 50 runbooks cost a few calls, not 150. The rarer describes (global clusters, snapshots) are
 * memoised only. Every mutating method refuses.
 */
export class BatchedRdsReads implements RdsGateway {
  private readonly single: SdkRdsGateway;
  private readonly instances = new Map<string, KeyedBatch<DbInstanceView | null>>();
  private readonly clusters = new Map<string, KeyedBatch<DbClusterView | null>>();
  private readonly windows = new Map<string, KeyedBatch<RestoreWindowView | null>>();
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(private readonly clients: RdsSource) {
    this.single = new SdkRdsGateway(clients);
  }

  describeDbInstance(region: string, dbInstance: string): Promise<DbInstanceView | null> {
    return batchFor(this.instances, region, (ids) => this.loadInstances(region, ids)).get(dbInstance);
  }

  describeDbCluster(region: string, dbCluster: string): Promise<DbClusterView | null> {
    return batchFor(this.clusters, region, (ids) => this.loadClusters(region, ids)).get(dbCluster);
  }

  describeRestoreWindow(region: string, dbInstance: string): Promise<RestoreWindowView | null> {
    return batchFor(this.windows, region, (ids) => this.loadWindows(region, ids)).get(dbInstance);
  }

  describeGlobalCluster(region: string, globalCluster: string): Promise<GlobalClusterView | null> {
    return this.once(`global:${region}:${globalCluster}`, () => this.single.describeGlobalCluster(region, globalCluster));
  }

  describeDbSnapshot(region: string, snapshotId: string): Promise<SnapshotView | null> {
    return this.once(`snapshot:${region}:${snapshotId}`, () => this.single.describeDbSnapshot(region, snapshotId));
  }

  describeDbClusterSnapshot(region: string, snapshotId: string): Promise<SnapshotView | null> {
    return this.once(`cluster-snapshot:${region}:${snapshotId}`, () => this.single.describeDbClusterSnapshot(region, snapshotId));
  }

  /** Only asked for a deleted source instance (rare): memoised per cycle, not batched. */
  describeRetainedBackups(region: string, dbInstance: string): Promise<RetainedBackupView[]> {
    return this.once(`retained:${region}:${dbInstance}`, () => this.single.describeRetainedBackups(region, dbInstance));
  }

  /** Only asked for a deleted source cluster (rare): memoised per cycle, not batched. */
  describeRetainedClusterBackups(region: string, dbCluster: string): Promise<RetainedClusterBackupView[]> {
    return this.once(`retained-cluster:${region}:${dbCluster}`, () => this.single.describeRetainedClusterBackups(region, dbCluster));
  }

  promoteReadReplica = () => refuse('PromoteReadReplica');
  promoteReadReplicaDbCluster = () => refuse('PromoteReadReplicaDBCluster');
  failoverDbCluster = () => refuse('FailoverDBCluster');
  rebootDbInstance = () => refuse('RebootDBInstance');
  modifyDbClusterRetention = () => refuse('ModifyDBCluster');
  switchoverGlobalCluster = () => refuse('SwitchoverGlobalCluster');
  failoverGlobalCluster = () => refuse('FailoverGlobalCluster');
  restoreDbInstanceFromSnapshot = () => refuse('RestoreDBInstanceFromDBSnapshot');
  restoreDbInstanceToPointInTime = () => refuse('RestoreDBInstanceToPointInTime');
  restoreDbClusterFromSnapshot = () => refuse('RestoreDBClusterFromSnapshot');
  restoreDbClusterToPointInTime = () => refuse('RestoreDBClusterToPointInTime');
  createDbInstance = () => refuse('CreateDBInstance');
  deleteDbInstance = () => refuse('DeleteDBInstance');
  deleteDbCluster = () => refuse('DeleteDBCluster');

  private once<T>(key: string, read: () => Promise<T>): Promise<T> {
    const known = this.memo.get(key) as Promise<T> | undefined;
    if (known) return known;
    const answer = read();
    this.memo.set(key, answer);
    return answer;
  }

  private async loadInstances(region: string, ids: string[]): Promise<Map<string, DbInstanceView | null>> {
    const dbs = await describeAll(ids, async (Filters, Marker) => {
      const out = await call('rds:DescribeDBInstances', region, () =>
        rdsFor(this.clients, region).send(
          new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-instance-id', Values: Filters }], Marker }),
        ),
      );
      return { items: out.DBInstances ?? [], marker: out.Marker };
    });
    return byIdAndArn(dbs.map(instanceView));
  }

  private async loadClusters(region: string, ids: string[]): Promise<Map<string, DbClusterView | null>> {
    const clusters = await describeAll(ids, async (Filters, Marker) => {
      const out = await call('rds:DescribeDBClusters', region, () =>
        rdsFor(this.clients, region).send(new DescribeDBClustersCommand({ Filters: [{ Name: 'db-cluster-id', Values: Filters }], Marker })),
      );
      return { items: out.DBClusters ?? [], marker: out.Marker };
    });
    return byIdAndArn(clusters.map(clusterView));
  }

  private async loadWindows(region: string, ids: string[]): Promise<Map<string, RestoreWindowView | null>> {
    const backups = await describeAll(ids, async (Filters, Marker) => {
      const out = await call('rds:DescribeDBInstanceAutomatedBackups', region, () =>
        rdsFor(this.clients, region).send(
          new DescribeDBInstanceAutomatedBackupsCommand({ Filters: [{ Name: 'db-instance-id', Values: Filters }], Marker }),
        ),
      );
      return { items: out.DBInstanceAutomatedBackups ?? [], marker: out.Marker };
    });
    const byInstance = new Map<string, DBInstanceAutomatedBackup[]>();
    for (const backup of backups) {
      const id = backup.DBInstanceIdentifier?.toLowerCase();
      if (id) byInstance.set(id, [...(byInstance.get(id) ?? []), backup]);
    }
    const found = new Map<string, RestoreWindowView | null>();
    for (const [id, list] of byInstance) found.set(id, restoreWindowView(list));
    return found;
  }
}

/** Every item a filtered describe answers for `ids`, 100 identifiers per request, following `Marker`. */
export async function describeAll<T>(
  ids: string[],
  page: (values: string[], marker: string | undefined) => Promise<{ items: T[]; marker: string | undefined }>,
): Promise<T[]> {
  const items: T[] = [];
  for (const part of chunks(ids, FILTER_VALUES)) {
    let marker: string | undefined;
    do {
      const out = await page(part, marker);
      items.push(...out.items);
      marker = out.marker;
    } while (marker);
  }
  return items;
}

/** Views keyed by lower-cased id and ARN: a runbook may name a cluster by either. */
function byIdAndArn<V extends { id: string; arn?: string }>(views: Array<V | null>): Map<string, V | null> {
  const found = new Map<string, V | null>();
  for (const view of views) {
    if (!view) continue;
    found.set(view.id.toLowerCase(), view);
    if (view.arn) found.set(view.arn.toLowerCase(), view);
  }
  return found;
}

function batchFor<V>(batches: Map<string, KeyedBatch<V | null>>, region: string, load: (ids: string[]) => Promise<Map<string, V | null>>) {
  let batch = batches.get(region);
  if (!batch) {
    batch = new KeyedBatch<V | null>(load, null);
    batches.set(region, batch);
  }
  return batch;
}
