import type { DBCluster, DBClusterAutomatedBackup, DBInstance, DBInstanceAutomatedBackup, Tag } from '@aws-sdk/client-rds';
import type { DbSettingsView, RdsTag } from './rds-gateway.js';

function tagsOf(list: Tag[] | undefined): RdsTag[] | undefined {
  if (!list) return undefined;
  return list.flatMap((t) => (t.Key !== undefined ? [{ Key: t.Key, Value: t.Value ?? '' }] : []));
}

/** Drops the settings RDS did not report, so a view never holds `undefined` values. */
function defined(view: { [K in keyof DbSettingsView]: DbSettingsView[K] | undefined }): DbSettingsView {
  return Object.fromEntries(Object.entries(view).filter(([, value]) => value !== undefined));
}

/** What a restore of this instance carries over (DescribeDBInstances). */
export function instanceSettings(db: DBInstance): DbSettingsView {
  return defined({
    multiAz: db.MultiAZ,
    deletionProtection: db.DeletionProtection,
    kmsKeyId: db.StorageEncrypted ? db.KmsKeyId : undefined,
    parameterGroup: db.DBParameterGroups?.[0]?.DBParameterGroupName,
    optionGroup: db.OptionGroupMemberships?.[0]?.OptionGroupName,
    storageType: db.StorageType,
    iops: db.Iops,
    storageThroughput: db.StorageThroughput,
    tags: tagsOf(db.TagList),
    copyTagsToSnapshot: db.CopyTagsToSnapshot,
    iamDatabaseAuthentication: db.IAMDatabaseAuthenticationEnabled,
  });
}

/** What a restore of this cluster carries over (DescribeDBClusters). */
export function clusterSettings(c: DBCluster): DbSettingsView {
  const scaling = c.ServerlessV2ScalingConfiguration;
  return defined({
    multiAz: c.MultiAZ,
    deletionProtection: c.DeletionProtection,
    kmsKeyId: c.StorageEncrypted ? c.KmsKeyId : undefined,
    parameterGroup: c.DBClusterParameterGroup,
    storageType: c.StorageType,
    iops: c.Iops,
    tags: tagsOf(c.TagList),
    copyTagsToSnapshot: c.CopyTagsToSnapshot,
    iamDatabaseAuthentication: c.IAMDatabaseAuthenticationEnabled,
    serverless:
      scaling?.MinCapacity !== undefined && scaling.MaxCapacity !== undefined
        ? { min: scaling.MinCapacity, max: scaling.MaxCapacity }
        : undefined,
  });
}

/**
 * What a retained automated backup still knows of its deleted instance. It reports no Multi-AZ,
 * deletion protection or parameter group (DBInstanceAutomatedBackup has no such fields): the
 * runbook sets those, or RDS defaults apply.
 */
export function backupSettings(b: DBInstanceAutomatedBackup): DbSettingsView {
  return defined({
    kmsKeyId: b.Encrypted ? b.KmsKeyId : undefined,
    optionGroup: b.OptionGroupName,
    storageType: b.StorageType,
    iops: b.Iops,
    storageThroughput: b.StorageThroughput,
    tags: tagsOf(b.TagList),
    iamDatabaseAuthentication: b.IAMDatabaseAuthenticationEnabled,
  });
}

/**
 * What a retained automated backup still knows of its deleted cluster. DBClusterAutomatedBackup
 * has no deletion protection, DB cluster parameter group, copy-tags or Serverless v2 capacity
 * field (nor Multi-AZ, which a cluster restore does not take): the runbook sets those, or RDS
 * defaults apply.
 */
export function clusterBackupSettings(b: DBClusterAutomatedBackup): DbSettingsView {
  return defined({
    // "Indicates whether the source DB cluster is encrypted"; KmsKeyId: "The Amazon Web Services KMS key ID for an automated backup".
    kmsKeyId: b.StorageEncrypted ? b.KmsKeyId : undefined,
    storageType: b.StorageType,
    iops: b.Iops,
    tags: tagsOf(b.TagList),
    iamDatabaseAuthentication: b.IAMDatabaseAuthenticationEnabled,
  });
}
