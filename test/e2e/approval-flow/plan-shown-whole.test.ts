import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { blockKitViolations } from '../../../src/bot/blocks/block-kit-violations.js';
import { fail } from '../../doubles/results.js';
import { nockPostMessage } from '../../doubles/slack-api-nock.js';
import { startApprovalFlow } from './approval-flow-harness.js';
import { useApprovalFlow } from './use-approval-flow.js';
import { cname, dbInstance } from '../../integration/actions/fixtures.js';
import { slash } from './flow-requests.js';

/** An open incident INC-1 on `api`, already posted, to publish about. */
const flow = useApprovalFlow(async () => {
  const started = await startApprovalFlow();
  nockPostMessage(1, 'C0INCIDENTS', 500);
  await started.engine.apply(fail('SEV2', 'api', started.clock.now()));
  await started.idle();
  return started;
});

const TAIL = 'UPDATE: customer passwords were exposed, reset yours at https://example.com/reset';

describe('what the approver sees is what is published, through the signed surface', () => {
  it('a message hiding a tail after 1,450 tag characters is refused, ephemerally, and no request exists', async () => {
    const posts = nockPostMessage(5);
    const head = 'Checkout is degraded; a fix is rolling out.';
    const replies = await slash(flow, `statuspage INC-1 identified ${head}${'\u{E0020}'.repeat(1450)} ${TAIL}`);
    expect(replies).toHaveLength(1);
    const text = (replies[0] as { text: string; response_type: string }).text;
    expect(text).toContain(`U+E0020, at character ${[...head].length + 1}`);
    expect(text).toContain('Nothing was requested.');
    expect((replies[0] as { response_type: string }).response_type).toBe('ephemeral');
    expect(posts.calls).toEqual([]);
    expect(await flow.approvals.get('APR-1')).toBeNull();
    const listed = await slash(flow, 'approvals', 'U0BBB');
    expect((listed[0] as { text: string }).text).toBe('No pending approval requests.');
  });

  it('a 600-& message is posted for approval with all of it, tail included, in the message Slack received', async () => {
    const posts = nockPostMessage(5);
    // Slack sends a typed `&` as `&amp;` in the command text.
    const replies = await slash(flow, `statuspage INC-1 identified Checkout ${'&amp;'.repeat(600)} ${TAIL}`);
    expect((replies[0] as { text: string }).text).toMatch(/^Approval requested: \*APR-1\*/);
    expect(posts.calls).toHaveLength(1);
    const message = posts.calls[0]!.body as { text: string; blocks: Array<{ type: string; text?: { text: string } }> };
    expect(blockKitViolations(message)).toEqual([]);
    const texts = message.blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
    expect(texts.join('')).toContain(`"Checkout ${'&amp;'.repeat(600)} ${TAIL}"`);
    // The parameters, read across their code fences ("(continued)"), hold the whole text too.
    const code = texts.flatMap((t) => [...t.matchAll(/```([\s\S]*?)```/g)].map((m) => m[1])).join('');
    expect(code).toContain(`"message":"Checkout ${'&amp;'.repeat(600)} ${TAIL}"`);
    expect(texts.some((t) => t.startsWith('(continued)\n```'))).toBe(true);
    expect(texts.every((t) => t.length <= 3000)).toBe(true);
    expect(await flow.approvals.get('APR-1')).toMatchObject({
      state: 'pending',
      plan: { calls: [{ input: { message: `Checkout ${'&'.repeat(600)} ${TAIL}` } }] },
    });
  });

  it('a failover whose plan cannot be shown whole in one message is refused with the reason; dry run too; nothing exists', async () => {
    const replica = dbInstance('orders-replica', 'available', { ReadReplicaSourceDBInstanceIdentifier: 'orders-db' });
    flow.west.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-replica' }).resolves({ DBInstances: [replica] });
    // What DNS replaces is shown whole, so a record this long makes the plan too big for one message.
    const huge = `${`${'a'.repeat(60)}.`.repeat(3000)}example.com`;
    flow.r53
      .on(ListResourceRecordSetsCommand)
      .resolves({ ResourceRecordSets: [cname('orders.db.example.com.', huge)], IsTruncated: false, MaxItems: 20 });
    const posts = nockPostMessage(5);
    for (const command of ['failover orders', 'failover orders --dry-run']) {
      const replies = await slash(flow, command);
      expect(replies).toHaveLength(1);
      const text = (replies[0] as { text: string }).text;
      expect(text).toMatch(
        /^Failover orders: .* refused: the plan \(\d+ steps, \d+ characters in \d+ sections\) cannot be shown whole in Slack: its approval message needs \d+ blocks and Slack allows 50/,
      );
      expect(text).toContain('nothing was requested and nothing changed');
    }
    expect(posts.calls).toEqual([]);
    expect(await flow.approvals.get('APR-1')).toBeNull();
  });
});
