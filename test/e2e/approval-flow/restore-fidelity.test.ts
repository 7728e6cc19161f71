import { describe, expect, it } from 'vitest';
import { blockKitViolations } from '../../../src/bot/blocks/block-kit-violations.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { members, RdsNock } from '../../doubles/rds-nock.js';
import { startApprovalFlow } from './approval-flow-harness.js';
import { slash } from './flow-requests.js';
import { useApprovalFlow } from './use-approval-flow.js';

const flow = useApprovalFlow(() => startApprovalFlow());

describe('/dr restore shows every setting it carries over, through the signed surface', () => {
  it('--dry-run lists each carried-over value in the call and its description, and fits Slack', async () => {
    const east = new RdsNock('us-east-1');
    east.answer(
      'DescribeDBInstances',
      { DBInstanceIdentifier: 'orders-db' },
      {
        DBInstances: members('DBInstance', [
          {
            DBInstanceIdentifier: 'orders-db',
            DBInstanceStatus: 'available',
            Engine: 'postgres',
            LatestRestorableTime: new Date(MANUAL_CLOCK_START - 60_000),
            MultiAZ: true,
            DeletionProtection: true,
            StorageEncrypted: true,
            KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee',
            DBParameterGroups: members('DBParameterGroup', [{ DBParameterGroupName: 'orders-pg16' }]),
            StorageType: 'io2',
            Iops: 40000,
            TagList: members('Tag', [{ Key: 'team', Value: 'orders' }]),
            CopyTagsToSnapshot: true,
          },
        ]),
      },
    );
    east.answer(
      'DescribeDBInstanceAutomatedBackups',
      { DBInstanceIdentifier: 'orders-db' },
      { DBInstanceAutomatedBackups: members('DBInstanceAutomatedBackup', []) },
    );
    // The derived identifier is free.
    east.fail('DescribeDBInstances', {}, 404, 'DBInstanceNotFound', 'DBInstance not found.');

    const replies = await slash(flow, 'restore orders --latest --dry-run');

    expect(replies).toHaveLength(1);
    const reply = replies[0] as { text: string; response_type: string; blocks: Array<{ text?: { text: string } }> };
    expect(reply.response_type).toBe('ephemeral');
    expect(blockKitViolations(reply)).toEqual([]);
    const shown = reply.blocks.map((b) => b.text?.text ?? '').join('\n');
    expect(shown).toContain(
      'from orders-db to the latest restorable time; from orders-db: MultiAZ=true, DeletionProtection=true, DBParameterGroupName=orders-pg16, StorageType=io2, Iops=40000, CopyTagsToSnapshot=true, Tags=1; ' +
        'KMS key arn:aws:kms:us-east-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee (kept by RDS: an instance restore takes no KmsKeyId)',
    );
    expect(shown).toContain(
      '"MultiAZ":true,"DeletionProtection":true,"DBParameterGroupName":"orders-pg16","StorageType":"io2","Iops":40000,"CopyTagsToSnapshot":true,"Tags":[{"Key":"team","Value":"orders"}]',
    );
    expect(east.requests.map((r) => r.action)).toEqual([
      'DescribeDBInstances',
      'DescribeDBInstanceAutomatedBackups',
      'DescribeDBInstances',
    ]);
    expect(await flow.approvals.listPending()).toEqual([]);
  });
});
