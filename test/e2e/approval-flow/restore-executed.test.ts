import { describe, expect, it } from 'vitest';
import { APPROVAL_ACTION_IDS } from '../../../src/bot/approvals/approval-action-ids.js';
import { httpAwsClients, nockRds, type RdsAnswer } from '../../doubles/aws-http.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { members, type XmlValue } from '../../doubles/rds-nock.js';
import { ORDERS_DB, ORDERS_DB_CARRIED_FIELDS, ORDERS_DB_KMS_KEY } from '../../doubles/restore-source-fixtures.js';
import { nockChatUpdate, nockPostEphemeral, nockPostMessage } from '../../doubles/slack-api-nock.js';
import { startServiceFlow } from './approval-flow-harness.js';
import { click, slash, threadTexts } from './flow-requests.js';
import { useApprovalFlow } from './use-approval-flow.js';

/*
 * A restore requested in Slack, approved and executed through the wiring users run (buildApp,
 * Redis), RDS answered at the HTTP layer: the restore call's form fields are read as the SDK
 * really sent them (Query protocol), so every carried-over setting is checked on the wire.
 */

const flow = useApprovalFlow(() => startServiceFlow({}, httpAwsClients()));

const SNAPSHOT = 'orders-db-before-migration';
const NOT_FOUND = (id: string): RdsAnswer => ({
  error: { status: 404, code: 'DBInstanceNotFound', message: `DBInstance ${id} not found.` },
});

/** The retained automated backup orders-db left when it was deleted, as RDS describes it. */
const RETAINED: XmlValue = {
  DBInstanceIdentifier: 'orders-db',
  DbiResourceId: 'db-ORDERSDELETED1234567890',
  Status: 'retained',
  Engine: 'postgres',
  RestoreWindow: { EarliestTime: new Date(MANUAL_CLOCK_START - 7 * 86_400_000), LatestTime: new Date(MANUAL_CLOCK_START - 7_200_000) },
  Encrypted: true,
  KmsKeyId: ORDERS_DB_KMS_KEY,
  OptionGroupName: 'orders-og',
  StorageType: 'io2',
  Iops: 20000,
  TagList: members('Tag', [{ Key: 'team', Value: 'orders' }]),
  IAMDatabaseAuthenticationEnabled: true,
};

/**
 * RDS in us-east-1: orders-db (or, `deleted`, only its retained automated backup) and a snapshot
 * of it; the restored instance does not exist until a restore call arrives, then reads
 * `creating` once, then available. Returns every action received, and each restore call's form
 * fields as sent.
 */
function rdsEast(options: { deleted?: boolean } = {}) {
  const restores: Array<{ action: string; fields: Record<string, string> }> = [];
  let restored: string | undefined;
  let describesOfRestored = 0;
  const actions = nockRds('us-east-1', (action, params) => {
    const { Action: _action, Version: _version, ...fields } = params;
    switch (action) {
      case 'DescribeDBSnapshots':
        return {
          result: {
            DBSnapshots: members('DBSnapshot', [
              {
                DBSnapshotIdentifier: SNAPSHOT,
                DBInstanceIdentifier: 'orders-db',
                Status: 'available',
                Engine: 'postgres',
                SnapshotCreateTime: new Date(MANUAL_CLOCK_START - 3_600_000),
                Encrypted: true,
                KmsKeyId: ORDERS_DB_KMS_KEY,
              },
            ]),
          },
        };
      case 'DescribeDBInstanceAutomatedBackups': {
        // Asked by identifier, RDS knows only live instances; the retained backups answer the status filter.
        const retained = params.DBInstanceIdentifier === undefined && options.deleted;
        return { result: { DBInstanceAutomatedBackups: members('DBInstanceAutomatedBackup', retained ? [RETAINED] : []) } };
      }
      case 'DescribeDBInstances': {
        const id = params.DBInstanceIdentifier ?? '';
        if (id === 'orders-db' && !options.deleted) return { result: { DBInstances: members('DBInstance', [ORDERS_DB]) } };
        if (id !== restored) return NOT_FOUND(id);
        describesOfRestored += 1;
        const status = describesOfRestored === 1 ? 'creating' : 'available';
        const endpoint = status === 'available' ? { Address: `${id}.abc.us-east-1.rds.amazonaws.com`, Port: 5432 } : undefined;
        return {
          result: {
            DBInstances: members('DBInstance', [
              { DBInstanceIdentifier: id, DBInstanceStatus: status, Engine: 'postgres', Endpoint: endpoint },
            ]),
          },
        };
      }
      case 'RestoreDBInstanceFromDBSnapshot':
      case 'RestoreDBInstanceToPointInTime':
        restores.push({ action, fields });
        restored = params.DBInstanceIdentifier ?? params.TargetDBInstanceIdentifier;
        return { result: { DBInstance: { DBInstanceIdentifier: restored ?? '', DBInstanceStatus: 'creating', Engine: 'postgres' } } };
      default:
        return { error: { status: 400, code: 'InvalidAction', message: `not expected here: ${action}` } };
    }
  });
  return { actions, restores };
}

/** Requests `/dr restore orders <from>` as U0AAA and approves it as U0BBB; returns the approval message (JSON) and the thread. */
async function approveAndRun(from: string): Promise<{ plan: string; thread: string[] }> {
  const posts = nockPostMessage(30);
  const replies = await slash(flow, `restore orders ${from}`);
  expect((replies[0] as { text: string }).text).toMatch(/^Approval requested: \*APR-1\*/);
  nockPostEphemeral(5);
  nockChatUpdate(40);
  await click(flow, APPROVAL_ACTION_IDS.approve, 'APR-1', 'U0BBB');
  return { plan: JSON.stringify(posts.calls[0]?.body ?? {}), thread: threadTexts(posts) };
}

describe('/dr restore, executed, carries every setting of the source on the wire', () => {
  it('sends one RestoreDBInstanceFromDBSnapshot with each setting from orders-db, no KmsKeyId, and waits until the copy is available', async () => {
    const rds = rdsEast();

    const { plan, thread } = await approveAndRun(`--snapshot ${SNAPSHOT}`);

    expect(plan).toContain(
      'from orders-db: MultiAZ=true, DeletionProtection=true, DBParameterGroupName=orders-pg16, OptionGroupName=orders-og, StorageType=gp3, Iops=12000, StorageThroughput=500, CopyTagsToSnapshot=true, EnableIAMDatabaseAuthentication=true, Tags=2; ' +
        `KMS key ${ORDERS_DB_KMS_KEY} (kept by RDS: an instance restore takes no KmsKeyId)`,
    );
    const run = await flow.approvals.get('APR-1');
    expect(run?.state).toBe('succeeded');
    expect(rds.restores).toHaveLength(1);
    const target = rds.restores[0]?.fields.DBInstanceIdentifier ?? '';
    expect(target).toMatch(/^orders-db-restore-/);
    // Everything the SDK sent, exactly: a missing, extra or misspelt field fails here.
    expect(rds.restores[0]?.action).toBe('RestoreDBInstanceFromDBSnapshot');
    expect(rds.restores[0]?.fields).toEqual({
      DBInstanceIdentifier: target,
      DBSnapshotIdentifier: SNAPSHOT,
      DBInstanceClass: 'db.r6g.large',
      DBSubnetGroupName: 'prod-db',
      'VpcSecurityGroupIds.VpcSecurityGroupId.1': 'sg-0abc',
      // MultiAZ, DeletionProtection, parameter and option groups, storage, IAM auth, tags: no KmsKeyId.
      ...ORDERS_DB_CARRIED_FIELDS,
    });
    expect(thread.join('\n')).toContain(`${target} is available at ${target}.abc.us-east-1.rds.amazonaws.com:5432`);
  });
});

describe('/dr restore of a deleted instance, executed, from its retained automated backup', () => {
  it("sends one RestoreDBInstanceToPointInTime naming SourceDbiResourceId and the backup's latest time, with what the backup recorded", async () => {
    const rds = rdsEast({ deleted: true });

    const { plan, thread } = await approveAndRun('--latest');

    expect(plan).toContain(
      'from the retained automated backup of deleted orders-db (db-ORDERSDELETED1234567890) to the latest restorable time (2026-11-21 10:00:00 UTC)',
    );
    expect(plan).toContain(
      'orders-db is deleted: its retained automated backup records no Multi-AZ, deletion protection, parameter group or copy-tags setting',
    );
    expect((await flow.approvals.get('APR-1'))?.state).toBe('succeeded');
    expect(rds.restores.map((r) => r.action)).toEqual(['RestoreDBInstanceToPointInTime']);
    const target = rds.restores[0]?.fields.TargetDBInstanceIdentifier ?? '';
    expect(target).toMatch(/^orders-db-restore-/);
    expect(rds.restores[0]?.fields).toEqual({
      SourceDbiResourceId: 'db-ORDERSDELETED1234567890',
      TargetDBInstanceIdentifier: target,
      // The retained backup's latest time, pinned, as the SDK writes a timestamp on the wire.
      RestoreTime: '2026-11-21T10:00:00Z',
      DBInstanceClass: 'db.r6g.large',
      DBSubnetGroupName: 'prod-db',
      'VpcSecurityGroupIds.VpcSecurityGroupId.1': 'sg-0abc',
      OptionGroupName: 'orders-og',
      StorageType: 'io2',
      Iops: '20000',
      EnableIAMDatabaseAuthentication: 'true',
      'Tags.Tag.1.Key': 'team',
      'Tags.Tag.1.Value': 'orders',
    });
    expect(thread.join('\n')).toContain(`${target} is available at ${target}.abc.us-east-1.rds.amazonaws.com:5432`);
  });
});
