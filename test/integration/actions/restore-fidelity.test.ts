import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { members, RdsNock } from '../../doubles/rds-nock.js';
import { ORDERS_DB, ORDERS_DB_CARRIED_FIELDS, ORDERS_DB_KMS_KEY } from '../../doubles/restore-source-fixtures.js';
import { testClients } from '../aws/aws-fixtures.js';
import { actionsOver } from './fixtures.js';
import { CLUSTER_TARGET, HOUR, TARGET, WRITER, restore } from './restore-fixtures.js';

const KEY = ORDERS_DB_KMS_KEY;
/** The snapshot's own key: an instance restored from it is encrypted with this one, not the source's. */
const SNAPSHOT_KEY = 'arn:aws:kms:us-east-1:123456789012:key/7777cccc-22bb-33cc-44dd-555555eeeeee';
const CLUSTER_KEY = 'arn:aws:kms:us-east-1:123456789012:key/9999ffff-88ee-77dd-66cc-555555bbbbbb';

/** Runbooks that set nothing beyond placement (everything carried over) and one that overrides. */
const CONFIG = `
runbooks:
  restore:
    orders: { region: us-east-1, dbInstance: orders-db, instanceClass: db.r6g.large, subnetGroup: prod-db, securityGroups: [sg-0abc] }
    orders-overridden:
      region: us-east-1
      dbInstance: orders-db
      instanceClass: db.r6g.large
      deletionProtection: false
      parameterGroup: orders-pg16-restore
      storageType: io2
      iops: 20000
      tags: { restored-by: lifeboat, team: orders-dr }
    orders-serverless:
      region: us-east-1
      dbCluster: orders-east
      instanceClass: db.serverless
      serverless: { min: 0.5, max: 16 }
      subnetGroup: prod-db
`;

function build() {
  return { ...actionsOver(CONFIG, testClients()), east: new RdsNock('us-east-1') };
}

const absent = (id: string) => ['DBInstanceNotFound', `DBInstance ${id} not found.`] as const;

let h: ReturnType<typeof build>;

/** The restored instance or cluster as a wait step polls it: available at the first look. */
function answerAvailable(kind: 'instance' | 'cluster', id: string) {
  if (kind === 'instance') {
    h.east.answer(
      'DescribeDBInstances',
      { DBInstanceIdentifier: id },
      { DBInstances: members('DBInstance', [{ DBInstanceIdentifier: id, DBInstanceStatus: 'available' }]) },
    );
  } else {
    h.east.answer(
      'DescribeDBClusters',
      { DBClusterIdentifier: id },
      { DBClusters: members('DBCluster', [{ DBClusterIdentifier: id, Status: 'available' }]) },
    );
  }
}

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => {
  h = build();
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, 'every RDS answer a test set up was asked for').toEqual([]);
});

describe('a restore carries the source settings over', () => {
  it('restores an instance from a snapshot with the source Multi-AZ, deletion protection, groups, storage, tags and IAM auth, shown and sent', async () => {
    h.east.answer(
      'DescribeDBSnapshots',
      { DBSnapshotIdentifier: 'pre-deploy' },
      {
        DBSnapshots: members('DBSnapshot', [
          {
            DBSnapshotIdentifier: 'pre-deploy',
            DBInstanceIdentifier: 'orders-db',
            Status: 'available',
            Engine: 'postgres',
            Encrypted: true,
            KmsKeyId: SNAPSHOT_KEY,
          },
        ]),
      },
      2,
    );
    h.east.fail('DescribeDBInstances', { DBInstanceIdentifier: TARGET }, 404, ...absent(TARGET), 2);
    h.east.answer('DescribeDBInstances', { DBInstanceIdentifier: 'orders-db' }, { DBInstances: members('DBInstance', [ORDERS_DB]) });

    const plan = await h.planner.plan(restore({ type: 'snapshot', snapshotId: 'pre-deploy' }));

    const carried = {
      DBInstanceIdentifier: TARGET,
      DBSnapshotIdentifier: 'pre-deploy',
      DBInstanceClass: 'db.r6g.large',
      DBSubnetGroupName: 'prod-db',
      VpcSecurityGroupIds: ['sg-0abc'],
      MultiAZ: true,
      DeletionProtection: true,
      DBParameterGroupName: 'orders-pg16',
      OptionGroupName: 'orders-og',
      StorageType: 'gp3',
      Iops: 12000,
      StorageThroughput: 500,
      CopyTagsToSnapshot: true,
      EnableIAMDatabaseAuthentication: true,
      Tags: [
        { Key: 'team', Value: 'orders' },
        { Key: 'cost-center', Value: 'cc-42' },
      ],
    };
    expect(plan.calls[0]).toMatchObject({ operation: 'RestoreDBInstanceFromDBSnapshot', input: carried });
    expect(Object.keys(plan.calls[0]?.input ?? {})).toEqual(Object.keys(carried));
    expect(plan.calls[0]?.description).toBe(
      `Restore instance ${TARGET} (db.r6g.large) from snapshot pre-deploy; from orders-db: MultiAZ=true, DeletionProtection=true, ` +
        'DBParameterGroupName=orders-pg16, OptionGroupName=orders-og, StorageType=gp3, Iops=12000, StorageThroughput=500, ' +
        'CopyTagsToSnapshot=true, EnableIAMDatabaseAuthentication=true, Tags=2; ' +
        `KMS key ${SNAPSHOT_KEY} (kept by RDS: an instance restore takes no KmsKeyId)`,
    );

    h.east.answer('RestoreDBInstanceFromDBSnapshot', {}, { DBInstance: { DBInstanceIdentifier: TARGET, DBInstanceStatus: 'creating' } });
    answerAvailable('instance', TARGET);
    const outcome = await h.runner.run('run-1', plan);

    expect(outcome.status).toBe('succeeded');
    expect(h.east.sent('RestoreDBInstanceFromDBSnapshot')).toEqual([
      {
        DBInstanceIdentifier: TARGET,
        DBSnapshotIdentifier: 'pre-deploy',
        DBInstanceClass: 'db.r6g.large',
        DBSubnetGroupName: 'prod-db',
        'VpcSecurityGroupIds.VpcSecurityGroupId.1': 'sg-0abc',
        ...ORDERS_DB_CARRIED_FIELDS,
      },
    ]);
  });

  it('lets the runbook override a setting, keeps the rest from the source, and drops IOPS that belonged to the source storage type', async () => {
    h.east.fail('DescribeDBInstances', { DBInstanceIdentifier: TARGET }, 404, ...absent(TARGET));
    h.east.answer('DescribeDBInstances', { DBInstanceIdentifier: 'orders-db' }, { DBInstances: members('DBInstance', [ORDERS_DB]) });
    h.east.answer(
      'DescribeDBInstanceAutomatedBackups',
      { DBInstanceIdentifier: 'orders-db' },
      { DBInstanceAutomatedBackups: members('DBInstanceAutomatedBackup', []) },
    );

    const plan = await h.planner.plan(restore({ type: 'latest' }, 'orders-overridden'));

    expect(plan.calls[0]?.input).toEqual({
      SourceDBInstanceIdentifier: 'orders-db',
      TargetDBInstanceIdentifier: TARGET,
      UseLatestRestorableTime: true,
      DBInstanceClass: 'db.r6g.large',
      MultiAZ: true,
      DeletionProtection: false,
      DBParameterGroupName: 'orders-pg16-restore',
      OptionGroupName: 'orders-og',
      StorageType: 'io2',
      Iops: 20000,
      CopyTagsToSnapshot: true,
      EnableIAMDatabaseAuthentication: true,
      Tags: [
        { Key: 'team', Value: 'orders-dr' },
        { Key: 'cost-center', Value: 'cc-42' },
        { Key: 'restored-by', Value: 'lifeboat' },
      ],
    });
    expect(plan.calls[0]?.description).toContain(
      '; from orders-db: MultiAZ=true, OptionGroupName=orders-og, CopyTagsToSnapshot=true, EnableIAMDatabaseAuthentication=true; ' +
        'from the runbook: DeletionProtection=false, DBParameterGroupName=orders-pg16-restore, StorageType=io2, Iops=20000, Tags=3',
    );
  });

  it('restores an Aurora Serverless v2 cluster with its capacity, KMS key and cluster settings, and a db.serverless writer tagged like it', async () => {
    h.east.answer(
      'DescribeDBClusters',
      { DBClusterIdentifier: 'orders-east' },
      {
        DBClusters: members('DBCluster', [
          {
            DBClusterIdentifier: 'orders-east',
            Status: 'available',
            Engine: 'aurora-postgresql',
            EngineVersion: '16.4',
            EarliestRestorableTime: new Date(MANUAL_CLOCK_START - 7 * 24 * HOUR),
            LatestRestorableTime: new Date(MANUAL_CLOCK_START - 60_000),
            MultiAZ: false,
            DeletionProtection: true,
            StorageEncrypted: true,
            KmsKeyId: CLUSTER_KEY,
            DBClusterParameterGroup: 'orders-apg16',
            StorageType: 'aurora-iopt1',
            TagList: members('Tag', [{ Key: 'team', Value: 'orders' }]),
            CopyTagsToSnapshot: true,
            IAMDatabaseAuthenticationEnabled: true,
            ServerlessV2ScalingConfiguration: { MinCapacity: 2, MaxCapacity: 64 },
          },
        ]),
      },
    );
    h.east.answer('DescribeDBClusters', { DBClusterIdentifier: CLUSTER_TARGET }, { DBClusters: members('DBCluster', []) });
    h.east.fail('DescribeDBInstances', { DBInstanceIdentifier: WRITER }, 404, ...absent(WRITER));

    const plan = await h.planner.plan(restore({ type: 'latest' }, 'orders-serverless'));

    expect(plan.calls.map((c) => [c.operation, c.input])).toEqual([
      [
        'RestoreDBClusterToPointInTime',
        {
          DBClusterIdentifier: CLUSTER_TARGET,
          SourceDBClusterIdentifier: 'orders-east',
          UseLatestRestorableTime: true,
          DBSubnetGroupName: 'prod-db',
          DeletionProtection: true,
          KmsKeyId: CLUSTER_KEY,
          DBClusterParameterGroupName: 'orders-apg16',
          StorageType: 'aurora-iopt1',
          CopyTagsToSnapshot: true,
          EnableIAMDatabaseAuthentication: true,
          Tags: [{ Key: 'team', Value: 'orders' }],
          ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 16 },
        },
      ],
      ['DescribeDBClusters', { DBClusterIdentifier: CLUSTER_TARGET }],
      [
        'CreateDBInstance',
        {
          DBInstanceIdentifier: WRITER,
          DBClusterIdentifier: CLUSTER_TARGET,
          DBInstanceClass: 'db.serverless',
          Engine: 'aurora-postgresql',
          Tags: [{ Key: 'team', Value: 'orders' }],
          CopyTagsToSnapshot: true,
        },
      ],
      ['DescribeDBInstances', { DBInstanceIdentifier: WRITER }],
    ]);
    expect(plan.calls[0]?.description).toContain('from the runbook: ServerlessV2ScalingConfiguration=MinCapacity:0.5,MaxCapacity:16');

    h.east.answer(
      'DescribeDBClusters',
      { DBClusterIdentifier: 'orders-east' },
      {
        DBClusters: members('DBCluster', [
          { DBClusterIdentifier: 'orders-east', Status: 'available', LatestRestorableTime: new Date(MANUAL_CLOCK_START - 60_000) },
        ]),
      },
    );
    h.east.answer('DescribeDBClusters', { DBClusterIdentifier: CLUSTER_TARGET }, { DBClusters: members('DBCluster', []) });
    h.east.fail('DescribeDBInstances', { DBInstanceIdentifier: WRITER }, 404, ...absent(WRITER));
    h.east.answer('RestoreDBClusterToPointInTime', {}, { DBCluster: { DBClusterIdentifier: CLUSTER_TARGET, Status: 'creating' } });
    answerAvailable('cluster', CLUSTER_TARGET);
    h.east.answer('CreateDBInstance', {}, { DBInstance: { DBInstanceIdentifier: WRITER, DBInstanceStatus: 'creating' } });
    answerAvailable('instance', WRITER);

    expect((await h.runner.run('run-1', plan)).status).toBe('succeeded');
    expect(h.east.sent('RestoreDBClusterToPointInTime')[0]).toMatchObject({
      KmsKeyId: CLUSTER_KEY,
      'ServerlessV2ScalingConfiguration.MinCapacity': '0.5',
      'ServerlessV2ScalingConfiguration.MaxCapacity': '16',
      'Tags.Tag.1.Key': 'team',
    });
    expect(h.east.sent('CreateDBInstance')).toEqual([
      {
        DBInstanceIdentifier: WRITER,
        DBClusterIdentifier: CLUSTER_TARGET,
        DBInstanceClass: 'db.serverless',
        Engine: 'aurora-postgresql',
        'Tags.Tag.1.Key': 'team',
        'Tags.Tag.1.Value': 'orders',
        CopyTagsToSnapshot: 'true',
      },
    ]);
  });
});

describe('a restore of a deleted source', () => {
  const RESOURCE_ID = 'db-ABCDEFGHIJKLMNOPQRSTUVWXY1';
  const retainedBackups = {
    DBInstanceAutomatedBackups: members('DBInstanceAutomatedBackup', [
      {
        DBInstanceIdentifier: 'orders-db',
        DbiResourceId: 'db-OLDERDELETIONOFTHESAMENAME',
        Status: 'retained',
        RestoreWindow: {
          EarliestTime: new Date(MANUAL_CLOCK_START - 90 * 24 * HOUR),
          LatestTime: new Date(MANUAL_CLOCK_START - 60 * 24 * HOUR),
        },
      },
      {
        DBInstanceIdentifier: 'orders-db',
        DbiResourceId: RESOURCE_ID,
        Status: 'retained',
        Engine: 'postgres',
        RestoreWindow: { EarliestTime: new Date(MANUAL_CLOCK_START - 8 * 24 * HOUR), LatestTime: new Date(MANUAL_CLOCK_START - 2 * HOUR) },
        Encrypted: true,
        KmsKeyId: KEY,
        StorageType: 'gp3',
        Iops: 3000,
        StorageThroughput: 125,
        OptionGroupName: 'orders-og',
        IAMDatabaseAuthenticationEnabled: true,
        TagList: members('Tag', [{ Key: 'team', Value: 'orders' }]),
      },
    ]),
  };
  const retainedFilter = {
    'Filters.Filter.1.Name': 'db-instance-id',
    'Filters.Filter.1.Values.Value.1': 'orders-db',
    'Filters.Filter.2.Name': 'status',
    'Filters.Filter.2.Values.Value.1': 'retained',
  };

  it('restores the newest retained automated backup by SourceDbiResourceId at its latest time, carrying what the backup kept', async () => {
    h.east.fail('DescribeDBInstances', { DBInstanceIdentifier: 'orders-db' }, 404, ...absent('orders-db'), 2);
    h.east.fail(
      'DescribeDBInstanceAutomatedBackups',
      { DBInstanceIdentifier: 'orders-db' },
      404,
      'DBInstanceAutomatedBackupNotFound',
      'not found',
      2,
    );
    h.east.answer('DescribeDBInstanceAutomatedBackups', retainedFilter, retainedBackups, 2);
    h.east.fail('DescribeDBInstances', { DBInstanceIdentifier: TARGET }, 404, ...absent(TARGET), 2);

    const plan = await h.planner.plan(restore({ type: 'latest' }));

    const latest = new Date(MANUAL_CLOCK_START - 2 * HOUR).toISOString();
    expect(plan.calls[0]).toMatchObject({
      operation: 'RestoreDBInstanceToPointInTime',
      input: {
        SourceDbiResourceId: RESOURCE_ID,
        TargetDBInstanceIdentifier: TARGET,
        RestoreTime: latest,
        DBInstanceClass: 'db.r6g.large',
        DBSubnetGroupName: 'prod-db',
        VpcSecurityGroupIds: ['sg-0abc'],
        OptionGroupName: 'orders-og',
        StorageType: 'gp3',
        EnableIAMDatabaseAuthentication: true,
        Tags: [{ Key: 'team', Value: 'orders' }],
      },
    });
    expect(plan.calls[0]?.input).not.toHaveProperty('SourceDBInstanceIdentifier');
    expect(plan.calls[0]?.input).not.toHaveProperty('Iops'); // the gp3 baseline, which RDS refuses explicitly below its threshold
    expect(plan.calls[0]?.description).toBe(
      `Restore instance ${TARGET} (db.r6g.large) from the retained automated backup of deleted orders-db (${RESOURCE_ID}) ` +
        'to the latest restorable time (2026-11-21 10:00:00 UTC); from the retained automated backup of orders-db: ' +
        'OptionGroupName=orders-og, StorageType=gp3, EnableIAMDatabaseAuthentication=true, Tags=1; ' +
        `KMS key ${KEY} (kept by RDS: an instance restore takes no KmsKeyId)`,
    );
    expect(plan.preflight[0]).toMatchObject({
      name: 'restore window',
      ok: true,
      observed: `orders-db is deleted (retained automated backup ${RESOURCE_ID}); latest restorable time 2026-11-21 10:00:00 UTC (2h ago)`,
    });
    expect(plan.warnings).toContain(
      'orders-db is deleted: its retained automated backup records no Multi-AZ, deletion protection, parameter group or copy-tags setting, so those are RDS defaults unless the runbook sets them.',
    );

    h.east.answer('RestoreDBInstanceToPointInTime', {}, { DBInstance: { DBInstanceIdentifier: TARGET, DBInstanceStatus: 'creating' } });
    answerAvailable('instance', TARGET);
    expect((await h.runner.run('run-1', plan)).status).toBe('succeeded');

    const [sent] = h.east.sent('RestoreDBInstanceToPointInTime');
    expect(sent).toMatchObject({
      SourceDbiResourceId: RESOURCE_ID,
      TargetDBInstanceIdentifier: TARGET,
      RestoreTime: '2026-11-21T10:00:00Z',
    });
    expect(sent).not.toHaveProperty('SourceDBInstanceIdentifier');
    expect(sent).not.toHaveProperty('UseLatestRestorableTime');
  });

  it('refuses a time outside every retained window of the deleted source, naming the window it has', async () => {
    h.east.fail('DescribeDBInstances', { DBInstanceIdentifier: 'orders-db' }, 404, ...absent('orders-db'));
    h.east.fail(
      'DescribeDBInstanceAutomatedBackups',
      { DBInstanceIdentifier: 'orders-db' },
      404,
      'DBInstanceAutomatedBackupNotFound',
      'not found',
    );
    h.east.answer('DescribeDBInstanceAutomatedBackups', retainedFilter, retainedBackups);
    h.east.fail('DescribeDBInstances', { DBInstanceIdentifier: TARGET }, 404, ...absent(TARGET));

    const at = new Date(MANUAL_CLOCK_START - HOUR).toISOString();
    const plan = await h.planner.plan({ ...restore({ type: 'time', time: at }), dryRun: true });

    expect(plan.preflight[0]).toMatchObject({ name: 'restore window', ok: false, code: 'LIFEBOAT_TIME_AFTER_LATEST' });
    expect(plan.preflight[0]?.observed).toContain(`orders-db is deleted (retained automated backup ${RESOURCE_ID})`);
  });

  it('restores a deleted cluster from a snapshot with what its retained automated backup kept, and says what it did not', async () => {
    const clusterFilter = {
      'Filters.Filter.1.Name': 'db-cluster-id',
      'Filters.Filter.1.Values.Value.1': 'orders-east',
      'Filters.Filter.2.Name': 'status',
      'Filters.Filter.2.Values.Value.1': 'retained',
    };
    const backup = {
      DBClusterIdentifier: 'orders-east',
      DbClusterResourceId: 'cluster-ORDERSEASTDELETED0123456',
      Status: 'retained',
      Engine: 'aurora-postgresql',
      RestoreWindow: { EarliestTime: new Date(MANUAL_CLOCK_START - 8 * 24 * HOUR), LatestTime: new Date(MANUAL_CLOCK_START - 2 * HOUR) },
      StorageEncrypted: true,
      KmsKeyId: CLUSTER_KEY,
      StorageType: 'aurora-iopt1',
      TagList: members('Tag', [{ Key: 'team', Value: 'orders' }]),
    };
    h.east.answer(
      'DescribeDBClusterSnapshots',
      { DBClusterSnapshotIdentifier: 'east-pre-deploy' },
      {
        DBClusterSnapshots: members('DBClusterSnapshot', [
          {
            DBClusterSnapshotIdentifier: 'east-pre-deploy',
            DBClusterIdentifier: 'orders-east',
            Status: 'available',
            Engine: 'aurora-postgresql',
          },
        ]),
      },
    );
    h.east.fail('DescribeDBClusters', { DBClusterIdentifier: CLUSTER_TARGET }, 404, 'DBClusterNotFoundFault', 'not found');
    h.east.fail('DescribeDBInstances', { DBInstanceIdentifier: WRITER }, 404, ...absent(WRITER));
    h.east.fail('DescribeDBClusters', { DBClusterIdentifier: 'orders-east' }, 404, 'DBClusterNotFoundFault', 'not found');
    h.east.answer('DescribeDBClusterAutomatedBackups', clusterFilter, {
      DBClusterAutomatedBackups: members('DBClusterAutomatedBackup', [backup]),
    });

    const plan = await h.planner.plan(restore({ type: 'snapshot', snapshotId: 'east-pre-deploy' }, 'orders-serverless'));

    expect(plan.calls[0]).toMatchObject({ operation: 'RestoreDBClusterFromSnapshot' });
    expect(plan.calls[0]?.input).toEqual({
      DBClusterIdentifier: CLUSTER_TARGET,
      SnapshotIdentifier: 'east-pre-deploy',
      Engine: 'aurora-postgresql',
      DBSubnetGroupName: 'prod-db',
      KmsKeyId: CLUSTER_KEY,
      StorageType: 'aurora-iopt1',
      Tags: [{ Key: 'team', Value: 'orders' }],
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 16 },
    });
    expect(plan.warnings).toContain(
      'orders-east is deleted: its retained automated backup records no deletion protection, DB cluster parameter group, copy-tags or Serverless v2 capacity setting, so those are RDS defaults unless the runbook sets them.',
    );
  });
});
