/**
 * The RDS calls the DR actions make, as a port. Inputs use the AWS parameter names exactly (so a
 * plan shows approvers the real request) but are JSON-safe: times are ISO-8601 strings, which the
 * SDK adapter turns into `Date`s. Describes answer null when the resource does not exist.
 */
export interface RdsGateway {
  /** DescribeDBInstances for one identifier (or ARN). */
  describeDbInstance(region: string, dbInstance: string): Promise<DbInstanceView | null>;
  /** DescribeDBClusters for one identifier (or ARN). */
  describeDbCluster(region: string, dbCluster: string): Promise<DbClusterView | null>;
  /** DescribeGlobalClusters for one global database. */
  describeGlobalCluster(region: string, globalCluster: string): Promise<GlobalClusterView | null>;
  /** DescribeDBSnapshots for one snapshot id (automated `rds:` ids included). */
  describeDbSnapshot(region: string, snapshotId: string): Promise<SnapshotView | null>;
  /** DescribeDBClusterSnapshots for one snapshot id (automated `rds:` ids included). */
  describeDbClusterSnapshot(region: string, snapshotId: string): Promise<SnapshotView | null>;
  /** DescribeDBInstanceAutomatedBackups: the instance's point-in-time restore window. */
  describeRestoreWindow(region: string, dbInstance: string): Promise<RestoreWindowView | null>;
  /** DescribeDBInstanceAutomatedBackups, `retained` only: what is left of a deleted instance with this name. */
  describeRetainedBackups(region: string, dbInstance: string): Promise<RetainedBackupView[]>;
  /** DescribeDBClusterAutomatedBackups, `retained` only: what is left of a deleted cluster with this name. */
  describeRetainedClusterBackups(region: string, dbCluster: string): Promise<RetainedClusterBackupView[]>;

  promoteReadReplica(region: string, input: PromoteReadReplicaInput): Promise<DbInstanceView | null>;
  promoteReadReplicaDbCluster(region: string, input: PromoteReadReplicaDbClusterInput): Promise<DbClusterView | null>;
  failoverDbCluster(region: string, input: FailoverDbClusterInput): Promise<DbClusterView | null>;
  /** RebootDBInstance with ForceFailover: a Multi-AZ drill only. */
  rebootDbInstance(region: string, input: RebootDbInstanceFailoverInput): Promise<DbInstanceView | null>;
  /** ModifyDBCluster, for the backup retention of a promoted cluster only. */
  modifyDbClusterRetention(region: string, input: ModifyDbClusterRetentionInput): Promise<DbClusterView | null>;
  switchoverGlobalCluster(region: string, input: SwitchoverGlobalClusterInput): Promise<GlobalClusterView | null>;
  failoverGlobalCluster(region: string, input: FailoverGlobalClusterInput): Promise<GlobalClusterView | null>;
  restoreDbInstanceFromSnapshot(region: string, input: RestoreDbInstanceFromSnapshotInput): Promise<DbInstanceView | null>;
  restoreDbInstanceToPointInTime(region: string, input: RestoreDbInstanceToPointInTimeInput): Promise<DbInstanceView | null>;
  restoreDbClusterFromSnapshot(region: string, input: RestoreDbClusterFromSnapshotInput): Promise<DbClusterView | null>;
  restoreDbClusterToPointInTime(region: string, input: RestoreDbClusterToPointInTimeInput): Promise<DbClusterView | null>;
  createDbInstance(region: string, input: CreateDbInstanceInput): Promise<DbInstanceView | null>;
  /** Restore drills only, on resources read back as carrying the drill's tag (src/drills). */
  deleteDbInstance(region: string, input: DeleteDbInstanceInput): Promise<DbInstanceView | null>;
  deleteDbCluster(region: string, input: DeleteDbClusterInput): Promise<DbClusterView | null>;
}

/** What the actions need from a DBInstance. Times are epoch ms. */
export interface DbInstanceView {
  id: string;
  /** DBInstanceStatus: `available`, `modifying`, `backing-up`, `creating`, ... */
  status: string;
  arn?: string;
  engine?: string;
  engineVersion?: string;
  /** `host:port` once RDS has assigned one (absent while creating). */
  endpoint?: string;
  /** ReadReplicaSourceDBInstanceIdentifier: set while the instance is a read replica. */
  replicaSource?: string;
  latestRestorableTime?: number;
  /** Set when the instance belongs to a cluster. */
  clusterId?: string;
  /** BackupRetentionPeriod, days (0: automated backups off). */
  backupRetention?: number;
  /** AvailabilityZone: where the primary runs. */
  availabilityZone?: string;
  /** SecondaryAvailabilityZone: where a Multi-AZ instance's standby runs. */
  secondaryAvailabilityZone?: string;
  /** What a restore carries over from this instance. */
  settings?: DbSettingsView;
}

/** What the actions need from a DBCluster. Times are epoch ms. */
export interface DbClusterView {
  id: string;
  status: string;
  arn?: string;
  engine?: string;
  engineVersion?: string;
  /** Writer endpoint `host:port`. */
  endpoint?: string;
  earliestRestorableTime?: number;
  latestRestorableTime?: number;
  globalClusterId?: string;
  /** ReplicationSourceIdentifier: set while the cluster is a (cross-region) read replica. */
  replicationSource?: string;
  /** DBClusterMembers: its instances, and which one is the writer (IsClusterWriter). */
  members?: Array<{ instance: string; isWriter: boolean }>;
  /** BackupRetentionPeriod, days. */
  backupRetention?: number;
  /** What a restore carries over from this cluster. */
  settings?: DbSettingsView;
}

/**
 * The settings a restore carries over from its source, as RDS describes them; absent when RDS
 * did not report one. Parameter group: the instance's DB parameter group, or the cluster's DB
 * cluster parameter group.
 */
export interface DbSettingsView {
  multiAz?: boolean;
  deletionProtection?: boolean;
  /** Set when storage is encrypted. */
  kmsKeyId?: string;
  parameterGroup?: string;
  optionGroup?: string;
  storageType?: string;
  iops?: number;
  /** MiB/s (gp3). */
  storageThroughput?: number;
  tags?: RdsTag[];
  copyTagsToSnapshot?: boolean;
  iamDatabaseAuthentication?: boolean;
  /** Aurora Serverless v2 capacity range, ACUs. */
  serverless?: { min: number; max: number };
}

export interface RdsTag {
  Key: string;
  Value: string;
}

/** A deleted instance's retained automated backup: restorable by its resource id within its window. */
export interface RetainedBackupView {
  /** DbiResourceId of the deleted instance: RestoreDBInstanceToPointInTime's SourceDbiResourceId. */
  dbiResourceId: string;
  engine?: string;
  /** Epoch ms. */
  earliest?: number;
  latest?: number;
  settings: DbSettingsView;
}

/**
 * A deleted cluster's retained automated backup ("system backups, transaction logs, and the
 * database cluster properties that existed at the time you deleted the source cluster",
 * DBClusterAutomatedBackup): restorable by its resource id within its window.
 */
export interface RetainedClusterBackupView {
  /** DbClusterResourceId of the deleted cluster: RestoreDBClusterToPointInTime's SourceDbClusterResourceId. */
  dbClusterResourceId: string;
  /** The Aurora writer is created with it (CreateDBInstance's Engine); it also tells Aurora from Multi-AZ DB clusters. */
  engine?: string;
  /** Epoch ms. */
  earliest?: number;
  latest?: number;
  settings: DbSettingsView;
}

/** An Aurora global database and its members. */
export interface GlobalClusterView {
  id: string;
  status: string;
  members: Array<{ arn: string; isWriter: boolean }>;
  /** FailoverState: present while a switchover or failover is pending or in progress. */
  failover?: { status?: string; fromArn?: string; toArn?: string; dataLossAllowed?: boolean };
}

/** A DB snapshot or DB cluster snapshot. */
export interface SnapshotView {
  id: string;
  /** `available`, `creating`, `copying`, `failed`, ... */
  status: string;
  /** The instance or cluster it was taken from. */
  source?: string;
  engine?: string;
  engineVersion?: string;
  /** Epoch ms. */
  createdAt?: number;
  /** The key an encrypted snapshot is encrypted with (and an instance restored from it). */
  kmsKeyId?: string;
}

/** An instance's restorable window from its active automated backup. Epoch ms. */
export interface RestoreWindowView {
  earliest?: number;
  latest?: number;
  /** `active`, `retained`, `creating`. */
  status?: string;
}

export interface PromoteReadReplicaInput {
  DBInstanceIdentifier: string;
  /** "Default: 1 ... Must be a value from 0 to 35": set here, the promoted instance never runs on 1 day. */
  BackupRetentionPeriod?: number;
}

export interface PromoteReadReplicaDbClusterInput {
  /** "Must match the identifier of an existing DB cluster read replica." */
  DBClusterIdentifier: string;
}

export interface FailoverDbClusterInput {
  DBClusterIdentifier: string;
  /** "The name of the DB instance to promote to the primary DB instance": an Aurora Replica in the cluster. */
  TargetDBInstanceIdentifier: string;
}

/**
 * RebootDBInstance of a Multi-AZ instance with "ForceFailover: Specifies whether the reboot is
 * conducted through a Multi-AZ failover" set: the standby becomes the primary.
 */
export interface RebootDbInstanceFailoverInput {
  DBInstanceIdentifier: string;
  ForceFailover: true;
}

export interface ModifyDbClusterRetentionInput {
  DBClusterIdentifier: string;
  /** "Must be a value from 1 to 35." */
  BackupRetentionPeriod: number;
  /** Sent so the change is not left for the maintenance window, whatever RDS applies at once anyway. */
  ApplyImmediately: true;
}

export interface SwitchoverGlobalClusterInput {
  GlobalClusterIdentifier: string;
  /** The secondary cluster's ARN ("Use the ARN ... so that Aurora can locate the cluster in its Region"). */
  TargetDbClusterIdentifier: string;
}

export interface FailoverGlobalClusterInput extends SwitchoverGlobalClusterInput {
  /** "Allowing data loss triggers a global failover operation"; can't be combined with Switchover. */
  AllowDataLoss: true;
}

/** Network placement shared by the restore calls; the runbook's subnet group and security groups. */
interface Placement {
  DBSubnetGroupName?: string;
  VpcSecurityGroupIds?: string[];
}

/** Settings both restores of an instance carry over (no KmsKeyId: an instance restore keeps its source's key). */
export interface InstanceRestoreSettings {
  MultiAZ?: boolean;
  DeletionProtection?: boolean;
  DBParameterGroupName?: string;
  OptionGroupName?: string;
  StorageType?: string;
  Iops?: number;
  StorageThroughput?: number;
  Tags?: RdsTag[];
  CopyTagsToSnapshot?: boolean;
  EnableIAMDatabaseAuthentication?: boolean;
}

/** Settings both restores of a cluster carry over. */
export interface ClusterRestoreSettings {
  DeletionProtection?: boolean;
  KmsKeyId?: string;
  DBClusterParameterGroupName?: string;
  StorageType?: string;
  Iops?: number;
  Tags?: RdsTag[];
  CopyTagsToSnapshot?: boolean;
  EnableIAMDatabaseAuthentication?: boolean;
  /** Aurora Serverless v2: the writer is then created with DBInstanceClass `db.serverless`. */
  ServerlessV2ScalingConfiguration?: { MinCapacity: number; MaxCapacity: number };
}

export interface RestoreDbInstanceFromSnapshotInput extends Placement, InstanceRestoreSettings {
  DBInstanceIdentifier: string;
  /** Automated snapshots keep their `rds:` prefix. */
  DBSnapshotIdentifier: string;
  DBInstanceClass: string;
}

export interface RestoreDbInstanceToPointInTimeInput extends Placement, InstanceRestoreSettings {
  /** Exactly one of SourceDBInstanceIdentifier and SourceDbiResourceId. */
  SourceDBInstanceIdentifier?: string;
  /** "The resource ID of the source DB instance from which to restore": a deleted instance's retained backup. */
  SourceDbiResourceId?: string;
  TargetDBInstanceIdentifier: string;
  /** ISO-8601 UTC; exclusive with UseLatestRestorableTime. */
  RestoreTime?: string;
  UseLatestRestorableTime?: true;
  DBInstanceClass: string;
}

export interface RestoreDbClusterFromSnapshotInput extends Placement, ClusterRestoreSettings {
  DBClusterIdentifier: string;
  SnapshotIdentifier: string;
  /** Required by the API ("Engine: string | undefined", no `?`): the snapshot's engine. */
  Engine: string;
  /** The snapshot's version; without it "the default version for the database engine in the Region is used". */
  EngineVersion?: string;
  /** Multi-AZ DB clusters only ("Valid for: Multi-AZ DB clusters only"). */
  DBClusterInstanceClass?: string;
}

export interface RestoreDbClusterToPointInTimeInput extends Placement, ClusterRestoreSettings {
  DBClusterIdentifier: string;
  /** Exactly one of SourceDBClusterIdentifier ("Must match the identifier of an existing DBCluster") and SourceDbClusterResourceId. */
  SourceDBClusterIdentifier?: string;
  /** "The resource ID of the source DB cluster from which to restore": a deleted cluster's retained backup. */
  SourceDbClusterResourceId?: string;
  /** ISO-8601 UTC; exclusive with UseLatestRestorableTime. */
  RestoreToTime?: string;
  UseLatestRestorableTime?: true;
  /** Multi-AZ DB clusters only. */
  DBClusterInstanceClass?: string;
}

/** The writer instance of a restored Aurora cluster (the restore creates the cluster only). */
export interface CreateDbInstanceInput {
  DBInstanceIdentifier: string;
  DBClusterIdentifier: string;
  DBInstanceClass: string;
  Engine: string;
  /** The cluster's tags and copy-tags setting, so the writer is tagged like the restored cluster. */
  Tags?: RdsTag[];
  CopyTagsToSnapshot?: boolean;
}

/**
 * A drill's temporary instance: "If you enable this parameter, RDS doesn't create a DB snapshot"
 * (SkipFinalSnapshot); its automated backups go with it ("When you delete a DB instance, all
 * automated backups for that instance are deleted", DeleteDBInstance).
 */
export interface DeleteDbInstanceInput {
  DBInstanceIdentifier: string;
  SkipFinalSnapshot: true;
}

/** A drill's temporary cluster, once its writer is gone; no final cluster snapshot. */
export interface DeleteDbClusterInput {
  DBClusterIdentifier: string;
  SkipFinalSnapshot: true;
}
