import { MANUAL_CLOCK_START } from './manual-clock.js';
import { members } from './rds-nock.js';

/*
 * orders-db as a restore's source, shared by the restore-fidelity tests at the runner level and
 * through the approval flow, so both check the same settings on the wire.
 */

/** The KMS key orders-db is encrypted with. */
export const ORDERS_DB_KMS_KEY = 'arn:aws:kms:us-east-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee';

/** orders-db as DescribeDBInstances reports it, with every setting a restore carries over, each away from RDS's default. */
export const ORDERS_DB = {
  DBInstanceIdentifier: 'orders-db',
  DBInstanceStatus: 'available',
  Engine: 'postgres',
  EngineVersion: '16.4',
  LatestRestorableTime: new Date(MANUAL_CLOCK_START - 5 * 60_000),
  MultiAZ: true,
  DeletionProtection: true,
  StorageEncrypted: true,
  KmsKeyId: ORDERS_DB_KMS_KEY,
  DBParameterGroups: members('DBParameterGroup', [{ DBParameterGroupName: 'orders-pg16', ParameterApplyStatus: 'in-sync' }]),
  OptionGroupMemberships: members('OptionGroupMembership', [{ OptionGroupName: 'orders-og', Status: 'in-sync' }]),
  StorageType: 'gp3',
  Iops: 12000,
  StorageThroughput: 500,
  // aws: keys are AWS's own: a request may not set them.
  TagList: members('Tag', [
    { Key: 'team', Value: 'orders' },
    { Key: 'cost-center', Value: 'cc-42' },
    { Key: 'aws:cloudformation:stack-name', Value: 'orders' },
  ]),
  CopyTagsToSnapshot: true,
  IAMDatabaseAuthenticationEnabled: true,
};

/**
 * The form fields (RDS Query protocol, as the SDK writes them) an instance restore of orders-db
 * carries over: no KmsKeyId (an instance restore takes none), no aws: tag.
 */
export const ORDERS_DB_CARRIED_FIELDS = {
  MultiAZ: 'true',
  DeletionProtection: 'true',
  DBParameterGroupName: 'orders-pg16',
  OptionGroupName: 'orders-og',
  StorageType: 'gp3',
  Iops: '12000',
  StorageThroughput: '500',
  CopyTagsToSnapshot: 'true',
  EnableIAMDatabaseAuthentication: 'true',
  'Tags.Tag.1.Key': 'team',
  'Tags.Tag.1.Value': 'orders',
  'Tags.Tag.2.Key': 'cost-center',
  'Tags.Tag.2.Value': 'cc-42',
};
