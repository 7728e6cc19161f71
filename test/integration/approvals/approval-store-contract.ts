import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApprovalStore } from '../../../src/approvals/approval-store.js';
import { defineApprovalRunContract } from './approval-run-contract.js';
import { defineLastRunCases } from './last-run-contract.js';
import { defineLockTakeOverCases } from './lock-take-over-contract.js';
import { input, LEASE, mustCreate, T0, TTL, vote, type ApprovalStoreUnderTest } from './contract-helpers.js';
import { aFailoverPlan, aRestorePlan } from './fixtures.js';

export type { ApprovalStoreUnderTest } from './contract-helpers.js';

/** The behaviour every ApprovalStore must have; each implementation's test file runs it. */
export function defineApprovalStoreContract(label: string, create: () => Promise<ApprovalStoreUnderTest>): void {
  describe(`${label} approval store contract`, () => {
    let sut: ApprovalStoreUnderTest;
    let store: ApprovalStore;

    beforeEach(async () => {
      sut = await create();
      store = sut.store;
    });
    afterEach(async () => {
      await sut.cleanup();
    });

    defineLockTakeOverCases(() => sut);
    defineLastRunCases(() => sut);

    describe('requests', () => {
      it('a new request is pending, holds the plan unchanged and is listed until it is decided', async () => {
        const plan = aRestorePlan();
        const approval = await mustCreate(store, input(plan, { requiredApprovals: 2 }));
        expect(approval).toEqual({
          id: 'APR-1',
          plan,
          requester: 'U-REQ',
          requiredApprovals: 2,
          state: 'pending',
          createdAt: T0,
          expiresAt: T0 + TTL,
          updatedAt: T0,
          approvals: [],
        });
        expect(await sut.other.get('APR-1')).toEqual(approval);
        expect(await store.get('APR-404')).toBeNull();
        expect((await store.listPending()).map((a) => a.id)).toEqual(['APR-1']);
        expect(await store.countPending(T0)).toBe(1);
        expect(await store.countPending(T0 + TTL)).toBe(0);
      });

      it('a request touching a resource held by a pending request is refused, naming the resource and the holder', async () => {
        const first = await mustCreate(store, input(aFailoverPlan()));
        const overlapping = aRestorePlan({ resources: ['rds:us-east-1:instance:other', 'route53:Z123:orders.db.example.com.'] });
        expect(await sut.other.create(input(overlapping))).toEqual({
          ok: false,
          reason: 'resource-locked',
          resource: 'route53:Z123:orders.db.example.com.',
          heldBy: first.id,
        });
        // Nothing of the refused request was written: its other resource stays free.
        await mustCreate(store, input(aRestorePlan({ id: 'plan-other', resources: ['rds:us-east-1:instance:other'] })));
        expect((await store.listPending()).map((a) => a.id)).toEqual([first.id, 'APR-3']);
      });

      it('requests on different resources coexist, and a resource listed twice is locked once', async () => {
        await mustCreate(store, input(aFailoverPlan()));
        const restore = await mustCreate(store, input(aRestorePlan({ resources: ['runbook:restore:orders', 'runbook:restore:orders'] })));
        expect(restore.state).toBe('pending');
      });

      it('a plan becomes one request: creating it again (a create whose reply was lost, re-sent) answers that request and writes nothing', async () => {
        const plan = aFailoverPlan();
        const first = await store.create(input(plan));
        expect(first).toMatchObject({ ok: true, existing: false, approval: { id: 'APR-1' } });
        const again = await sut.other.create(input(plan, { requester: 'U-OTHER', createdAt: T0 + 5_000 }));
        expect(again).toEqual({ ok: true, existing: true, approval: first.ok && first.approval });
        expect((await store.readAudit({ limit: 10 })).map((e) => `${e.type}:${e.approvalId}`)).toEqual(['requested:APR-1']);
        expect((await store.listPending()).map((a) => a.id)).toEqual(['APR-1']);
        // Numbering leaves a gap for the repeat, in both stores alike.
        expect(await mustCreate(store, input(aRestorePlan()))).toMatchObject({ id: 'APR-3' });

        expect(await sut.other.findByPlan(plan.id)).toEqual(first.ok && first.approval);
        expect(await store.findByPlan('plan-never-made')).toBeNull();
        // Whatever became of it: an ended request is still the one made for its plan.
        await store.reject('APR-1', { userId: 'U-B', at: T0 + 1 });
        expect(await store.create(input(plan))).toMatchObject({ ok: true, existing: true, approval: { id: 'APR-1', state: 'rejected' } });
        expect(await store.findByPlan(plan.id)).toMatchObject({ id: 'APR-1', state: 'rejected' });
      });
    });

    describe('approving', () => {
      it('approvals from distinct approvers are recorded in order; the one reaching the count claims the run', async () => {
        const approval = await mustCreate(store, input(aRestorePlan(), { requiredApprovals: 2 }));
        const first = await store.approve(approval.id, vote('U-A', T0 + 1_000));
        expect(first.kind).toBe('recorded');
        expect(first.kind !== 'refused' && first.approval.approvals).toEqual([{ userId: 'U-A', at: T0 + 1_000 }]);

        const second = await sut.other.approve(approval.id, vote('U-B', T0 + 2_000, 'replica-b'));
        expect(second.kind).toBe('execute');
        const approved = await store.get(approval.id);
        expect(approved).toMatchObject({
          state: 'approved',
          updatedAt: T0 + 2_000,
          approvals: [
            { userId: 'U-A', at: T0 + 1_000 },
            { userId: 'U-B', at: T0 + 2_000 },
          ],
          run: { runnerId: 'replica-b', claimedAt: T0 + 2_000, leaseExpiresAt: T0 + 2_000 + LEASE, steps: [] },
        });
        expect(await store.listPending()).toEqual([]);
        expect((await store.listActiveRuns()).map((a) => a.id)).toEqual([approval.id]);
        expect(await store.approve(approval.id, vote('U-C', T0 + 3_000))).toMatchObject({ kind: 'refused', reason: 'not-pending' });
      });

      it('the same approver twice counts once', async () => {
        const approval = await mustCreate(store, input(aRestorePlan(), { requiredApprovals: 2 }));
        await store.approve(approval.id, vote('U-A'));
        const again = await sut.other.approve(approval.id, vote('U-A', T0 + 5_000));
        expect(again).toMatchObject({ kind: 'refused', reason: 'already-approved' });
        expect((await store.get(approval.id))?.approvals).toEqual([{ userId: 'U-A', at: T0 + 1_000 }]);
        expect((await store.get(approval.id))?.state).toBe('pending');
      });

      it('the requester cannot approve their own request, even at the store', async () => {
        const approval = await mustCreate(store, input(aRestorePlan()));
        expect(await store.approve(approval.id, vote('U-REQ'))).toMatchObject({ kind: 'refused', reason: 'own-request' });
        expect((await store.get(approval.id))?.approvals).toEqual([]);
      });

      it('an approval at or after the expiry instant is refused; one just before it counts', async () => {
        const approval = await mustCreate(store, input(aRestorePlan(), { requiredApprovals: 2 }));
        expect(await store.approve(approval.id, vote('U-A', T0 + TTL - 1))).toMatchObject({ kind: 'recorded' });
        expect(await store.approve(approval.id, vote('U-B', T0 + TTL))).toMatchObject({ kind: 'refused', reason: 'expired' });
      });

      it('approving an unknown request is refused as not found', async () => {
        expect(await store.approve('APR-404', vote('U-A'))).toEqual({ kind: 'refused', reason: 'not-found', approval: null });
      });

      it('50 concurrent approvals over two clients claim the run exactly once', async () => {
        const approval = await mustCreate(store, input(aRestorePlan()));
        const clients = [store, sut.other];
        const outcomes = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            clients[i % 2]!.approve(approval.id, vote(`U-${i % 5}`, T0 + 1_000 + i, `replica-${i % 2}`)),
          ),
        );
        expect(outcomes.filter((o) => o.kind === 'execute')).toHaveLength(1);
        expect(outcomes.filter((o) => o.kind === 'recorded')).toHaveLength(0);
        expect((await store.get(approval.id))?.approvals).toHaveLength(1);
      });
    });

    describe('rejecting and expiring', () => {
      it('a rejection ends the request, keeps who and why, and frees its resources', async () => {
        const approval = await mustCreate(store, input(aFailoverPlan()));
        const outcome = await store.reject(approval.id, { userId: 'U-B', at: T0 + 500, reason: 'lag too high' });
        expect(outcome).toMatchObject({
          ok: true,
          approval: { state: 'rejected', rejection: { userId: 'U-B', at: T0 + 500, reason: 'lag too high' }, updatedAt: T0 + 500 },
        });
        expect(await store.approve(approval.id, vote('U-A'))).toMatchObject({ kind: 'refused', reason: 'not-pending' });
        expect(await store.reject(approval.id, { userId: 'U-C', at: T0 + 600 })).toMatchObject({ ok: false, reason: 'wrong-state' });
        expect(await store.countPending(T0)).toBe(0);
        expect(await store.create(input(aFailoverPlan({ id: 'again' })))).toMatchObject({ ok: true, existing: false });
      });

      it('a request past its expiry cannot be rejected, and an unknown one is not found', async () => {
        const approval = await mustCreate(store, input(aRestorePlan()));
        expect(await store.reject(approval.id, { userId: 'U-B', at: T0 + TTL })).toMatchObject({ ok: false, reason: 'expired' });
        expect(await store.reject('APR-404', { userId: 'U-B', at: T0 })).toEqual({ ok: false, reason: 'not-found', approval: null });
      });

      it('due requests expire once: a second sweep, or a racing one, gets nothing; locks are freed', async () => {
        const early = await mustCreate(store, input(aFailoverPlan(), { expiresAt: T0 + 1_000 }));
        const late = await mustCreate(store, input(aRestorePlan(), { expiresAt: T0 + 5_000 }));
        expect(await store.expireDue(T0 + 999, 100)).toEqual([]);

        const [a, b] = await Promise.all([store.expireDue(T0 + 1_000, 100), sut.other.expireDue(T0 + 1_000, 100)]);
        const expired = [...a, ...b];
        expect(expired.map((x) => x.id)).toEqual([early.id]);
        expect(expired[0]).toMatchObject({ state: 'expired', expiredAt: T0 + 1_000 });
        expect(await store.expireDue(T0 + 1_000, 100)).toEqual([]);
        expect((await store.get(late.id))?.state).toBe('pending');
        await mustCreate(store, input(aFailoverPlan({ id: 'again' })));
      });

      it('a sweep expires at most `limit` requests, oldest expiry first', async () => {
        for (const minutes of [3, 1, 2]) {
          await mustCreate(
            store,
            input(aRestorePlan({ id: `plan-${minutes}`, resources: [`r-${minutes}`] }), { expiresAt: T0 + minutes * 60_000 }),
          );
        }
        const first = await store.expireDue(T0 + TTL, 2);
        expect(first.map((a) => a.plan.resources[0])).toEqual(['r-1', 'r-2']);
        expect((await store.expireDue(T0 + TTL, 2)).map((a) => a.plan.resources[0])).toEqual(['r-3']);
      });
    });
  });

  defineApprovalRunContract(label, create);
}
