import { PromoteReadReplicaCommand } from '@aws-sdk/client-rds';
import { describe, expect, it, vi } from 'vitest';
import { ApprovalEngine } from '../../../src/approvals/approval-engine.js';
import { APPROVAL_ACTION_IDS } from '../../../src/bot/approvals/approval-action-ids.js';
import { RedisApprovalStore } from '../../../src/backend/redis/redis-approval-store.js';
import { approvalMessage } from '../../../src/bot/approvals/blocks/approval-message.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { nockChatUpdate, nockPostEphemeral, nockSlackError } from '../../doubles/slack-api-nock.js';
import { newRedisClient } from '../../doubles/test-redis.js';
import { startApprovalFlow } from './approval-flow-harness.js';
import { useApprovalFlow } from './use-approval-flow.js';
import { APPROVAL_TS, click, mockHealthyFailover, requestFailover, slash, threadTexts } from './flow-requests.js';

const flow = useApprovalFlow(async () => {
  const started = await startApprovalFlow();
  mockHealthyFailover(started);
  return started;
});

describe('when things go wrong, end to end', () => {
  it('a request Slack refuses to post is withdrawn at once, so it does not hold its resources, and the requester is told', async () => {
    nockSlackError('chat.postMessage', 'not_in_channel');
    const replies = await slash(flow, 'failover orders');
    expect((replies[0] as { text: string }).text).toMatch(
      /^Lifeboat could not reach Slack to finish this\. Try again in a minute \(reference [0-9a-f]{6}\)\. APR-1 was withdrawn, so nothing will run; request it again\.$/,
    );
    expect(await flow.approvals.get('APR-1')).toMatchObject({
      state: 'rejected',
      rejection: { userId: 'U0AAA', reason: 'the approval request could not be posted in Slack' },
    });
    expect(await flow.approvals.listPending()).toEqual([]);
  });

  it('a run whose process died mid-step is reported interrupted at start, keeps its locks, and nothing is re-run until an approver releases them', async () => {
    const { posts } = await requestFailover(flow);
    const updates = nockChatUpdate(5);
    // Another replica, sharing the store, claims the run and dies during `promote`.
    const redis = newRedisClient();
    let release: () => void = () => undefined;
    const hung = new Promise<void>((resolve) => {
      release = resolve;
    });
    const dead = new ApprovalEngine({
      store: new RedisApprovalStore({ redis, keyPrefix: flow.keyPrefix }),
      clock: flow.clock,
      logger: silentLogger(),
      policy: { approvers: ['U0BBB', 'U0CCC'], requiredApprovals: 1, ttlMs: 15 * 60_000 },
      instanceId: 'dead-replica',
      runLeaseMs: 30_000,
    });
    dead.onExecute(async (approval, control) => {
      await control.started();
      await control.stepStarted({ stepId: 'promote', description: approval.plan.calls[0]?.description ?? 'promote' });
      await hung;
    });
    try {
      expect(await dead.approve('APR-1', 'U0BBB', 'orders')).toMatchObject({ ok: true, executing: true });
      await expectEventually(async () => (await flow.approvals.get('APR-1'))?.run?.currentStep?.stepId === 'promote');

      flow.clock.advance(31_000); // past the dead runner's lease
      await flow.ui.start();
      await flow.idle();
      const interrupted = await flow.approvals.get('APR-1');
      if (!interrupted) throw new Error('APR-1 is gone');
      expect(interrupted.state).toBe('interrupted');
      expect(threadTexts(posts)).toEqual([
        ':warning: Interrupted during step `promote` (Promote read replica orders-replica to a standalone primary (irreversible)): ' +
          'the Lifeboat process running it stopped. Nothing was re-run. Its locks stay held, since AWS may still be working on it, ' +
          'until someone checks the state in AWS and presses *Release locks* on the request.',
      ]);
      expect(updates.calls.map((c) => c.body)).toEqual([{ channel: 'C0INCIDENTS', ts: APPROVAL_TS, ...approvalMessage(interrupted) }]);
      expect(JSON.stringify(updates.calls[0]?.body.blocks)).toContain('"action_id":"lifeboat.approval.release","value":"APR-1"');
      expect(flow.west.commandCalls(PromoteReadReplicaCommand)).toEqual([]);

      // The promotion may still be running in AWS: a second failover of the runbook is refused.
      const [blocked] = await slash(flow, 'failover orders');
      expect((blocked as { text: string }).text).toMatch(
        /^APR-1 \(Failover orders: promote orders-replica \(us-west-2\)\) was interrupted and still holds \S+: AWS may still be working on it\. /,
      );

      // Operators who are not approvers cannot release; an approver can, once.
      const ephemeral = nockPostEphemeral(2);
      await click(flow, APPROVAL_ACTION_IDS.release, 'APR-1', 'U0AAA');
      await click(flow, APPROVAL_ACTION_IDS.release, 'APR-1', 'U0CCC');
      expect(ephemeral.calls.map((c) => c.body)).toEqual([
        { channel: 'C0INCIDENTS', user: 'U0AAA', text: 'You are not allowed to release the locks of this failover; ask an approver.' },
        {
          channel: 'C0INCIDENTS',
          user: 'U0CCC',
          text: 'You released the locks of APR-1; new requests can use its resources. Nothing was run.',
        },
      ]);
      const released = await flow.approvals.get('APR-1');
      expect(released).toMatchObject({ state: 'interrupted', locksReleased: { userId: 'U0CCC', at: flow.clock.now() } });
      if (!released) throw new Error('APR-1 is gone');
      expect(updates.calls.map((c) => c.body).at(-1)).toEqual({ channel: 'C0INCIDENTS', ts: APPROVAL_TS, ...approvalMessage(released) });
      expect(threadTexts(posts).at(-1)).toBe(':unlock: Locks released by <@U0CCC>; new requests can use its resources. Nothing was run.');
      expect((await flow.approvals.readAudit({ limit: 20 })).map((e) => `${e.type}:${e.actor ?? ''}`).slice(-2)).toEqual([
        `interrupted:${released.run?.interruptedBy ?? ''}`,
        'released:U0CCC',
      ]);
      expect(flow.west.commandCalls(PromoteReadReplicaCommand)).toEqual([]);
    } finally {
      release();
      await dead.whenIdle();
      await redis.quit();
    }
  });
});

/** Polls `check` until it holds (the dead replica works in the background), at most 10 s. */
async function expectEventually(check: () => Promise<boolean>): Promise<void> {
  await vi.waitFor(async () => expect(await check(), 'condition never held').toBe(true), { timeout: 10_000, interval: 20 });
}
