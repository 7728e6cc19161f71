import { describe, expect, it } from 'vitest';
import type { DrillOutcome } from '../../../src/drills/drill-outcome.js';
import { ManualClock, MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import { testBackend } from '../../doubles/test-backend.js';
import { aRestorePlan } from '../approvals/fixtures.js';

/*
 * Drill claims share the approval store's resource locks: a drill never starts while a request or
 * run holds what it restores, and one drill per source runs at a time, in Redis and in memory alike.
 */

const redisPrefix = useRedisPrefix('drill-store', { perTest: true });
const T0 = MANUAL_CLOCK_START;
const RESOURCES = ['runbook:restore:orders', 'rds:us-east-1:instance:orders-db'];

const BACKENDS = {
  redis: (clock: ManualClock) => testBackend(redisPrefix.redis, redisPrefix.prefix, clock),
  memory: (clock: ManualClock) => testBackend(null, 'unused:', clock),
};

function outcome(runId: string, result: DrillOutcome['result']): DrillOutcome {
  return {
    drill: 'orders-restore',
    runId,
    runbook: 'orders',
    region: 'us-east-1',
    source: 'orders-db',
    result,
    startedAt: T0,
    finishedAt: T0 + 60_000,
    cleanup: [],
    summary: `Drill orders-restore ${result}.`,
  };
}

for (const [kind, create] of Object.entries(BACKENDS)) {
  describe(`drill claims and history (${kind})`, () => {
    it('numbers runs, allows one drill per source, and frees the claim on release', async () => {
      const backend = create(new ManualClock());
      expect(await backend.drills.claim({ resources: RESOURCES, leaseMs: 60_000 })).toEqual({ ok: true, runId: 'DRL-1' });
      expect(await backend.drills.claim({ resources: ['rds:us-east-1:instance:orders-db'], leaseMs: 60_000 })).toEqual({
        ok: false,
        resource: 'rds:us-east-1:instance:orders-db',
        heldBy: 'DRL-1',
      });
      await backend.drills.release('DRL-2', RESOURCES); // not the holder: nothing freed
      expect((await backend.drills.claim({ resources: RESOURCES, leaseMs: 60_000 })).ok).toBe(false);
      await backend.drills.release('DRL-1', RESOURCES);
      expect(await backend.drills.claim({ resources: RESOURCES, leaseMs: 60_000 })).toEqual({ ok: true, runId: 'DRL-2' });
    });

    it('refuses while an approval request holds the runbook, naming it', async () => {
      const backend = create(new ManualClock());
      await backend.approvals.create({
        plan: aRestorePlan(),
        requester: 'U0AAA',
        requiredApprovals: 1,
        createdAt: T0,
        expiresAt: T0 + 60_000,
      });
      expect(await backend.drills.claim({ resources: RESOURCES, leaseMs: 60_000 })).toEqual({
        ok: false,
        resource: 'runbook:restore:orders',
        heldBy: 'APR-1',
      });
    });

    it("keeps each drill's outcomes newest first", async () => {
      const backend = create(new ManualClock());
      await backend.drills.record(outcome('DRL-1', 'passed'));
      await backend.drills.record(outcome('DRL-2', 'invalid'));
      expect((await backend.drills.history('orders-restore', 5)).map((o) => `${o.runId}:${o.result}`)).toEqual([
        'DRL-2:invalid',
        'DRL-1:passed',
      ]);
      expect(await backend.drills.history('other', 5)).toEqual([]);
    });
  });
}
