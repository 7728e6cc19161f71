import {
  CreateDBInstanceCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClusterAutomatedBackupsCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DescribeGlobalClustersCommand,
  FailoverDBClusterCommand,
  FailoverGlobalClusterCommand,
  ModifyDBClusterCommand,
  PromoteReadReplicaDBClusterCommand,
  PromoteReadReplicaCommand,
  RebootDBInstanceCommand,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBClusterToPointInTimeCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  RestoreDBInstanceToPointInTimeCommand,
  SwitchoverGlobalClusterCommand,
  type DBCluster,
  type DBClusterSnapshot,
  type DBInstance,
  type DBInstanceAutomatedBackup,
  type DBSnapshot,
  type GlobalCluster,
} from '@aws-sdk/client-rds';
import { rdsFor, type RdsSource } from './aws-clients.js';
import { gatewayCall, gatewayLookup } from './aws-gateway-error.js';
import { backupSettings, clusterBackupSettings, clusterSettings, instanceSettings } from './rds-settings-view.js';
import type {
  CreateDbInstanceInput,
  DeleteDbClusterInput,
  DeleteDbInstanceInput,
  DbClusterView,
  DbInstanceView,
  FailoverDbClusterInput,
  FailoverGlobalClusterInput,
  GlobalClusterView,
  ModifyDbClusterRetentionInput,
  PromoteReadReplicaDbClusterInput,
  RebootDbInstanceFailoverInput,
  PromoteReadReplicaInput,
  RdsGateway,
  RestoreDbClusterFromSnapshotInput,
  RestoreDbClusterToPointInTimeInput,
  RestoreDbInstanceFromSnapshotInput,
  RestoreDbInstanceToPointInTimeInput,
  RestoreWindowView,
  RetainedBackupView,
  RetainedClusterBackupView,
  SnapshotView,
  SwitchoverGlobalClusterInput,
} from './rds-gateway.js';

const ms = (date: Date | undefined): number | undefined => (date ? date.getTime() : undefined);
const toDate = (iso: string | undefined): Date | undefined => (iso === undefined ? undefined : new Date(iso));

/**
 * DescribeDBSnapshots / DescribeDBClusterSnapshots: "If this identifier is for an automated
 * snapshot, the SnapshotType parameter must also be specified" (SDK model docs); automated
 * snapshot ids start with `rds:`.
 */
function snapshotType(snapshotId: string): { SnapshotType?: string } {
  return snapshotId.startsWith('rds:') ? { SnapshotType: 'automated' } : {};
}

export function instanceView(db: DBInstance | undefined): DbInstanceView | null {
  if (!db?.DBInstanceIdentifier) return null;
  const address = db.Endpoint?.Address;
  return {
    id: db.DBInstanceIdentifier,
    status: db.DBInstanceStatus ?? 'unknown',
    ...(db.DBInstanceArn && { arn: db.DBInstanceArn }),
    ...(db.Engine && { engine: db.Engine }),
    ...(db.EngineVersion && { engineVersion: db.EngineVersion }),
    ...(address && { endpoint: db.Endpoint?.Port ? `${address}:${db.Endpoint.Port}` : address }),
    ...(db.ReadReplicaSourceDBInstanceIdentifier && { replicaSource: db.ReadReplicaSourceDBInstanceIdentifier }),
    ...(db.LatestRestorableTime && { latestRestorableTime: ms(db.LatestRestorableTime) }),
    ...(db.DBClusterIdentifier && { clusterId: db.DBClusterIdentifier }),
    ...(db.BackupRetentionPeriod !== undefined && { backupRetention: db.BackupRetentionPeriod }),
    ...(db.AvailabilityZone && { availabilityZone: db.AvailabilityZone }),
    ...(db.SecondaryAvailabilityZone && { secondaryAvailabilityZone: db.SecondaryAvailabilityZone }),
    settings: instanceSettings(db),
  };
}

export function clusterView(c: DBCluster | undefined): DbClusterView | null {
  if (!c?.DBClusterIdentifier) return null;
  return {
    id: c.DBClusterIdentifier,
    status: c.Status ?? 'unknown',
    ...(c.DBClusterArn && { arn: c.DBClusterArn }),
    ...(c.Engine && { engine: c.Engine }),
    ...(c.EngineVersion && { engineVersion: c.EngineVersion }),
    ...(c.Endpoint && { endpoint: c.Port ? `${c.Endpoint}:${c.Port}` : c.Endpoint }),
    ...(c.EarliestRestorableTime && { earliestRestorableTime: ms(c.EarliestRestorableTime) }),
    ...(c.LatestRestorableTime && { latestRestorableTime: ms(c.LatestRestorableTime) }),
    ...(c.GlobalClusterIdentifier && { globalClusterId: c.GlobalClusterIdentifier }),
    ...(c.ReplicationSourceIdentifier && { replicationSource: c.ReplicationSourceIdentifier }),
    ...(c.DBClusterMembers && {
      members: c.DBClusterMembers.flatMap((m) =>
        m.DBInstanceIdentifier ? [{ instance: m.DBInstanceIdentifier, isWriter: m.IsClusterWriter === true }] : [],
      ),
    }),
    ...(c.BackupRetentionPeriod !== undefined && { backupRetention: c.BackupRetentionPeriod }),
    settings: clusterSettings(c),
  };
}

function globalView(g: GlobalCluster | undefined): GlobalClusterView | null {
  if (!g?.GlobalClusterIdentifier) return null;
  const f = g.FailoverState;
  // "This object is empty unless the SwitchoverGlobalCluster or FailoverGlobalCluster operation was called"
  const inProgress = f && (f.Status || f.FromDbClusterArn || f.ToDbClusterArn);
  return {
    id: g.GlobalClusterIdentifier,
    status: g.Status ?? 'unknown',
    members: (g.GlobalClusterMembers ?? []).flatMap((m) =>
      m.DBClusterArn ? [{ arn: m.DBClusterArn, isWriter: m.IsWriter === true }] : [],
    ),
    ...(inProgress && {
      failover: {
        ...(f.Status && { status: f.Status }),
        ...(f.FromDbClusterArn && { fromArn: f.FromDbClusterArn }),
        ...(f.ToDbClusterArn && { toArn: f.ToDbClusterArn }),
        ...(f.IsDataLossAllowed !== undefined && { dataLossAllowed: f.IsDataLossAllowed }),
      },
    }),
  };
}

function snapshotView(
  id: string | undefined,
  s: DBSnapshot | DBClusterSnapshot | undefined,
  source: string | undefined,
): SnapshotView | null {
  if (!s || !id) return null;
  return {
    id,
    status: s.Status ?? 'unknown',
    ...(source && { source }),
    ...(s.Engine && { engine: s.Engine }),
    ...(s.EngineVersion && { engineVersion: s.EngineVersion }),
    ...(s.SnapshotCreateTime && { createdAt: ms(s.SnapshotCreateTime) }),
    ...(s.KmsKeyId && { kmsKeyId: s.KmsKeyId }),
  };
}

/** One instance's restore window from its automated backups. */
export function restoreWindowView(backups: DBInstanceAutomatedBackup[]): RestoreWindowView | null {
  // "retained" entries are backups of deleted instances that had the same name: not this one.
  const backup = backups.find((b) => b.Status === 'active') ?? backups.find((b) => b.Status !== 'retained');
  if (!backup) return null;
  return {
    ...(backup.RestoreWindow?.EarliestTime && { earliest: ms(backup.RestoreWindow.EarliestTime) }),
    ...(backup.RestoreWindow?.LatestTime && { latest: ms(backup.RestoreWindow.LatestTime) }),
    ...(backup.Status && { status: backup.Status }),
  };
}

/** `RdsGateway` over SDK v3 `RDSClient`s, one per region. Every failure is an `AwsGatewayError`. */
export class SdkRdsGateway implements RdsGateway {
  constructor(private readonly clients: RdsSource) {}

  describeDbInstance(region: string, dbInstance: string): Promise<DbInstanceView | null> {
    return gatewayLookup('rds:DescribeDBInstances', region, async () => {
      const out = await rdsFor(this.clients, region).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: dbInstance }));
      return instanceView(out.DBInstances?.[0]);
    });
  }

  describeDbCluster(region: string, dbCluster: string): Promise<DbClusterView | null> {
    return gatewayLookup('rds:DescribeDBClusters', region, async () => {
      const out = await rdsFor(this.clients, region).send(new DescribeDBClustersCommand({ DBClusterIdentifier: dbCluster }));
      return clusterView(out.DBClusters?.[0]);
    });
  }

  describeGlobalCluster(region: string, globalCluster: string): Promise<GlobalClusterView | null> {
    return gatewayLookup('rds:DescribeGlobalClusters', region, async () => {
      const out = await rdsFor(this.clients, region).send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: globalCluster }));
      return globalView(out.GlobalClusters?.[0]);
    });
  }

  describeDbSnapshot(region: string, snapshotId: string): Promise<SnapshotView | null> {
    return gatewayLookup('rds:DescribeDBSnapshots', region, async () => {
      const out = await rdsFor(this.clients, region).send(
        new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshotId, ...snapshotType(snapshotId) }),
      );
      const s = out.DBSnapshots?.[0];
      return snapshotView(s?.DBSnapshotIdentifier, s, s?.DBInstanceIdentifier);
    });
  }

  describeDbClusterSnapshot(region: string, snapshotId: string): Promise<SnapshotView | null> {
    return gatewayLookup('rds:DescribeDBClusterSnapshots', region, async () => {
      const out = await rdsFor(this.clients, region).send(
        new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: snapshotId, ...snapshotType(snapshotId) }),
      );
      const s = out.DBClusterSnapshots?.[0];
      return snapshotView(s?.DBClusterSnapshotIdentifier, s, s?.DBClusterIdentifier);
    });
  }

  describeRestoreWindow(region: string, dbInstance: string): Promise<RestoreWindowView | null> {
    return gatewayLookup('rds:DescribeDBInstanceAutomatedBackups', region, async () => {
      const out = await rdsFor(this.clients, region).send(
        new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: dbInstance }),
      );
      return restoreWindowView(out.DBInstanceAutomatedBackups ?? []);
    });
  }

  async describeRetainedBackups(region: string, dbInstance: string): Promise<RetainedBackupView[]> {
    const found = await gatewayLookup('rds:DescribeDBInstanceAutomatedBackups', region, async () => {
      // DBInstanceIdentifier "must match the identifier of an existing DB instance"; a deleted one
      // is found by the filters instead: `db-instance-id`, and `status` `retained` ("Automated
      // backups for deleted instances").
      const out = await rdsFor(this.clients, region).send(
        new DescribeDBInstanceAutomatedBackupsCommand({
          Filters: [
            { Name: 'db-instance-id', Values: [dbInstance] },
            { Name: 'status', Values: ['retained'] },
          ],
        }),
      );
      return (out.DBInstanceAutomatedBackups ?? []).flatMap((b) =>
        b.DbiResourceId && b.Status === 'retained'
          ? [
              {
                dbiResourceId: b.DbiResourceId,
                ...(b.Engine && { engine: b.Engine }),
                ...(b.RestoreWindow?.EarliestTime && { earliest: ms(b.RestoreWindow.EarliestTime) }),
                ...(b.RestoreWindow?.LatestTime && { latest: ms(b.RestoreWindow.LatestTime) }),
                settings: backupSettings(b),
              },
            ]
          : [],
      );
    });
    return found ?? [];
  }

  async describeRetainedClusterBackups(region: string, dbCluster: string): Promise<RetainedClusterBackupView[]> {
    const found = await gatewayLookup('rds:DescribeDBClusterAutomatedBackups', region, async () => {
      // As for instances, DBClusterIdentifier "must match the identifier of an existing DB
      // cluster"; a deleted one is found by the filters: `db-cluster-id` ("Accepts DB cluster
      // identifiers and Amazon Resource Names"), and `status` `retained` ("Automated backups for
      // deleted clusters and after backup replication is stopped").
      const out = await rdsFor(this.clients, region).send(
        new DescribeDBClusterAutomatedBackupsCommand({
          Filters: [
            { Name: 'db-cluster-id', Values: [dbCluster] },
            { Name: 'status', Values: ['retained'] },
          ],
        }),
      );
      return (out.DBClusterAutomatedBackups ?? []).flatMap((b) =>
        b.DbClusterResourceId && b.Status === 'retained'
          ? [
              {
                dbClusterResourceId: b.DbClusterResourceId,
                ...(b.Engine && { engine: b.Engine }),
                ...(b.RestoreWindow?.EarliestTime && { earliest: ms(b.RestoreWindow.EarliestTime) }),
                ...(b.RestoreWindow?.LatestTime && { latest: ms(b.RestoreWindow.LatestTime) }),
                settings: clusterBackupSettings(b),
              },
            ]
          : [],
      );
    });
    return found ?? [];
  }

  promoteReadReplica(region: string, input: PromoteReadReplicaInput): Promise<DbInstanceView | null> {
    return gatewayCall('rds:PromoteReadReplica', region, async () =>
      instanceView((await rdsFor(this.clients, region, 'mutate').send(new PromoteReadReplicaCommand(input))).DBInstance),
    );
  }

  promoteReadReplicaDbCluster(region: string, input: PromoteReadReplicaDbClusterInput): Promise<DbClusterView | null> {
    return gatewayCall('rds:PromoteReadReplicaDBCluster', region, async () =>
      clusterView((await rdsFor(this.clients, region, 'mutate').send(new PromoteReadReplicaDBClusterCommand(input))).DBCluster),
    );
  }

  failoverDbCluster(region: string, input: FailoverDbClusterInput): Promise<DbClusterView | null> {
    return gatewayCall('rds:FailoverDBCluster', region, async () =>
      clusterView((await rdsFor(this.clients, region, 'mutate').send(new FailoverDBClusterCommand(input))).DBCluster),
    );
  }

  rebootDbInstance(region: string, input: RebootDbInstanceFailoverInput): Promise<DbInstanceView | null> {
    return gatewayCall('rds:RebootDBInstance', region, async () =>
      instanceView((await rdsFor(this.clients, region, 'mutate').send(new RebootDBInstanceCommand(input))).DBInstance),
    );
  }

  modifyDbClusterRetention(region: string, input: ModifyDbClusterRetentionInput): Promise<DbClusterView | null> {
    return gatewayCall('rds:ModifyDBCluster', region, async () =>
      clusterView((await rdsFor(this.clients, region, 'mutate').send(new ModifyDBClusterCommand(input))).DBCluster),
    );
  }

  switchoverGlobalCluster(region: string, input: SwitchoverGlobalClusterInput): Promise<GlobalClusterView | null> {
    return gatewayCall('rds:SwitchoverGlobalCluster', region, async () =>
      globalView((await rdsFor(this.clients, region, 'mutate').send(new SwitchoverGlobalClusterCommand(input))).GlobalCluster),
    );
  }

  failoverGlobalCluster(region: string, input: FailoverGlobalClusterInput): Promise<GlobalClusterView | null> {
    return gatewayCall('rds:FailoverGlobalCluster', region, async () =>
      globalView((await rdsFor(this.clients, region, 'mutate').send(new FailoverGlobalClusterCommand(input))).GlobalCluster),
    );
  }

  restoreDbInstanceFromSnapshot(region: string, input: RestoreDbInstanceFromSnapshotInput): Promise<DbInstanceView | null> {
    return gatewayCall('rds:RestoreDBInstanceFromDBSnapshot', region, async () =>
      instanceView((await rdsFor(this.clients, region, 'mutate').send(new RestoreDBInstanceFromDBSnapshotCommand(input))).DBInstance),
    );
  }

  restoreDbInstanceToPointInTime(region: string, input: RestoreDbInstanceToPointInTimeInput): Promise<DbInstanceView | null> {
    const { RestoreTime, ...rest } = input;
    const command = new RestoreDBInstanceToPointInTimeCommand({ ...rest, ...(RestoreTime && { RestoreTime: toDate(RestoreTime) }) });
    return gatewayCall('rds:RestoreDBInstanceToPointInTime', region, async () =>
      instanceView((await rdsFor(this.clients, region, 'mutate').send(command)).DBInstance),
    );
  }

  restoreDbClusterFromSnapshot(region: string, input: RestoreDbClusterFromSnapshotInput): Promise<DbClusterView | null> {
    return gatewayCall('rds:RestoreDBClusterFromSnapshot', region, async () =>
      clusterView((await rdsFor(this.clients, region, 'mutate').send(new RestoreDBClusterFromSnapshotCommand(input))).DBCluster),
    );
  }

  restoreDbClusterToPointInTime(region: string, input: RestoreDbClusterToPointInTimeInput): Promise<DbClusterView | null> {
    const { RestoreToTime, ...rest } = input;
    const command = new RestoreDBClusterToPointInTimeCommand({ ...rest, ...(RestoreToTime && { RestoreToTime: toDate(RestoreToTime) }) });
    return gatewayCall('rds:RestoreDBClusterToPointInTime', region, async () =>
      clusterView((await rdsFor(this.clients, region, 'mutate').send(command)).DBCluster),
    );
  }

  createDbInstance(region: string, input: CreateDbInstanceInput): Promise<DbInstanceView | null> {
    return gatewayCall('rds:CreateDBInstance', region, async () =>
      instanceView((await rdsFor(this.clients, region, 'mutate').send(new CreateDBInstanceCommand(input))).DBInstance),
    );
  }

  deleteDbInstance(region: string, input: DeleteDbInstanceInput): Promise<DbInstanceView | null> {
    return gatewayCall('rds:DeleteDBInstance', region, async () =>
      instanceView((await rdsFor(this.clients, region, 'mutate').send(new DeleteDBInstanceCommand(input))).DBInstance),
    );
  }

  deleteDbCluster(region: string, input: DeleteDbClusterInput): Promise<DbClusterView | null> {
    return gatewayCall('rds:DeleteDBCluster', region, async () =>
      clusterView((await rdsFor(this.clients, region, 'mutate').send(new DeleteDBClusterCommand(input))).DBCluster),
    );
  }
}
