import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApprovalStore } from '../../../src/approvals/approval-store.js';
import { StoreError } from '../../../src/store/store-error.js';
import { claimed, input, LEASE, mustCreate, T0, vote, type ApprovalStoreUnderTest } from './contract-helpers.js';
import { aFailoverPlan, aRestorePlan } from './fixtures.js';

/** Runs, recovery and the audit log: the second half of the approval store contract. */
export function defineApprovalRunContract(label: string, create: () => Promise<ApprovalStoreUnderTest>): void {
  describe(`${label} approval store contract: runs and audit`, () => {
    let sut: ApprovalStoreUnderTest;
    let store: ApprovalStore;

    beforeEach(async () => {
      sut = await create();
      store = sut.store;
    });
    afterEach(async () => {
      await sut.cleanup();
    });

    describe('runs', () => {
      it('the claiming runner starts, reports steps in order and succeeds; the locks are freed at the end', async () => {
        const approval = await claimed(store, aFailoverPlan());
        const run = (at: number) => ({ runnerId: 'replica-a', at, leaseExpiresAt: at + LEASE });
        expect(await store.stepStarted(approval.id, { ...run(T0 + 1_500), step: { stepId: 'x', description: 'x', at: T0 } })).toMatchObject(
          {
            ok: false,
            reason: 'wrong-state',
          },
        );
        expect(await sut.other.startRun(approval.id, { ...run(T0 + 2_000), runnerId: 'replica-b' })).toMatchObject({
          ok: false,
          reason: 'not-runner',
        });
        expect(await store.startRun(approval.id, run(T0 + 2_000))).toMatchObject({ ok: true, approval: { state: 'running' } });

        const promote = { stepId: 'promote', description: 'Promote orders-replica', at: T0 + 3_000 };
        const started = await store.stepStarted(approval.id, { ...run(T0 + 3_000), step: promote });
        expect(started).toMatchObject({ ok: true, approval: { run: { currentStep: promote, leaseExpiresAt: T0 + 3_000 + LEASE } } });
        const done = { ...promote, at: T0 + 9_000, note: 'available after 6 s' };
        await store.stepDone(approval.id, { ...run(T0 + 9_000), step: done });
        const dns = { stepId: 'dns-upsert', description: 'Point the record', at: T0 + 10_000 };
        await sut.other.stepDone(approval.id, { ...run(T0 + 10_000), step: dns });

        // A request on the same resources waits for the run to end.
        expect(await store.create(input(aFailoverPlan({ id: 'plan-during' })))).toMatchObject({ ok: false, heldBy: approval.id });
        const finished = await store.finishRun(approval.id, {
          runnerId: 'replica-a',
          at: T0 + 11_000,
          outcome: 'succeeded',
          message: 'Failed over in 9 s',
          detail: { elapsedMs: 9_000, lagSeconds: 0 },
        });
        expect(finished).toMatchObject({ ok: true });
        const final = await store.get(approval.id);
        expect(final?.state).toBe('succeeded');
        expect(final?.run).toEqual({
          runnerId: 'replica-a',
          claimedAt: T0 + 1_000,
          leaseExpiresAt: T0 + 10_000 + LEASE,
          startedAt: T0 + 2_000,
          steps: [done, dns],
          finishedAt: T0 + 11_000,
          message: 'Failed over in 9 s',
          detail: { elapsedMs: 9_000, lagSeconds: 0 },
        });
        expect(await store.listActiveRuns()).toEqual([]);
        expect(await store.finishRun(approval.id, { runnerId: 'replica-a', at: T0, outcome: 'failed', message: 'x' })).toMatchObject({
          ok: false,
          reason: 'wrong-state',
        });
        expect(await store.releaseLocks(approval.id, { userId: 'U-B', at: T0 + 12_000 })).toMatchObject({
          ok: false,
          reason: 'wrong-state',
        });
        await mustCreate(store, input(aFailoverPlan({ id: 'plan-after' })));
      });

      it('a claimed run can fail before it starts (guard no longer holds), freeing its locks', async () => {
        const approval = await claimed(store, aFailoverPlan());
        const failed = await store.finishRun(approval.id, {
          runnerId: 'replica-a',
          at: T0 + 2_000,
          outcome: 'failed',
          message: 'replica lag is now 412 s, above the 300 s guard',
        });
        expect(failed).toMatchObject({
          ok: true,
          approval: { state: 'failed', run: { message: 'replica lag is now 412 s, above the 300 s guard' } },
        });
        await mustCreate(store, input(aFailoverPlan({ id: 'plan-after' })));
      });

      it('a run whose lease lapsed is marked interrupted exactly once across racing recoverers, keeping its locks; a renewed one is not', async () => {
        const lapsed = await claimed(store, aFailoverPlan(), 'dead-replica');
        await store.startRun(lapsed.id, { runnerId: 'dead-replica', at: T0 + 2_000, leaseExpiresAt: T0 + 2_000 + LEASE });
        const step = { stepId: 'promote', description: 'Promote', at: T0 + 3_000 };
        await store.stepStarted(lapsed.id, { runnerId: 'dead-replica', at: T0 + 3_000, leaseExpiresAt: T0 + 3_000 + LEASE, step });
        const alive = await claimed(store, aRestorePlan(), 'live-replica');

        const later = T0 + 3_000 + LEASE;
        expect(await store.renewRun(alive.id, { runnerId: 'live-replica', at: later - 1, leaseExpiresAt: later + LEASE })).toBe(true);
        expect(await store.renewRun(alive.id, { runnerId: 'someone-else', at: later, leaseExpiresAt: later + LEASE })).toBe(false);
        expect(await store.recoverInterruptedRuns(later - 1, 'recoverer-x', 100)).toEqual([]);

        const [a, b] = await Promise.all([
          store.recoverInterruptedRuns(later, 'recoverer-a', 100),
          sut.other.recoverInterruptedRuns(later, 'recoverer-b', 100),
        ]);
        const marked = [...a, ...b];
        expect(marked.map((x) => x.id)).toEqual([lapsed.id]);
        expect(marked[0]).toMatchObject({ state: 'interrupted', run: { currentStep: step, finishedAt: later } });
        expect(['recoverer-a', 'recoverer-b']).toContain(marked[0]?.run?.interruptedBy);
        expect((await store.get(alive.id))?.state).toBe('approved');

        // The dead runner, had it come back, can no longer report: the run is not its any more.
        const late = { runnerId: 'dead-replica', at: later + 1, leaseExpiresAt: later + LEASE, step };
        expect(await store.stepDone(lapsed.id, late)).toMatchObject({ ok: false, reason: 'wrong-state' });
        expect(await store.renewRun(lapsed.id, late)).toBe(false);
        // AWS may still be promoting: the interrupted run keeps every lock it had.
        for (const resource of aFailoverPlan().resources) {
          expect(await store.create(input(aFailoverPlan({ id: `plan-${resource}`, resources: [resource] })))).toMatchObject({
            ok: false,
            resource,
            heldBy: lapsed.id,
          });
        }
      });

      it('the locks an interrupted run kept are released once, by a person, audited; the run stays interrupted', async () => {
        const lapsed = await claimed(store, aFailoverPlan(), 'dead-replica');
        const other = await mustCreate(store, input(aRestorePlan({ id: 'plan-pending' })));
        expect(await store.releaseLocks(lapsed.id, { userId: 'U-B', at: T0 + 2_000 })).toMatchObject({ ok: false, reason: 'wrong-state' });
        await store.recoverInterruptedRuns(T0 + 1_000 + LEASE, 'recoverer', 100);

        const at = T0 + 1_000 + LEASE + 60_000;
        const [a, b] = await Promise.all([
          store.releaseLocks(lapsed.id, { userId: 'U-B', at }),
          sut.other.releaseLocks(lapsed.id, { userId: 'U-C', at }),
        ]);
        const won = [a, b].filter((o) => o.ok);
        expect(won).toHaveLength(1);
        expect([a, b].find((o) => !o.ok)).toMatchObject({ ok: false, reason: 'wrong-state', approval: { state: 'interrupted' } });
        const released = await store.get(lapsed.id);
        expect(released).toMatchObject({ state: 'interrupted', updatedAt: at, locksReleased: { at } });
        expect(['U-B', 'U-C']).toContain(released?.locksReleased?.userId);
        expect(won[0]).toEqual({ ok: true, approval: released });

        expect(await store.releaseLocks(other.id, { userId: 'U-B', at })).toMatchObject({
          ok: false,
          reason: 'wrong-state',
          approval: { state: 'pending' },
        });
        expect(await store.releaseLocks('APR-404', { userId: 'U-B', at })).toEqual({ ok: false, reason: 'not-found', approval: null });
        expect((await store.readAudit({ limit: 100 })).filter((e) => e.type === 'released')).toEqual([
          {
            id: expect.any(String),
            type: 'released',
            approvalId: lapsed.id,
            actor: released?.locksReleased?.userId,
            at,
            detail: 'runbook:failover:orders, rds:us-west-2:instance:orders-replica, route53:Z123:orders.db.example.com.',
          },
        ]);
        await mustCreate(store, input(aFailoverPlan({ id: 'plan-after-release' })));
      });
    });

    describe('runs across store blips and stops', () => {
      it('a step write sent again after its reply was lost records nothing twice and renews the lease', async () => {
        const approval = await claimed(store, aFailoverPlan());
        const run = (at: number) => ({ runnerId: 'replica-a', at, leaseExpiresAt: at + LEASE });
        await store.startRun(approval.id, run(T0 + 2_000));
        const promote = { stepId: 'promote', description: 'Promote orders-replica', at: T0 + 3_000 };
        await store.stepStarted(approval.id, { ...run(T0 + 3_000), step: promote });
        expect(await sut.other.stepStarted(approval.id, { ...run(T0 + 4_000), step: promote })).toMatchObject({
          ok: true,
          approval: { run: { currentStep: promote, leaseExpiresAt: T0 + 4_000 + LEASE } },
        });
        const done = { ...promote, at: T0 + 9_000, note: 'available after 6 s' };
        await store.stepDone(approval.id, { ...run(T0 + 9_000), step: done });
        const again = await sut.other.stepDone(approval.id, { ...run(T0 + 12_000), step: done });
        expect(again).toMatchObject({ ok: true, approval: { run: { steps: [done], leaseExpiresAt: T0 + 12_000 + LEASE } } });
        const audit = (await store.readAudit({ limit: 100 })).map((e) => e.type);
        expect(audit.filter((t) => t === 'step-started')).toHaveLength(1);
        expect(audit.filter((t) => t === 'step-done')).toHaveLength(1);
        // The next step is recorded as usual.
        const dns = { stepId: 'dns-upsert', description: 'Point the record', at: T0 + 13_000 };
        expect(await store.stepDone(approval.id, { ...run(T0 + 13_000), step: dns })).toMatchObject({
          ok: true,
          approval: { run: { steps: [done, dns] } },
        });
      });

      it('a runner hands its own run back at once: interrupted where it stopped, locks kept, audited with the reason; nobody else can', async () => {
        const approval = await claimed(store, aFailoverPlan());
        const run = (at: number) => ({ runnerId: 'replica-a', at, leaseExpiresAt: at + LEASE });
        await store.startRun(approval.id, run(T0 + 2_000));
        await store.stepStarted(approval.id, {
          ...run(T0 + 3_000),
          step: { stepId: 'wait-promoted', description: 'Wait', at: T0 + 3_000 },
        });
        const reason = 'this replica was stopping';
        expect(await sut.other.handBackRun(approval.id, { runnerId: 'replica-b', at: T0 + 4_000, reason })).toMatchObject({
          ok: false,
          reason: 'not-runner',
        });

        const handed = await store.handBackRun(approval.id, { runnerId: 'replica-a', at: T0 + 4_000, reason });
        expect(handed).toMatchObject({
          ok: true,
          approval: { state: 'interrupted', updatedAt: T0 + 4_000, run: { interruptedBy: 'replica-a', finishedAt: T0 + 4_000 } },
        });
        expect(await store.handBackRun(approval.id, { runnerId: 'replica-a', at: T0 + 5_000, reason })).toMatchObject({
          ok: false,
          reason: 'wrong-state',
        });
        expect(await store.handBackRun('APR-404', { runnerId: 'replica-a', at: T0 + 5_000, reason })).toEqual({
          ok: false,
          reason: 'not-found',
          approval: null,
        });
        // Not active any more: recovery does not report it a second time; the runner's writes are refused.
        expect(await store.recoverInterruptedRuns(T0 + 10 * LEASE, 'recoverer', 100)).toEqual([]);
        expect(
          await store.stepDone(approval.id, { ...run(T0 + 6_000), step: { stepId: 'wait-promoted', description: 'Wait', at: T0 + 6_000 } }),
        ).toMatchObject({
          ok: false,
          reason: 'wrong-state',
        });
        expect((await store.readAudit({ limit: 100 })).at(-1)).toEqual({
          id: expect.any(String),
          type: 'interrupted',
          approvalId: approval.id,
          actor: 'replica-a',
          at: T0 + 4_000,
          detail: 'during step wait-promoted (this replica was stopping)',
        });
        expect(await store.lockHolder(['rds:us-west-2:instance:orders-replica'])).toEqual({
          resource: 'rds:us-west-2:instance:orders-replica',
          heldBy: approval.id,
        });
        await store.releaseLocks(approval.id, { userId: 'U-B', at: T0 + 7_000 });
        expect(await store.lockHolder(['rds:us-west-2:instance:orders-replica'])).toBeNull();
      });

      it('names the first held resource of a list, read-only', async () => {
        expect(await store.lockHolder([])).toBeNull();
        const pending = await mustCreate(store, input(aRestorePlan()));
        expect(
          await sut.other.lockHolder(['runbook:failover:orders', 'rds:us-east-1:instance:orders-db-restore-1', 'runbook:restore:orders']),
        ).toEqual({
          resource: 'rds:us-east-1:instance:orders-db-restore-1',
          heldBy: pending.id,
        });
        expect(await store.get(pending.id)).toMatchObject({ state: 'pending' });
      });
    });

    describe('audit log', () => {
      it('records every transition in order, with actor, time and plain details', async () => {
        const approval = await mustCreate(store, input(aFailoverPlan(), { requiredApprovals: 2 }));
        await store.approve(approval.id, vote('U-A', T0 + 1_000));
        await store.approve(approval.id, vote('U-B', T0 + 2_000, 'replica-b'));
        const run = (at: number) => ({ runnerId: 'replica-b', at, leaseExpiresAt: at + LEASE });
        await store.startRun(approval.id, run(T0 + 3_000));
        await store.stepStarted(approval.id, {
          ...run(T0 + 4_000),
          step: { stepId: 'promote', description: 'Promote orders-replica', at: T0 + 4_000 },
        });
        await store.stepDone(approval.id, {
          ...run(T0 + 5_000),
          step: { stepId: 'promote', description: 'Promote orders-replica', at: T0 + 5_000, note: 'available' },
        });
        await store.finishRun(approval.id, { runnerId: 'replica-b', at: T0 + 6_000, outcome: 'failed', message: 'DNS change was refused' });
        const rejected = await mustCreate(store, input(aRestorePlan({ id: 'plan-rejected' })));
        await store.reject(rejected.id, { userId: 'U-C', at: T0 + 7_000, reason: 'wrong runbook' });
        const expired = await mustCreate(store, input(aRestorePlan({ id: 'plan-expired' }), { expiresAt: T0 + 8_000 }));
        await store.expireDue(T0 + 8_000, 100);
        const interrupted = await claimed(store, aRestorePlan({ id: 'plan-interrupted' }), 'dead');
        await store.recoverInterruptedRuns(T0 + 1_000 + LEASE, 'recoverer', 100);
        await store.releaseLocks(interrupted.id, { userId: 'U-D', at: T0 + 2_000 + LEASE });

        const entries = await sut.other.readAudit({ limit: 100 });
        expect(entries.map(({ id: _id, ...rest }) => rest)).toEqual([
          { type: 'requested', approvalId: approval.id, actor: 'U-REQ', at: T0, detail: 'Failover orders to us-west-2' },
          { type: 'approved', approvalId: approval.id, actor: 'U-A', at: T0 + 1_000, detail: '1 of 2' },
          { type: 'approved', approvalId: approval.id, actor: 'U-B', at: T0 + 2_000, detail: '2 of 2' },
          { type: 'started', approvalId: approval.id, actor: 'replica-b', at: T0 + 3_000 },
          { type: 'step-started', approvalId: approval.id, actor: 'replica-b', at: T0 + 4_000, detail: 'promote: Promote orders-replica' },
          {
            type: 'step-done',
            approvalId: approval.id,
            actor: 'replica-b',
            at: T0 + 5_000,
            detail: 'promote: Promote orders-replica (available)',
          },
          { type: 'failed', approvalId: approval.id, actor: 'replica-b', at: T0 + 6_000, detail: 'DNS change was refused' },
          { type: 'requested', approvalId: rejected.id, actor: 'U-REQ', at: T0, detail: 'Restore orders from its latest restorable time' },
          { type: 'rejected', approvalId: rejected.id, actor: 'U-C', at: T0 + 7_000, detail: 'wrong runbook' },
          { type: 'requested', approvalId: expired.id, actor: 'U-REQ', at: T0, detail: 'Restore orders from its latest restorable time' },
          { type: 'expired', approvalId: expired.id, at: T0 + 8_000 },
          {
            type: 'requested',
            approvalId: interrupted.id,
            actor: 'U-REQ',
            at: T0,
            detail: 'Restore orders from its latest restorable time',
          },
          { type: 'approved', approvalId: interrupted.id, actor: 'U-APP', at: T0 + 1_000, detail: '1 of 1' },
          { type: 'interrupted', approvalId: interrupted.id, actor: 'recoverer', at: T0 + 1_000 + LEASE, detail: 'before the run started' },
          {
            type: 'released',
            approvalId: interrupted.id,
            actor: 'U-D',
            at: T0 + 2_000 + LEASE,
            detail: 'runbook:restore:orders, rds:us-east-1:instance:orders-db-restore-1',
          },
        ]);
      });

      it('reads in pages after a given entry', async () => {
        for (let i = 0; i < 5; i += 1) await mustCreate(store, input(aRestorePlan({ id: `plan-${i}`, resources: [`r-${i}`] })));
        const all = await store.readAudit({ limit: 100 });
        const first = await store.readAudit({ limit: 2 });
        expect(first).toEqual(all.slice(0, 2));
        const next = await store.readAudit({ sinceId: first[1]!.id, limit: 2 });
        expect(next).toEqual(all.slice(2, 4));
        expect(await store.readAudit({ sinceId: all[4]!.id, limit: 10 })).toEqual([]);
      });

      it('refuses a malformed audit query', async () => {
        await expect(store.readAudit({ limit: 0 })).rejects.toBeInstanceOf(StoreError);
        await expect(store.readAudit({ limit: 1, sinceId: 'yesterday' })).rejects.toMatchObject({
          code: 'LIFEBOAT_STORE_INVALID_ARGUMENT',
        });
      });
    });
  });
}
