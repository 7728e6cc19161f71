import { PromoteReadReplicaCommand } from '@aws-sdk/client-rds';
import { describe, expect, it, vi } from 'vitest';
import { APPROVAL_ACTION_IDS } from '../../../src/bot/approvals/approval-action-ids.js';
import { approvalMessage } from '../../../src/bot/approvals/blocks/approval-message.js';
import { nockChatUpdate, nockPostEphemeral } from '../../doubles/slack-api-nock.js';
import { startApprovalFlow } from './approval-flow-harness.js';
import { useApprovalFlow } from './use-approval-flow.js';
import { APPROVAL_TS, click, mockHealthyFailover, requestFailover, threadTexts } from './flow-requests.js';

const flow = useApprovalFlow(async () => {
  const started = await startApprovalFlow();
  mockHealthyFailover(started);
  return started;
});

const ephemeralTo = (user: string, text: string) => ({ channel: 'C0INCIDENTS', user, text });
const headline = (body: Record<string, unknown> | undefined) => (body?.blocks as Array<{ text: { text: string } }>)[0]?.text.text;

describe('ending a request without running it, end to end', () => {
  it("an approver's Reject ends it: the message says who, the buttons go, and a later Approve is refused", async () => {
    const { posts } = await requestFailover(flow);
    const ephemeral = nockPostEphemeral(2);
    const updates = nockChatUpdate(5);
    await click(flow, APPROVAL_ACTION_IDS.reject, 'APR-1', 'U0CCC');
    const rejected = await flow.approvals.get('APR-1');
    if (!rejected) throw new Error('APR-1 is gone');
    expect(rejected).toMatchObject({ state: 'rejected', rejection: { userId: 'U0CCC' } });
    expect(updates.calls.map((c) => c.body)).toEqual([{ channel: 'C0INCIDENTS', ts: APPROVAL_TS, ...approvalMessage(rejected) }]);
    expect(headline(updates.calls[0]?.body)).toBe(
      '*APR-1* · Failover orders: promote orders-replica (us-west-2)\n:no_entry: *Rejected* by <@U0CCC>. Nothing ran.',
    );
    expect(JSON.stringify(updates.calls[0]?.body)).not.toContain('lifeboat.approval.approve');
    expect(threadTexts(posts)).toEqual([':no_entry: Rejected by <@U0CCC>. Nothing will run.']);

    await click(flow, APPROVAL_ACTION_IDS.approve, 'APR-1', 'U0BBB');
    expect(ephemeral.calls.map((c) => c.body)).toEqual([
      ephemeralTo('U0CCC', 'You rejected APR-1; nothing will run.'),
      ephemeralTo('U0BBB', 'This failover request was rejected; nothing will run.'),
    ]);
    expect(flow.west.commandCalls(PromoteReadReplicaCommand)).toEqual([]);
  });

  it('someone who is neither approver nor requester cannot reject', async () => {
    await requestFailover(flow);
    const ephemeral = nockPostEphemeral();
    await click(flow, APPROVAL_ACTION_IDS.reject, 'APR-1', 'U0ZZZ');
    expect(ephemeral.calls.map((c) => c.body)).toEqual([
      ephemeralTo('U0ZZZ', 'Only approvers or the person who requested this failover can reject it.'),
    ]);
    expect((await flow.approvals.get('APR-1'))?.state).toBe('pending');
  });

  it('the requester can withdraw their own request', async () => {
    const { posts } = await requestFailover(flow);
    const ephemeral = nockPostEphemeral();
    nockChatUpdate();
    await click(flow, APPROVAL_ACTION_IDS.reject, 'APR-1', 'U0AAA');
    expect(ephemeral.calls.map((c) => c.body)).toEqual([ephemeralTo('U0AAA', 'You withdrew APR-1; nothing will run.')]);
    expect(threadTexts(posts)).toEqual([':no_entry: Withdrawn by <@U0AAA>. Nothing will run.']);
  });

  it("an expired request's message is updated to say expired, without buttons, and its Approve is refused", async () => {
    const { posts } = await requestFailover(flow);
    const updates = nockChatUpdate(5);
    flow.clock.advance(15 * 60_000);
    await flow.ui.start();
    await vi.waitFor(() => expect(threadTexts(posts)).toHaveLength(1), { timeout: 5_000, interval: 20 });
    await flow.idle();
    const expired = await flow.approvals.get('APR-1');
    if (!expired) throw new Error('APR-1 is gone');
    expect(expired.state).toBe('expired');
    expect(updates.calls.map((c) => c.body)).toEqual([{ channel: 'C0INCIDENTS', ts: APPROVAL_TS, ...approvalMessage(expired) }]);
    expect(headline(updates.calls[0]?.body)).toBe(
      '*APR-1* · Failover orders: promote orders-replica (us-west-2)\n:hourglass: *Expired* after 15m without enough approvals. Nothing ran; the buttons were removed.',
    );
    expect(JSON.stringify(updates.calls[0]?.body)).not.toContain('lifeboat.approval.');
    expect(threadTexts(posts)).toEqual([
      ':hourglass: Expired after 15m without enough approvals. Nothing ran; Approve no longer works. Request it again if it is still needed.',
    ]);

    // A cached copy of the old message still has the button: the click is refused, no modal opens.
    const ephemeral = nockPostEphemeral();
    await click(flow, APPROVAL_ACTION_IDS.approve, 'APR-1', 'U0BBB');
    expect(ephemeral.calls.map((c) => c.body)).toEqual([
      ephemeralTo('U0BBB', 'This failover request expired; nothing ran. Request it again if it is still needed.'),
    ]);
    expect(flow.west.commandCalls(PromoteReadReplicaCommand)).toEqual([]);
  });

  it('a button value Lifeboat did not make is refused and nothing changes', async () => {
    await requestFailover(flow);
    const ephemeral = nockPostEphemeral();
    await click(flow, APPROVAL_ACTION_IDS.approve, 'APR-1; DROP', 'U0BBB');
    expect(ephemeral.calls.map((c) => c.body)).toEqual([
      ephemeralTo('U0BBB', 'That button is out of date. Use `/dr approvals` to see the pending requests.'),
    ]);
    expect((await flow.approvals.get('APR-1'))?.state).toBe('pending');
  });
});
