import { describe, expect, it } from 'vitest';
import { APPROVAL_ACTION_IDS } from '../../../src/bot/approvals/approval-action-ids.js';
import { httpAwsClients, nockRds, type RdsAnswer } from '../../doubles/aws-http.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { members, type XmlValue } from '../../doubles/rds-nock.js';
import { nockChatUpdate, nockPostEphemeral, nockPostMessage } from '../../doubles/slack-api-nock.js';
import { startServiceFlow } from './approval-flow-harness.js';
import { click, slash, threadTexts } from './flow-requests.js';
import { useApprovalFlow } from './use-approval-flow.js';

/*
 * A point-in-time restore of a deleted Aurora cluster, requested in Slack, approved by a second
 * user and executed through buildApp (Redis), RDS answered at the HTTP layer: the cluster is gone
 * (DBClusterNotFoundFault), only its retained automated backups are left, and the restore and the
 * writer's creation are read as the SDK really sent them.
 */

const flow = useApprovalFlow(() =>
  startServiceFlow(
    {
      restoreRunbooks: {
        aurora: {
          region: 'us-east-1',
          dbCluster: 'orders-aurora',
          instanceClass: 'db.r6g.large',
          subnetGroup: 'prod-db',
          securityGroups: ['sg-0abc'],
        },
      },
    },
    httpAwsClients(),
  ),
);

const DAY = 86_400_000;
const HOUR = 3_600_000;
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee';
const OLDER_KEY = 'arn:aws:kms:us-east-1:123456789012:key/6666aaaa-22bb-33cc-44dd-555555ffffff';
const NEWEST_ID = 'cluster-ORDERSAURORADELETED0123456';
const OLDER_ID = 'cluster-OLDERDELETIONOFTHESAMENAME';

/** The backup orders-aurora left when it was deleted two hours ago, as RDS describes it. */
const NEWEST: XmlValue = {
  DBClusterIdentifier: 'orders-aurora',
  DbClusterResourceId: NEWEST_ID,
  Status: 'retained',
  Engine: 'aurora-postgresql',
  EngineVersion: '16.4',
  RestoreWindow: { EarliestTime: new Date(MANUAL_CLOCK_START - 7 * DAY), LatestTime: new Date(MANUAL_CLOCK_START - 2 * HOUR) },
  StorageEncrypted: true,
  KmsKeyId: KEY,
  StorageType: 'aurora-iopt1',
  IAMDatabaseAuthenticationEnabled: true,
  TagList: members('Tag', [{ Key: 'team', Value: 'orders' }]),
};

/** An earlier cluster of the same name, deleted ten days ago. */
const OLDER: XmlValue = {
  DBClusterIdentifier: 'orders-aurora',
  DbClusterResourceId: OLDER_ID,
  Status: 'retained',
  Engine: 'aurora-postgresql',
  RestoreWindow: { EarliestTime: new Date(MANUAL_CLOCK_START - 20 * DAY), LatestTime: new Date(MANUAL_CLOCK_START - 10 * DAY) },
  StorageEncrypted: true,
  KmsKeyId: OLDER_KEY,
  TagList: members('Tag', [{ Key: 'team', Value: 'orders-legacy' }]),
};

const notFound = (code: string, what: string): RdsAnswer => ({ error: { status: 404, code, message: `${what} not found.` } });

/**
 * RDS in us-east-1 after orders-aurora was deleted: DescribeDBClusters knows no such cluster;
 * DescribeDBClusterAutomatedBackups answers `backups` to the retained filter on its name. The
 * restored cluster and its writer exist once their create call arrives, read `creating` once,
 * then available. Returns every action received and each mutating call's form fields.
 */
function deletedAurora(backups: XmlValue[]) {
  const sent: Array<{ action: string; fields: Record<string, string> }> = [];
  const describes = new Map<string, number>();
  let cluster: string | undefined;
  let writer: string | undefined;
  const status = (id: string) => {
    const seen = (describes.get(id) ?? 0) + 1;
    describes.set(id, seen);
    return seen === 1 ? 'creating' : 'available';
  };
  const actions = nockRds('us-east-1', (action, params) => {
    const { Action: _action, Version: _version, ...fields } = params;
    switch (action) {
      case 'DescribeDBClusters': {
        const id = params.DBClusterIdentifier ?? '';
        if (id !== cluster) return notFound('DBClusterNotFoundFault', `DBCluster ${id}`);
        const now = status(id);
        const endpoint = now === 'available' ? { Endpoint: `${id}.cluster-abc.us-east-1.rds.amazonaws.com`, Port: 5432 } : {};
        return {
          result: {
            DBClusters: members('DBCluster', [{ DBClusterIdentifier: id, Status: now, Engine: 'aurora-postgresql', ...endpoint }]),
          },
        };
      }
      case 'DescribeDBClusterAutomatedBackups': {
        // Only the filters find a deleted cluster's backups (an identifier must name a live cluster).
        const retainedFilter =
          params['Filters.Filter.1.Name'] === 'db-cluster-id' &&
          params['Filters.Filter.1.Values.Value.1'] === 'orders-aurora' &&
          params['Filters.Filter.2.Name'] === 'status' &&
          params['Filters.Filter.2.Values.Value.1'] === 'retained';
        return { result: { DBClusterAutomatedBackups: members('DBClusterAutomatedBackup', retainedFilter ? backups : []) } };
      }
      case 'DescribeDBInstances': {
        const id = params.DBInstanceIdentifier ?? '';
        if (id !== writer) return notFound('DBInstanceNotFound', `DBInstance ${id}`);
        return {
          result: {
            DBInstances: members('DBInstance', [
              { DBInstanceIdentifier: id, DBInstanceStatus: status(id), Engine: 'aurora-postgresql', DBClusterIdentifier: cluster },
            ]),
          },
        };
      }
      case 'RestoreDBClusterToPointInTime':
        sent.push({ action, fields });
        cluster = params.DBClusterIdentifier;
        return { result: { DBCluster: { DBClusterIdentifier: cluster ?? '', Status: 'creating', Engine: 'aurora-postgresql' } } };
      case 'CreateDBInstance':
        sent.push({ action, fields });
        writer = params.DBInstanceIdentifier;
        return {
          result: { DBInstance: { DBInstanceIdentifier: writer ?? '', DBInstanceStatus: 'creating', Engine: 'aurora-postgresql' } },
        };
      default:
        return { error: { status: 400, code: 'InvalidAction', message: `not expected here: ${action}` } };
    }
  });
  return { actions, sent };
}

/** Requests `/dr restore aurora <from>` as U0AAA and approves it as U0BBB; returns the approval message (JSON) and the thread. */
async function approveAndRun(from: string): Promise<{ plan: string; thread: string[] }> {
  const posts = nockPostMessage(30);
  const replies = await slash(flow, `restore aurora ${from}`);
  expect((replies[0] as { text: string }).text).toMatch(/^Approval requested: \*APR-1\*/);
  nockPostEphemeral(5);
  nockChatUpdate(40);
  await click(flow, APPROVAL_ACTION_IDS.approve, 'APR-1', 'U0BBB');
  return { plan: JSON.stringify(posts.calls[0]?.body ?? {}), thread: threadTexts(posts) };
}

/** Requests `/dr restore aurora <from>`; returns what the requester was told, checking nothing was requested. */
async function refused(from: string): Promise<string> {
  const posts = nockPostMessage(5);
  const replies = await slash(flow, `restore aurora ${from}`);
  expect(replies).toHaveLength(1);
  expect(posts.calls).toEqual([]);
  expect(await flow.approvals.get('APR-1')).toBeNull();
  return (replies[0] as { text: string }).text;
}

const WARNING =
  'orders-aurora is deleted: its retained automated backup records no deletion protection, DB cluster parameter group, copy-tags or Serverless v2 capacity setting, so those are RDS defaults unless the runbook sets them.';

describe('/dr restore of a deleted Aurora cluster, executed, from its retained automated backup', () => {
  it("--latest sends one RestoreDBClusterToPointInTime naming SourceDbClusterResourceId and the newest backup's latest time, then creates the writer", async () => {
    const rds = deletedAurora([OLDER, NEWEST]);

    const { plan, thread } = await approveAndRun('--latest');

    expect(plan).toContain(
      `from the retained automated backup of deleted orders-aurora (${NEWEST_ID}) to the latest restorable time (2026-11-21 10:00:00 UTC); ` +
        `from the retained automated backup of orders-aurora: KmsKeyId=${KEY}, StorageType=aurora-iopt1, EnableIAMDatabaseAuthentication=true, Tags=1`,
    );
    expect(plan).toContain(
      `orders-aurora is deleted (retained automated backup ${NEWEST_ID}); latest restorable time 2026-11-21 10:00:00 UTC`,
    );
    expect(plan).toContain(WARNING);
    expect((await flow.approvals.get('APR-1'))?.state).toBe('succeeded');
    expect(rds.sent.map((s) => s.action)).toEqual(['RestoreDBClusterToPointInTime', 'CreateDBInstance']);
    const target = rds.sent[0]?.fields.DBClusterIdentifier ?? '';
    expect(target).toMatch(/^orders-aurora-restore-/);
    // Everything the SDK sent, exactly: a missing, extra or misspelt field fails here.
    expect(rds.sent[0]?.fields).toEqual({
      DBClusterIdentifier: target,
      SourceDbClusterResourceId: NEWEST_ID,
      // The retained backup's latest time, pinned, as the SDK writes a timestamp on the wire.
      RestoreToTime: '2026-11-21T10:00:00Z',
      DBSubnetGroupName: 'prod-db',
      'VpcSecurityGroupIds.VpcSecurityGroupId.1': 'sg-0abc',
      KmsKeyId: KEY,
      StorageType: 'aurora-iopt1',
      EnableIAMDatabaseAuthentication: 'true',
      'Tags.Tag.1.Key': 'team',
      'Tags.Tag.1.Value': 'orders',
    });
    const writer = rds.sent[1]?.fields.DBInstanceIdentifier ?? '';
    expect(writer).toMatch(/^orders-aurora-restore-.*w/);
    expect(rds.sent[1]?.fields).toEqual({
      DBInstanceIdentifier: writer,
      DBClusterIdentifier: target,
      DBInstanceClass: 'db.r6g.large',
      // The backup's engine: the cluster it restores is gone.
      Engine: 'aurora-postgresql',
      'Tags.Tag.1.Key': 'team',
      'Tags.Tag.1.Value': 'orders',
    });
    expect(thread.join('\n')).toContain(`${target}.cluster-abc.us-east-1.rds.amazonaws.com:5432`);
  });

  it('--time restores from the backup whose window holds that time (an earlier deletion of the name), at that time', async () => {
    const rds = deletedAurora([NEWEST, OLDER]);
    const at = new Date(MANUAL_CLOCK_START - 15 * DAY);

    const { plan } = await approveAndRun(`--time ${at.toISOString()}`);

    expect(plan).toContain(`from the retained automated backup of deleted orders-aurora (${OLDER_ID}) to 2026-11-06 12:00:00 UTC`);
    expect(plan).toContain(
      `orders-aurora is deleted (retained automated backup ${OLDER_ID}); 2026-11-06 12:00:00 UTC is within the restorable window`,
    );
    expect((await flow.approvals.get('APR-1'))?.state).toBe('succeeded');
    expect(rds.sent.map((s) => s.action)).toEqual(['RestoreDBClusterToPointInTime', 'CreateDBInstance']);
    const target = rds.sent[0]?.fields.DBClusterIdentifier ?? '';
    expect(rds.sent[0]?.fields).toEqual({
      DBClusterIdentifier: target,
      SourceDbClusterResourceId: OLDER_ID,
      RestoreToTime: '2026-11-06T12:00:00Z',
      DBSubnetGroupName: 'prod-db',
      'VpcSecurityGroupIds.VpcSecurityGroupId.1': 'sg-0abc',
      KmsKeyId: OLDER_KEY,
      'Tags.Tag.1.Key': 'team',
      'Tags.Tag.1.Value': 'orders-legacy',
    });
    expect(rds.sent[1]?.fields).toMatchObject({
      DBClusterIdentifier: target,
      DBInstanceClass: 'db.r6g.large',
      Engine: 'aurora-postgresql',
    });
  });

  it('is refused, naming the cluster, when it left no retained automated backup; nothing is requested or sent', async () => {
    const rds = deletedAurora([]);

    const text = await refused('--latest');

    expect(text).toContain('refused: restore window: cluster orders-aurora not found in us-east-1, and no retained automated backup of it');
    expect(rds.actions.filter((a) => !a.startsWith('Describe'))).toEqual([]);
  });

  it('is refused when the time lies outside every retained window, naming the backup; nothing is requested or sent', async () => {
    const rds = deletedAurora([OLDER, NEWEST]);
    const at = new Date(MANUAL_CLOCK_START - HOUR);

    const text = await refused(`--time ${at.toISOString()}`);

    expect(text).toContain(
      `refused: restore window: orders-aurora is deleted (retained automated backup ${NEWEST_ID}); 2026-11-21 11:00:00 UTC is after the latest restorable time 2026-11-21 10:00:00 UTC`,
    );
    expect(rds.actions.filter((a) => !a.startsWith('Describe'))).toEqual([]);
  });
});
