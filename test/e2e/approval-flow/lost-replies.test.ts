import { describe, expect, it } from 'vitest';
import { UNCONFIRMED_REASON } from '../../../src/bot/approvals/action-submitter.js';
import { LostReplyStore } from '../../integration/approvals/lost-reply-store.js';
import { startApprovalFlow } from './approval-flow-harness.js';
import { useApprovalFlow } from './use-approval-flow.js';
import { mockHealthyFailover, requestFailover, slash } from './flow-requests.js';

// Redis ran the CREATE but its reply was lost (commandTimeout): the request exists, holds the
// runbook's locks, and has no Slack message and no buttons. It must not block every retry.

let flaky: LostReplyStore;
const flow = useApprovalFlow(async () => {
  const started = await startApprovalFlow({
    wrapStore: (store) => {
      flaky = new LostReplyStore(store);
      return flaky;
    },
  });
  mockHealthyFailover(started);
  return started;
});

describe('a request whose creation reply was lost, end to end', () => {
  it('is found by its plan and withdrawn, the requester is told plainly, and a retry is posted', async () => {
    flaky.lose.create = 'timeout';
    const replies = await slash(flow, 'failover orders');

    expect(replies).toHaveLength(1);
    expect((replies[0] as { text: string }).text).toMatch(
      /^Lifeboat cannot reach its state store right now, so it could not finish this\. Try again in a minute \(reference [0-9a-f]{6}\)\. APR-1 was recorded anyway and has been withdrawn, so it holds nothing and nothing will run\.$/,
    );
    // Nothing reached the channel (an unmatched chat.postMessage would fail the network guard).
    expect(await flow.approvals.get('APR-1')).toMatchObject({
      state: 'rejected',
      rejection: { userId: 'U0AAA', reason: UNCONFIRMED_REASON },
    });
    expect(await flow.approvals.listPending()).toEqual([]);

    const { posts } = await requestFailover(flow);
    expect(posts.calls).toHaveLength(1);
    expect(await flow.approvals.get('APR-2')).toMatchObject({ state: 'pending', requester: 'U0AAA' });
  });

  it('a create re-sent after a reconnect answers the request it made, which is posted as usual', async () => {
    flaky.lose.create = 'resend';
    const { posts } = await requestFailover(flow);

    expect(posts.calls).toHaveLength(1);
    expect(await flow.approvals.get('APR-1')).toMatchObject({ state: 'pending' });
    expect((await flow.approvals.readAudit({ limit: 10 })).map((e) => `${e.type}:${e.approvalId}`)).toEqual(['requested:APR-1']);
  });
});
