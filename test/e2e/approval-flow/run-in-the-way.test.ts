import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { describe, expect, it, vi } from 'vitest';
import { ApprovalEngine } from '../../../src/approvals/approval-engine.js';
import { RedisApprovalStore } from '../../../src/backend/redis/redis-approval-store.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { nockChatUpdate } from '../../doubles/slack-api-nock.js';
import { dbInstance } from '../../integration/actions/fixtures.js';
import { newRedisClient } from '../../doubles/test-redis.js';
import { startApprovalFlow } from './approval-flow-harness.js';
import { useApprovalFlow } from './use-approval-flow.js';
import { mockHealthyFailover, NEW_PRIMARY, requestFailover, slash } from './flow-requests.js';

// SPEC §6 item 9 through the signed Slack surface: once a run promoted the replica and was
// interrupted, a new failover would fail its pre-flight (the replica is no longer a replica);
// the requester must be told which run is in the way and what to do, not the pre-flight symptom.
const flow = useApprovalFlow(async () => {
  const started = await startApprovalFlow();
  mockHealthyFailover(started);
  return started;
});

describe('the run in the way', () => {
  it('/dr failover on a runbook an interrupted run still holds names that run, its state and Release locks, without planning', async () => {
    await requestFailover(flow);
    nockChatUpdate(5);
    const redis = newRedisClient();
    let release: () => void = () => undefined;
    const hung = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Another replica runs APR-1, promotes the replica, and dies while waiting on it.
    const dead = new ApprovalEngine({
      store: new RedisApprovalStore({ redis, keyPrefix: flow.keyPrefix }),
      clock: flow.clock,
      logger: silentLogger(),
      policy: { approvers: ['U0BBB', 'U0CCC'], requiredApprovals: 1, ttlMs: 15 * 60_000 },
      instanceId: 'dead-replica',
      runLeaseMs: 30_000,
    });
    dead.onExecute(async (approval, control) => {
      const [promote, wait] = approval.plan.calls;
      await control.started();
      await control.stepStarted({ stepId: 'promote', description: promote?.description ?? 'promote' });
      await control.stepDone({ stepId: 'promote', description: promote?.description ?? 'promote' });
      await control.stepStarted({ stepId: 'wait-promoted', description: wait?.description ?? 'wait' });
      await hung;
    });
    try {
      expect(await dead.approve('APR-1', 'U0BBB', 'orders')).toMatchObject({ ok: true, executing: true });
      // The dead runner must be mid-step before its lease lapses: waited for, not assumed after 2 s.
      await vi.waitFor(async () => expect((await flow.approvals.get('APR-1'))?.run?.currentStep?.stepId).toBe('wait-promoted'), {
        timeout: 10_000,
      });
      flow.clock.advance(31_000); // past the dead runner's lease
      await flow.ui.start();
      await flow.idle();
      expect((await flow.approvals.get('APR-1'))?.state).toBe('interrupted');
      // The promotion went through in AWS: orders-replica is a standalone primary now.
      flow.west.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-replica' }).resolves({
        DBInstances: [dbInstance('orders-replica', 'available', { Endpoint: { Address: NEW_PRIMARY, Port: 5432 } })],
      });
      const reads = flow.west.commandCalls(DescribeDBInstancesCommand).length;

      const [answer] = await slash(flow, 'failover orders');

      expect((answer as { text: string }).text).toBe(
        'APR-1 (Failover orders: promote orders-replica (us-west-2)) was interrupted and still holds runbook:failover:orders: ' +
          'AWS may still be working on it. Check the state in AWS, then release its locks (Release locks on its message) before requesting again.',
      );
      expect(flow.west.commandCalls(DescribeDBInstancesCommand)).toHaveLength(reads); // refused before planning
      expect(await flow.approvals.listPending()).toEqual([]);
    } finally {
      release();
      await dead.whenIdle();
      await redis.quit();
    }
  });
});
