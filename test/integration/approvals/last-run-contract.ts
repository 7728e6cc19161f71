import { describe, expect, it } from 'vitest';
import type { LastRun } from '../../../src/approvals/last-run.js';
import type { ApprovalStore } from '../../../src/approvals/approval-store.js';
import type { Plan } from '../../../src/core/plan.js';
import { claimed, T0, type ApprovalStoreUnderTest } from './contract-helpers.js';
import { aFailoverPlan, aRestorePlan } from './fixtures.js';

/**
 * Each runbook's last run, recorded by finishRun in the step that ends the run (what the DR
 * posture reads); defined inside the store contract's describe, on the store under test it sets up.
 */
export function defineLastRunCases(current: () => ApprovalStoreUnderTest): void {
  describe('last runs', () => {
    /** A run of `plan`, claimed by replica-a, ended `outcome` at `at` through `store`. */
    async function ended(plan: Plan, outcome: 'succeeded' | 'failed', at: number, store: ApprovalStore = current().store): Promise<string> {
      const run = await claimed(current().store, plan);
      expect(await store.finishRun(run.id, { runnerId: 'replica-a', at, outcome, message: outcome })).toMatchObject({ ok: true });
      return run.id;
    }
    const byKind = (runs: LastRun[]) => [...runs].sort((a, b) => a.kind.localeCompare(b.kind));

    it("a succeeded failover or restore run becomes its runbook's last run; failed runs, dry runs and resumes do not", async () => {
      expect(await current().store.lastRuns()).toEqual([]);
      const failover = await ended(aFailoverPlan(), 'succeeded', T0 + 10_000);
      await ended(aFailoverPlan({ id: 'plan-failed' }), 'failed', T0 + 20_000);
      const dry = aFailoverPlan({ id: 'plan-dry', request: { kind: 'failover', runbook: 'orders', dryRun: true, allowDataLoss: false } });
      await ended(dry, 'succeeded', T0 + 30_000);
      await ended(
        aFailoverPlan({ id: 'plan-resume', request: { kind: 'resume', approvalId: failover, dryRun: false } }),
        'succeeded',
        T0 + 40_000,
      );
      const restore = await ended(aRestorePlan(), 'succeeded', T0 + 50_000, current().other);

      expect(byKind(await current().other.lastRuns())).toEqual([
        { kind: 'failover', runbook: 'orders', approvalId: failover, finishedAt: T0 + 10_000 },
        { kind: 'restore', runbook: 'orders', approvalId: restore, finishedAt: T0 + 50_000 },
      ]);
    });

    it('a run that finished later replaces the last run; one that finished earlier, written after it (another replica), does not', async () => {
      const older = await claimed(current().store, aFailoverPlan({ id: 'plan-older' }));
      const newer = await claimed(
        current().store,
        aFailoverPlan({ id: 'plan-newer', resources: ['rds:us-west-2:instance:orders-replica-2'] }),
      );
      const finish = (at: number) => ({ runnerId: 'replica-a', at, outcome: 'succeeded' as const, message: 'done' });

      await current().other.finishRun(newer.id, finish(T0 + 60_000));
      await current().store.finishRun(older.id, finish(T0 + 50_000));
      expect(await current().store.lastRuns()).toEqual([
        { kind: 'failover', runbook: 'orders', approvalId: newer.id, finishedAt: T0 + 60_000 },
      ]);

      const latest = await ended(aFailoverPlan({ id: 'plan-latest' }), 'succeeded', T0 + 70_000);
      expect(await current().other.lastRuns()).toEqual([
        { kind: 'failover', runbook: 'orders', approvalId: latest, finishedAt: T0 + 70_000 },
      ]);
    });
  });
}
