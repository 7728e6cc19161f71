import { PromoteReadReplicaCommand } from '@aws-sdk/client-rds';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { APPROVAL_ACTION_IDS } from '../../../src/bot/approvals/approval-action-ids.js';
import { nockPostEphemeral } from '../../doubles/slack-api-nock.js';
import { blockActionBody } from '../../doubles/slack-requests.js';
import { startApprovalFlow } from './approval-flow-harness.js';
import { useApprovalFlow } from './use-approval-flow.js';
import { APPROVAL_TS, click, mockHealthyFailover, requestFailover } from './flow-requests.js';

const flow = useApprovalFlow(async () => {
  const started = await startApprovalFlow();
  mockHealthyFailover(started);
  return started;
});

const NOT_OURS = 'That button is not on a message Lifeboat posted for this, so it did nothing. Use `/dr approvals` to see what is current.';

describe('approval buttons count only on the request message Lifeboat posted', () => {
  it.each([
    ['another message in the channel', { messageTs: '1000.000077' }],
    ['a message in another channel', { channelId: 'C0ELSEWHERE', messageTs: APPROVAL_TS }],
  ])('Approve and Reject on %s change nothing, and the approver is told', async (_name, where) => {
    await requestFailover(flow);
    const ephemeral = nockPostEphemeral(2);
    for (const actionId of [APPROVAL_ACTION_IDS.approve, APPROVAL_ACTION_IDS.reject]) {
      const response = await flow.post(blockActionBody(actionId, 'APR-1', { userId: 'U0BBB', ...where }));
      expect(response.statusCode).toBe(200);
    }
    await flow.idle();
    expect(ephemeral.calls.map((c) => c.body.text)).toEqual([NOT_OURS, NOT_OURS]);
    const approval = await flow.approvals.get('APR-1');
    expect(approval).toMatchObject({ state: 'pending', approvals: [] });
    expect(flow.west.commandCalls(PromoteReadReplicaCommand)).toHaveLength(0);
  });

  it('a Release locks aimed at another message changes nothing', async () => {
    await requestFailover(flow);
    const ephemeral = nockPostEphemeral();
    await flow.post(blockActionBody(APPROVAL_ACTION_IDS.release, 'APR-1', { userId: 'U0BBB', messageTs: '1000.000077' }));
    await flow.idle();
    expect(ephemeral.calls.map((c) => c.body.text)).toEqual([NOT_OURS]);
    expect((await flow.approvals.get('APR-1'))?.state).toBe('pending');
  });

  it('on the request message itself, the same Reject works', async () => {
    await requestFailover(flow);
    nockPostEphemeral();
    nock('https://slack.test').post('/api/chat.update').times(5).reply(200, { ok: true });
    await click(flow, APPROVAL_ACTION_IDS.reject, 'APR-1', 'U0BBB');
    expect((await flow.approvals.get('APR-1'))?.state).toBe('rejected');
  });
});
