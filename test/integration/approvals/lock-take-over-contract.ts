import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApprovalStore } from '../../../src/approvals/approval-store.js';
import { claimed, input, LEASE, mustCreate, T0, type ApprovalStoreUnderTest } from './contract-helpers.js';
import { aFailoverPlan } from './fixtures.js';

/** A resume or DNS revert taking over an interrupted run's locks in the step that creates it. */
export function defineLockTakeOverContract(label: string, create: () => Promise<ApprovalStoreUnderTest>): void {
  describe(`${label} approval store contract: lock take-over`, () => {
    let sut: ApprovalStoreUnderTest;
    let store: ApprovalStore;

    beforeEach(async () => {
      sut = await create();
      store = sut.store;
    });
    afterEach(async () => {
      await sut.cleanup();
    });

    async function interruptedRun(): Promise<string> {
      const run = await claimed(store, aFailoverPlan(), 'dead-replica');
      await store.recoverInterruptedRuns(T0 + 1_000 + LEASE, 'recoverer', 100);
      return run.id;
    }

    it("takes an interrupted run's locks at once, marking it handed over and audited; nobody else can take them", async () => {
      const original = await interruptedRun();
      const at = T0 + 2 * LEASE;
      const resume = aFailoverPlan({ id: 'plan-resume' });
      // Another request, or one naming a different run, is still refused.
      expect(await store.create(input(aFailoverPlan({ id: 'plan-other' }), { createdAt: at }))).toMatchObject({
        ok: false,
        heldBy: original,
      });
      expect(await store.create(input(aFailoverPlan({ id: 'plan-wrong' }), { createdAt: at, takesOver: 'APR-404' }))).toMatchObject({
        ok: false,
        heldBy: original,
      });

      const outcome = await sut.other.create(input(resume, { createdAt: at, requester: 'U-OPS', takesOver: original }));
      if (!outcome.ok) throw new Error('the take-over was refused');
      expect(outcome.tookOver).toMatchObject({
        id: original,
        state: 'interrupted',
        locksReleased: { userId: 'U-OPS', at, handedTo: outcome.approval.id },
      });
      expect(await store.get(original)).toEqual(outcome.tookOver);
      expect(await store.lockHolder(resume.resources)).toEqual({ resource: resume.resources[0], heldBy: outcome.approval.id });
      // Released means handed over: the original can no longer free the locks it gave away.
      expect(await store.releaseLocks(original, { userId: 'U-B', at })).toMatchObject({ ok: false, reason: 'wrong-state' });
      expect((await store.readAudit({ limit: 100 })).filter((e) => e.approvalId === original).at(-1)).toEqual({
        id: expect.any(String),
        type: 'released',
        approvalId: original,
        actor: 'U-OPS',
        at,
        detail: `locks handed over to ${outcome.approval.id}`,
      });
    });

    it('takes nothing from a run that is not interrupted, or whose locks were released', async () => {
      const pending = await mustCreate(store, input(aFailoverPlan()));
      expect(await store.create(input(aFailoverPlan({ id: 'plan-resume' }), { takesOver: pending.id }))).toMatchObject({
        ok: false,
        heldBy: pending.id,
      });
      expect((await store.get(pending.id))?.locksReleased).toBeUndefined();
    });
  });
}
