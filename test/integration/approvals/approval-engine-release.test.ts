import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisApprovalStore } from '../../../src/backend/redis/redis-approval-store.js';
import { gate, type Replica, replicaTestbed } from './engine-harness.js';
import { aRestorePlan } from './fixtures.js';

// SPEC §6.9, one run per runbook and per AWS resource at a time: a run interrupted mid-restore
// may still be working in AWS for hours, so its locks stay until a person checks and releases them.

const bed = replicaTestbed('approval-release');
const { clock, executions, replica } = bed;
let hold: ReturnType<typeof gate>;
beforeEach(() => {
  hold = gate();
});
afterEach(() => {
  hold.open();
});

/** Approves a restore on a replica whose runner "dies" during its first step, then lets b mark it interrupted. */
async function interruptedRestore(b: Replica): Promise<string> {
  const dying = replica('dying', {
    runner: async (_approval, control) => {
      await control.started();
      await control.stepStarted({ stepId: 'restore', description: 'Restore orders-db' });
      await hold.wait;
    },
  });
  const request = await dying.engine.request(aRestorePlan(), 'U-REQ');
  if (!request.ok) throw new Error(request.message);
  await dying.engine.approve(request.approval.id, 'U-APP');
  await expect.poll(async () => (await b.engine.get(request.approval.id))?.run?.currentStep?.stepId).toBe('restore');
  clock.advance(30_000); // DEFAULT_RUN_LEASE_MS: the lease lapses
  expect((await b.engine.recoverInterruptedRuns()).map((a) => a.id)).toEqual([request.approval.id]);
  return request.approval.id;
}

const anyone = () => true;
const nobody = () => false;

describe('an interrupted run', () => {
  it('keeps its resource locks: a new restore of the same runbook is refused, naming the interrupted request and what to do', async () => {
    const b = replica('b');
    const id = await interruptedRestore(b);

    const again = await b.engine.request(aRestorePlan({ id: 'plan-again' }), 'U-OTHER');
    expect(again).toMatchObject({ ok: false, reason: 'resource-locked', blocking: { id, state: 'interrupted' } });
    expect(again.ok ? '' : again.message).toBe(
      `${id} (Restore orders from its latest restorable time) was interrupted and still holds runbook:restore:orders: ` +
        'AWS may still be working on it. Check the state in AWS, then release its locks (Release locks on its message) before requesting again.',
    );
  });

  it('is released by one allowed person: audited, announced, nothing started, and the runbook is free again', async () => {
    const b = replica('b');
    const id = await interruptedRestore(b);
    clock.advance(60_000);

    const released = await b.engine.release(id, 'U-APP2', anyone);
    expect(released).toMatchObject({
      ok: true,
      approval: { id, state: 'interrupted', locksReleased: { userId: 'U-APP2', at: clock.now() } },
    });
    expect(b.changes.at(-1)).toMatchObject({ transition: 'released', actor: 'U-APP2', approval: { locksReleased: { userId: 'U-APP2' } } });
    const audit = await new RedisApprovalStore({ redis: bed.admin(), keyPrefix: bed.keyPrefix() }).readAudit({ limit: 100 });
    expect(audit.at(-1)).toMatchObject({
      type: 'released',
      approvalId: id,
      actor: 'U-APP2',
      at: clock.now(),
      detail: 'runbook:restore:orders, rds:us-east-1:instance:orders-db-restore-1',
    });
    expect(executions.map((e) => e.replica)).toEqual(['dying']);
    expect(await b.engine.request(aRestorePlan({ id: 'plan-after-release' }), 'U-OTHER')).toMatchObject({ ok: true });
  });

  it('refuses a release the caller does not allow, a second release, and one of a request that was not interrupted', async () => {
    const b = replica('b');
    const id = await interruptedRestore(b);

    expect(await b.engine.release(id, 'U-OPERATOR', nobody)).toMatchObject({
      ok: false,
      reason: 'not-allowed-to-release',
      message: 'You are not allowed to release the locks of this restore; ask an approver.',
    });
    expect((await b.engine.get(id))?.locksReleased).toBeUndefined();

    // Concurrent releases from two replicas: one wins, the other is told it was already done.
    const c = replica('c');
    const both = await Promise.all([b.engine.release(id, 'U-APP', anyone), c.engine.release(id, 'U-APP2', anyone)]);
    expect(both.filter((r) => r.ok)).toHaveLength(1);
    expect(both.find((r) => !r.ok)).toMatchObject({
      reason: 'already-released',
      message: 'The locks of this restore were already released; new requests can use its resources.',
    });
    expect([...b.changes, ...c.changes].filter((ch) => ch.transition === 'released')).toHaveLength(1);

    const pending = await b.engine.request(aRestorePlan({ id: 'plan-pending' }), 'U-REQ');
    if (!pending.ok) throw new Error(pending.message);
    expect(await b.engine.release(pending.approval.id, 'U-APP', anyone)).toMatchObject({
      ok: false,
      reason: 'not-interrupted',
      message: 'This restore request is waiting for approval, not interrupted: reject it to free its resources.',
    });
    expect(await b.engine.release('APR-404', 'U-APP', anyone)).toMatchObject({ ok: false, reason: 'not-found' });
  });
});
