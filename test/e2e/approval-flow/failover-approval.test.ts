import { ChangeResourceRecordSetsCommand, type ChangeResourceRecordSetsCommandInput } from '@aws-sdk/client-route-53';
import { PromoteReadReplicaCommand } from '@aws-sdk/client-rds';
import { formatDurationHms } from '../../../src/core/format-time.js';
import { describe, expect, it } from 'vitest';
import { APPROVAL_ACTION_IDS } from '../../../src/bot/approvals/approval-action-ids.js';
import { approvalMessage } from '../../../src/bot/approvals/blocks/approval-message.js';
import { confirmModal } from '../../../src/bot/approvals/blocks/confirm-modal.js';
import { requestedMessage } from '../../../src/bot/approvals/blocks/submit-answers.js';
import { approvalMessageKey } from '../../../src/backend/redis/redis-approval-message-refs.js';
import { nockChatUpdate, nockPostEphemeral, nockViewsOpen } from '../../doubles/slack-api-nock.js';
import { startApprovalFlow } from './approval-flow-harness.js';
import { useApprovalFlow } from './use-approval-flow.js';
import {
  APPROVAL_TS,
  click,
  commandNames,
  confirmBody,
  mockHealthyFailover,
  NEW_PRIMARY,
  OLD_PRIMARY,
  requestFailover,
  slash,
  threadTexts,
} from './flow-requests.js';

const flow = useApprovalFlow(async () => {
  const started = await startApprovalFlow();
  mockHealthyFailover(started);
  return started;
});

const ephemeralTo = (user: string, text: string) => ({ channel: 'C0INCIDENTS', user, text });

describe('/dr failover through two-person approval, end to end', () => {
  it('--dry-run answers with the plan and creates nothing', async () => {
    const replies = await slash(flow, 'failover orders --dry-run');
    expect(replies).toHaveLength(1);
    const reply = replies[0] as { text: string; response_type: string; blocks: Array<{ text?: { text: string } }> };
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toBe('Dry run: Failover orders: promote orders-replica (us-west-2). Nothing was submitted.');
    const shown = reply.blocks.map((b) => b.text?.text ?? '').join('\n');
    expect(shown).toContain('*1. PromoteReadReplica* · rds us-west-2 · :warning: irreversible\n');
    expect(shown).toContain('```{"DBInstanceIdentifier":"orders-replica"}```');
    expect(shown).toContain(`Replaces: CNAME ${OLD_PRIMARY} (TTL 60s)`);
    expect(shown).toContain(':white_check_mark: *replica lag (orders-lag)*: lag 12s, measured 0s ago');
    expect(await flow.approvals.listPending()).toEqual([]);
    expect(commandNames(flow.west)).toEqual(['DescribeDBInstancesCommand']);
  });

  it('/dr failover orders posts the approval request and tells the requester where it is', async () => {
    const { posts, replies } = await requestFailover(flow);
    const approval = await flow.approvals.get('APR-1');
    expect(approval).toMatchObject({ state: 'pending', requester: 'U0AAA', approvals: [] });
    if (!approval) return;
    expect(posts.calls.map((c) => c.body)).toEqual([
      {
        channel: 'C0INCIDENTS',
        ...approvalMessage(approval),
        unfurl_links: 'false',
        unfurl_media: 'false',
        // Found again by this id if Slack's answer is lost, instead of posting a second request.
        metadata: JSON.stringify({ event_type: 'lifeboat_post', event_payload: { outbox_id: 'request:APR-1' } }),
      },
    ]);
    expect(JSON.stringify(posts.calls[0]?.body.blocks)).toContain('"action_id":"lifeboat.approval.approve","value":"APR-1"');
    expect(replies).toEqual([
      { ...requestedMessage(approval, 'C0INCIDENTS', flow.clock.now()), response_type: 'ephemeral', replace_original: false },
    ]);
    expect((replies[0] as { text: string }).text).toMatch(
      /^Approval requested: \*APR-1\* Failover orders: promote orders-replica \(us-west-2\) is posted in <#C0INCIDENTS>\. It needs 1 approval from approvers other than you and expires in 15m/,
    );
    // Any replica can find the message to update it.
    expect(JSON.parse((await flow.redis.get(approvalMessageKey(flow.keyPrefix, 'APR-1'))) ?? 'null')).toEqual({
      channel: 'C0INCIDENTS',
      ts: APPROVAL_TS,
    });
  });

  it("the requester's own Approve is refused ephemerally and changes nothing", async () => {
    await requestFailover(flow);
    const ephemeral = nockPostEphemeral();
    await click(flow, APPROVAL_ACTION_IDS.approve, 'APR-1', 'U0AAA');
    expect(ephemeral.calls.map((c) => c.body)).toEqual([
      ephemeralTo('U0AAA', 'You requested this failover, so someone else must approve it.'),
    ]);
    expect(await flow.approvals.get('APR-1')).toMatchObject({ state: 'pending', approvals: [] });
  });

  it("a non-approver's Approve is refused ephemerally and changes nothing", async () => {
    await requestFailover(flow);
    const ephemeral = nockPostEphemeral();
    await click(flow, APPROVAL_ACTION_IDS.approve, 'APR-1', 'U0ZZZ');
    expect(ephemeral.calls.map((c) => c.body)).toEqual([
      ephemeralTo('U0ZZZ', 'Only approvers can approve this failover; ask one of them.'),
    ]);
    expect(await flow.approvals.get('APR-1')).toMatchObject({ state: 'pending', approvals: [] });
  });

  it("an approver's Approve opens the type-to-confirm modal and approves nothing yet", async () => {
    await requestFailover(flow);
    const opened = nockViewsOpen();
    await click(flow, APPROVAL_ACTION_IDS.approve, 'APR-1', 'U0BBB');
    const approval = await flow.approvals.get('APR-1');
    if (!approval) throw new Error('APR-1 is gone');
    expect(opened.calls.map((c) => c.body)).toEqual([
      { trigger_id: expect.stringMatching(/^\d+\.4242\./), view: confirmModal(approval, 'C0INCIDENTS') },
    ]);
    expect(approval).toMatchObject({ state: 'pending', approvals: [] });
  });

  it('a wrong confirmation is refused with a modal error and nothing runs', async () => {
    await requestFailover(flow);
    const response = await flow.post(confirmBody('APR-1', 'Orders'));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      response_action: 'errors',
      errors: { confirm: 'The confirmation did not match: type orders exactly to approve this failover.' },
    });
    await flow.idle();
    expect(await flow.approvals.get('APR-1')).toMatchObject({ state: 'pending', approvals: [] });
    expect(commandNames(flow.west)).not.toContain('PromoteReadReplicaCommand');
    expect((await flow.approvals.readAudit({ limit: 100 })).map((e) => e.type)).toEqual(['requested']);
  });

  it('the right confirmation executes exactly once despite a retried delivery and a double click; progress lands in the thread and the message ends succeeded with the RTO', async () => {
    const { posts } = await requestFailover(flow);
    const ephemeral = nockPostEphemeral(5);
    const updates = nockChatUpdate(40);
    const first = confirmBody('APR-1', 'orders');
    const responses = await Promise.all([
      flow.post(first),
      flow.post(first, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }),
      flow.post(confirmBody('APR-1', 'orders')),
    ]);
    for (const response of responses) {
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe('');
    }
    await flow.idle();

    const done = await flow.approvals.get('APR-1');
    if (!done) throw new Error('APR-1 is gone');
    expect(done).toMatchObject({ state: 'succeeded', approvals: [{ userId: 'U0BBB' }] });
    expect(flow.west.commandCalls(PromoteReadReplicaCommand).map((c) => c.args[0].input)).toEqual([
      { DBInstanceIdentifier: 'orders-replica' },
    ]);
    const upsert: ChangeResourceRecordSetsCommandInput = {
      HostedZoneId: 'Z123',
      ChangeBatch: {
        Comment: `Lifeboat failover orders (plan ${done.plan.id})`,
        Changes: [
          {
            Action: 'UPSERT',
            ResourceRecordSet: { Name: 'orders.db.example.com.', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: NEW_PRIMARY }] },
          },
        ],
      },
    };
    expect(flow.r53.commandCalls(ChangeResourceRecordSetsCommand).map((c) => c.args[0].input)).toEqual([upsert]);

    // The approver hears once that it runs; the double click hears it was already approved.
    const told = ephemeral.calls.map((c) => c.body);
    expect(told).toHaveLength(2);
    expect(told).toContainEqual(ephemeralTo('U0BBB', "You approved APR-1. It runs now; progress is posted in the request's thread."));
    expect(told.map((b) => b.text)).toContainEqual(
      expect.stringMatching(
        /^(This failover is already approved and running\.|This failover already ran and succeeded\.|You already approved this failover\.)$/,
      ),
    );

    const thread = threadTexts(posts);
    expect(thread.slice(0, 3)).toEqual([
      ':+1: Approved by <@U0BBB> (1 of 1). Starting now.',
      ':rocket: Execution started. Pre-flight checks run again before the first step.',
      ':arrow_forward: Step `promote` started: Promote read replica orders-replica to a standalone primary (irreversible)',
    ]);
    const steps = thread.slice(2, -1).map((t) => /^:(\w+): Step `([\w-]+)` (started|done)/.exec(t)?.slice(2, 4).join(' '));
    expect(steps).toEqual([
      'promote started',
      'promote done',
      'wait-promoted started',
      'wait-promoted done',
      'dns-upsert started',
      'dns-upsert done',
      'dns-insync started',
      'dns-insync done',
    ]);
    const rto = formatDurationHms(Number(done.run?.detail?.elapsedMs));
    expect(Number(done.run?.detail?.elapsedMs)).toBeGreaterThan(0);
    expect(thread.at(-1)).toMatch(
      new RegExp(
        `^:white_check_mark: Failover orders succeeded in ${rto} \\(measured RTO\\)\\. Data-loss window: replica lag 12s at cut-over\\.`,
      ),
    );

    const last = updates.calls.at(-1)?.body;
    expect(last).toEqual({ channel: 'C0INCIDENTS', ts: APPROVAL_TS, ...approvalMessage(done) });
    expect(JSON.stringify(last)).not.toContain('lifeboat.approval.approve');
    const headline = (approvalMessage(done).blocks[0] as { text: { text: string } }).text.text;
    expect(headline).toBe(
      `*APR-1* · Failover orders: promote orders-replica (us-west-2)\n:white_check_mark: *Succeeded* in ${rto} (measured RTO) · data-loss window: replica lag 12s at cut-over. Approved by <@U0BBB>.`,
    );
    for (const call of updates.calls) expect(call.body).toMatchObject({ channel: 'C0INCIDENTS', ts: APPROVAL_TS });
  });
});
