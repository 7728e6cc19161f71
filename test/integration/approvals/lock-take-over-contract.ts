import { describe, expect, it } from 'vitest';
import { claimed, input, LEASE, mustCreate, T0, type ApprovalStoreUnderTest } from './contract-helpers.js';
import { aFailoverPlan } from './fixtures.js';

/**
 * A resume or DNS revert taking over an interrupted run's locks in the step that creates it;
 * defined inside the store contract's describe, on the store under test it sets up.
 */
export function defineLockTakeOverCases(current: () => ApprovalStoreUnderTest): void {
  describe('lock take-over', () => {
    async function interruptedRun(): Promise<string> {
      const run = await claimed(current().store, aFailoverPlan(), 'dead-replica');
      await current().store.recoverInterruptedRuns(T0 + 1_000 + LEASE, 'recoverer', 100);
      return run.id;
    }

    it("takes an interrupted run's locks at once, marking it handed over and audited; nobody else can take them", async () => {
      const original = await interruptedRun();
      const at = T0 + 2 * LEASE;
      const resume = aFailoverPlan({ id: 'plan-resume' });
      // Another request, or one naming a different run, is still refused.
      expect(await current().store.create(input(aFailoverPlan({ id: 'plan-other' }), { createdAt: at }))).toMatchObject({
        ok: false,
        heldBy: original,
      });
      expect(
        await current().store.create(input(aFailoverPlan({ id: 'plan-wrong' }), { createdAt: at, takesOver: 'APR-404' })),
      ).toMatchObject({
        ok: false,
        heldBy: original,
      });

      const outcome = await current().other.create(input(resume, { createdAt: at, requester: 'U-OPS', takesOver: original }));
      if (!outcome.ok) throw new Error('the take-over was refused');
      expect(outcome.tookOver).toMatchObject({
        id: original,
        state: 'interrupted',
        locksReleased: { userId: 'U-OPS', at, handedTo: outcome.approval.id },
      });
      expect(await current().store.get(original)).toEqual(outcome.tookOver);
      expect(await current().store.lockHolder(resume.resources)).toEqual({ resource: resume.resources[0], heldBy: outcome.approval.id });
      // Released means handed over: the original can no longer free the locks it gave away.
      expect(await current().store.releaseLocks(original, { userId: 'U-B', at })).toMatchObject({ ok: false, reason: 'wrong-state' });
      expect((await current().store.readAudit({ limit: 100 })).filter((e) => e.approvalId === original).at(-1)).toEqual({
        id: expect.any(String),
        type: 'released',
        approvalId: original,
        actor: 'U-OPS',
        at,
        detail: `locks handed over to ${outcome.approval.id}`,
      });
    });

    it('takes nothing from a run that is not interrupted, or whose locks were released', async () => {
      const pending = await mustCreate(current().store, input(aFailoverPlan()));
      expect(await current().store.create(input(aFailoverPlan({ id: 'plan-resume' }), { takesOver: pending.id }))).toMatchObject({
        ok: false,
        heldBy: pending.id,
      });
      expect((await current().store.get(pending.id))?.locksReleased).toBeUndefined();
    });
  });
}
