import { describe, expect, it } from 'vitest';
import type { ApprovalRefusal } from '../../../src/approvals/approval-refusal.js';
import { RedisApprovalStore } from '../../../src/backend/redis/redis-approval-store.js';
import { gate, type Replica, replicaTestbed, TTL_MS } from './engine-harness.js';
import { aFailoverPlan, aRestorePlan } from './fixtures.js';

const bed = replicaTestbed('approval-engine');
const { clock, executions, replica } = bed;

async function requested(on: Replica, plan = aRestorePlan(), requester = 'U-REQ'): Promise<string> {
  const result = await on.engine.request(plan, requester);
  if (!result.ok) throw new Error(`request refused: ${result.message}`);
  return result.approval.id;
}

async function auditTypes(): Promise<string[]> {
  const store = new RedisApprovalStore({ redis: bed.admin(), keyPrefix: bed.keyPrefix() });
  return (await store.readAudit({ limit: 1_000 })).map((entry) => `${entry.type}:${entry.actor ?? ''}`);
}

function refusalOf(result: { ok: boolean }): ApprovalRefusal {
  if (result.ok) throw new Error('expected a refusal');
  return result as ApprovalRefusal;
}

describe('approval engine over a shared Redis', () => {
  it('50 concurrent Approve clicks from one approver over two replicas start exactly one execution', async () => {
    const [a, b] = [replica('a'), replica('b')];
    const id = await requested(a);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => [a, b][i % 2]!.engine.approve(id, 'U-APP')));
    await Promise.all([a.engine.whenIdle(), b.engine.whenIdle()]);

    expect(executions).toHaveLength(1);
    expect(results.filter((r) => r.ok && r.executing)).toHaveLength(1);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    // With approvals: 1 the winning click approves in the same step, so every other click, whether
    // it read the request before or after, is refused by the state check (engine or store).
    const refusals = results.filter((r) => !r.ok).map(refusalOf);
    expect(new Set(refusals.map((r) => r.message))).toEqual(new Set(['This restore is already approved and running.']));
    expect(await auditTypes()).toEqual([
      'requested:U-REQ',
      'approved:U-APP',
      `started:replica-${executions[0]!.replica}`,
      `succeeded:replica-${executions[0]!.replica}`,
    ]);
  });

  it('50 clicks from several distinct approvers with approvals: 1 start exactly one execution', async () => {
    const [a, b] = [replica('a'), replica('b')];
    const id = await requested(a);
    const approvers = ['U-APP', 'U-APP2', 'U-APP3', 'U-APP4', 'U-APP5'];
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => [a, b][i % 2]!.engine.approve(id, approvers[i % approvers.length]!)),
    );
    await Promise.all([a.engine.whenIdle(), b.engine.whenIdle()]);

    expect(executions).toHaveLength(1);
    expect(executions[0]!.approval.approvals).toHaveLength(1);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).every((r) => refusalOf(r).reason === 'not-pending')).toBe(true);
    expect((await auditTypes()).filter((t) => t.startsWith('approved:'))).toHaveLength(1);
  });

  it('a requester cannot approve their own failover, even when they are an approver', async () => {
    const a = replica('a');
    const id = await requested(a, aRestorePlan(), 'U-REQ-APPROVER');
    const result = refusalOf(await a.engine.approve(id, 'U-REQ-APPROVER'));
    expect(result.reason).toBe('own-request');
    expect(result.message).toBe('You requested this restore, so someone else must approve it.');

    const failover = await requested(a, aFailoverPlan(), 'U-APP');
    expect(refusalOf(await a.engine.approve(failover, 'U-APP', 'orders')).message).toBe(
      'You requested this failover, so someone else must approve it.',
    );
    expect(executions).toEqual([]);
    expect(await auditTypes()).toEqual(['requested:U-REQ-APPROVER', 'requested:U-APP']);
  });

  it('someone who is not an approver cannot approve, and nothing changes', async () => {
    const a = replica('a');
    const id = await requested(a);
    const result = refusalOf(await a.engine.approve(id, 'U-OPERATOR'));
    expect(result).toMatchObject({ reason: 'not-an-approver', message: 'Only approvers can approve this restore; ask one of them.' });
    expect((await a.engine.get(id))?.approvals).toEqual([]);
    expect(executions).toEqual([]);
  });

  it('approvals: 2 needs two distinct approvers; the same approver twice counts once', async () => {
    const options = { policy: { requiredApprovals: 2 } };
    const [a, b] = [replica('a', options), replica('b', options)];
    const id = await requested(a);

    expect(await a.engine.approve(id, 'U-APP')).toMatchObject({ ok: true, executing: false });
    const again = refusalOf(await b.engine.approve(id, 'U-APP'));
    expect(again.reason).toBe('already-approved');
    expect(again.message).toBe('You already approved this restore; it needs 1 more approval from someone else.');
    expect(executions).toEqual([]);
    expect((await a.engine.listPending()).map((p) => p.id)).toEqual([id]);

    expect(await b.engine.approve(id, 'U-APP2')).toMatchObject({ ok: true, executing: true });
    await Promise.all([a.engine.whenIdle(), b.engine.whenIdle()]);
    expect(executions.map((e) => e.replica)).toEqual(['b']);
    expect(executions[0]!.approval.approvals.map((v) => v.userId)).toEqual(['U-APP', 'U-APP2']);
  });

  it('an expired request refuses approval, and two racing sweepers expire it once', async () => {
    const [a, b] = [replica('a'), replica('b')];
    const id = await requested(a);
    clock.advance(TTL_MS);

    const refused = refusalOf(await b.engine.approve(id, 'U-APP'));
    expect(refused.reason).toBe('expired');
    expect(refused.message).toBe('This restore request expired; nothing ran. Request it again if it is still needed.');
    expect(await a.engine.listPending()).toEqual([]);

    const [fromA, fromB] = await Promise.all([a.engine.sweepExpired(), b.engine.sweepExpired()]);
    expect([...fromA, ...fromB].map((x) => x.id)).toEqual([id]);
    const expiredChanges = [...a.changes, ...b.changes].filter((c) => c.transition === 'expired');
    expect(expiredChanges).toHaveLength(1);
    expect(expiredChanges[0]!.approval).toMatchObject({ id, state: 'expired', expiredAt: clock.now() });
    expect(await a.engine.sweepExpired()).toEqual([]);
    expect(refusalOf(await a.engine.approve(id, 'U-APP')).message).toBe(
      'This restore request expired; nothing ran. Request it again if it is still needed.',
    );
    expect(executions).toEqual([]);
  });

  it('a request on a resource under a pending request or an active run is refused with a pointer to it; the lock frees when the run ends', async () => {
    const hold = gate();
    const [a, b] = [
      replica('a', {
        runner: async (_approval, control) => {
          await control.started();
          await hold.wait;
          await control.succeeded('failed over');
        },
      }),
      replica('b'),
    ];
    const id = await requested(a, aFailoverPlan(), 'U-REQ');

    const whilePending = refusalOf(await b.engine.request(aFailoverPlan({ id: 'second' }), 'U-OTHER'));
    expect(whilePending.reason).toBe('resource-locked');
    expect(whilePending.blocking?.id).toBe(id);
    expect(whilePending.message).toBe(
      `${id} (Failover orders to us-west-2) already uses runbook:failover:orders and is waiting for approval; ` +
        'wait for it to finish or reject it first.',
    );

    // The replica that takes the approving click runs the plan: here a, whose runner waits.
    await a.engine.approve(id, 'U-APP', 'orders');
    await expect.poll(async () => (await a.engine.get(id))?.state).toBe('running');
    const whileRunning = refusalOf(
      await b.engine.request(aFailoverPlan({ id: 'third', resources: ['route53:Z123:orders.db.example.com.'] }), 'U-OTHER'),
    );
    expect(whileRunning.message).toBe(
      `${id} (Failover orders to us-west-2) already uses route53:Z123:orders.db.example.com. and is running; ` +
        'wait for it to finish or reject it first.',
    );

    hold.open();
    await Promise.all([a.engine.whenIdle(), b.engine.whenIdle()]);
    expect((await a.engine.get(id))?.state).toBe('succeeded');
    expect(await b.engine.request(aFailoverPlan({ id: 'fourth' }), 'U-OTHER')).toMatchObject({ ok: true });
  });

  it('a destructive plan is approved only with its runbook name typed exactly', async () => {
    const a = replica('a');
    const id = await requested(a, aFailoverPlan());

    const missing = refusalOf(await a.engine.approve(id, 'U-APP'));
    expect(missing).toMatchObject({
      reason: 'confirmation-required',
      message: 'This failover is destructive: type orders to confirm your approval.',
    });
    const wrong = refusalOf(await a.engine.approve(id, 'U-APP', 'Orders'));
    expect(wrong).toMatchObject({
      reason: 'confirmation-mismatch',
      message: 'The confirmation did not match: type orders exactly to approve this failover.',
    });
    expect((await a.engine.get(id))?.approvals).toEqual([]);

    expect(await a.engine.approve(id, 'U-APP', ' orders ')).toMatchObject({ ok: true, executing: true });
    await a.engine.whenIdle();
    expect(executions).toHaveLength(1);
  });

  it('the audit log reads back in order after a restart', async () => {
    const a = replica('a', {
      runner: async (_approval, control) => {
        await control.started();
        await control.stepStarted({ stepId: 'restore', description: 'Restore orders-db' });
        clock.advance(1_000);
        await control.stepDone({ stepId: 'restore', description: 'Restore orders-db', note: 'available' });
        await control.succeeded('restored in 1 s', { elapsedMs: 1_000 });
      },
    });
    const id = await requested(a);
    await a.engine.approve(id, 'U-APP');
    await a.engine.whenIdle();
    const rejected = await requested(a, aRestorePlan({ id: 'plan-rejected' }));
    await a.engine.reject(rejected, 'U-APP2', 'not needed');
    const before = await a.engine.readAudit({ limit: 100 });
    await a.close();

    // "Restart": a new process, a new connection, the same prefix.
    const after = replica('after-restart');
    const read = await after.engine.readAudit({ limit: 100 });
    expect(read).toEqual(before);
    expect(read.map((e) => [e.type, e.approvalId, e.actor, e.detail])).toEqual([
      ['requested', id, 'U-REQ', 'Restore orders from its latest restorable time'],
      ['approved', id, 'U-APP', '1 of 1'],
      ['started', id, 'replica-a', undefined],
      ['step-started', id, 'replica-a', 'restore: Restore orders-db'],
      ['step-done', id, 'replica-a', 'restore: Restore orders-db (available)'],
      ['succeeded', id, 'replica-a', 'restored in 1 s'],
      ['requested', rejected, 'U-REQ', 'Restore orders from its latest restorable time'],
      ['rejected', rejected, 'U-APP2', 'not needed'],
    ]);
    expect(read.map((e) => e.at)).toEqual([...read.map((e) => e.at)].sort((x, y) => x - y));
  });

  it('a run abandoned by a dead replica is marked interrupted once across two recovering replicas, keeps its locks, and is never resumed', async () => {
    const hold = gate();
    let lostSignal: AbortSignal | undefined;
    let lateReport: unknown;
    const dying = replica('dying', {
      runner: async (_approval, control) => {
        lostSignal = control.signal;
        await control.started();
        await control.stepStarted({ stepId: 'promote', description: 'Promote orders-replica' });
        await hold.wait; // the process "dies" here: no more heartbeats while the clock moves on
        lateReport = await control.stepDone({ stepId: 'promote', description: 'Promote orders-replica' }).catch((err: unknown) => err);
      },
    });
    const id = await requested(dying, aFailoverPlan());
    await dying.engine.approve(id, 'U-APP', 'orders');
    await expect.poll(async () => (await dying.engine.get(id))?.run?.currentStep?.stepId).toBe('promote');

    const [b, c] = [replica('b'), replica('c')];
    expect(await b.engine.recoverInterruptedRuns()).toEqual([]); // the lease is still live
    clock.advance(30_000); // DEFAULT_RUN_LEASE_MS
    const [fromB, fromC] = await Promise.all([b.engine.recoverInterruptedRuns(), c.engine.recoverInterruptedRuns()]);
    const marked = [...fromB, ...fromC];
    expect(marked).toHaveLength(1);
    expect(marked[0]).toMatchObject({ id, state: 'interrupted', run: { currentStep: { stepId: 'promote' } } });
    expect([...b.changes, ...c.changes].filter((x) => x.transition === 'interrupted')).toHaveLength(1);
    expect((await auditTypes()).filter((t) => t.startsWith('interrupted:'))).toHaveLength(1);
    expect(await b.engine.request(aFailoverPlan({ id: 'after' }), 'U-REQ')).toMatchObject({
      ok: false,
      reason: 'resource-locked',
      blocking: { id },
    });

    hold.open();
    await dying.engine.whenIdle();
    expect(lateReport).toMatchObject({ code: 'LIFEBOAT_APPROVAL_RUN_LOST' });
    expect(lostSignal?.aborted).toBe(true);
    expect((await b.engine.get(id))?.state).toBe('interrupted');
    expect(executions.map((e) => e.replica)).toEqual(['dying']);
  });
});
