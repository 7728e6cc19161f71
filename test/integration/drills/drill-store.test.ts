import { describe, expect, it } from 'vitest';
import type { DrillOutcome } from '../../../src/drills/drill-outcome.js';
import type { DrillClaimInput } from '../../../src/drills/drill-store.js';
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

const LIVENESS_MS = 60;

function claimOf(resources: string[]): DrillClaimInput {
  return { drill: 'orders-restore', resources, leaseMs: 60_000, livenessMs: LIVENESS_MS, startedAt: T0 };
}

/** Lets a liveness lease lapse: Redis's own expiry (real time), or the memory store's clock. */
async function lapse(clock: ManualClock): Promise<void> {
  clock.advance(LIVENESS_MS + 1);
  await new Promise((resolve) => setTimeout(resolve, LIVENESS_MS + 40));
}

const CREATED = { region: 'us-east-1', target: 'orders-db-drill-x', instances: ['orders-db-drill-x'] };

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
      expect(await backend.drills.claim(claimOf(RESOURCES))).toEqual({ ok: true, runId: 'DRL-1' });
      expect(await backend.drills.claim(claimOf(['rds:us-east-1:instance:orders-db']))).toEqual({
        ok: false,
        resource: 'rds:us-east-1:instance:orders-db',
        heldBy: 'DRL-1',
      });
      await backend.drills.release('DRL-2', RESOURCES); // not the holder: nothing freed
      expect((await backend.drills.claim(claimOf(RESOURCES))).ok).toBe(false);
      await backend.drills.release('DRL-1', RESOURCES);
      expect(await backend.drills.claim(claimOf(RESOURCES))).toEqual({ ok: true, runId: 'DRL-2' });
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
      expect(await backend.drills.claim(claimOf(RESOURCES))).toEqual({
        ok: false,
        resource: 'runbook:restore:orders',
        heldBy: 'APR-1',
      });
    });

    it('a request cannot be created on what a drill holds, and the lock holder names the drill run', async () => {
      const backend = create(new ManualClock());
      expect(await backend.drills.claim(claimOf(RESOURCES))).toEqual({ ok: true, runId: 'DRL-1' });
      expect(await backend.approvals.lockHolder(['runbook:restore:orders'])).toEqual({
        resource: 'runbook:restore:orders',
        heldBy: 'DRL-1',
      });
      const created = await backend.approvals.create({
        plan: aRestorePlan(),
        requester: 'U0AAA',
        requiredApprovals: 1,
        createdAt: T0,
        expiresAt: T0 + 60_000,
      });
      expect(created).toMatchObject({ ok: false, reason: 'resource-locked', heldBy: 'DRL-1' });
      expect(await backend.approvals.lockHolder(RESOURCES)).toMatchObject({ heldBy: 'DRL-1' });
      await backend.drills.release('DRL-1', RESOURCES);
      expect(await backend.approvals.lockHolder(RESOURCES)).toBeNull();
      expect(
        (
          await backend.approvals.create({
            plan: aRestorePlan(),
            requester: 'U0AAA',
            requiredApprovals: 1,
            createdAt: T0,
            expiresAt: T0 + 60_000,
          })
        ).ok,
      ).toBe(true);
    });

    it('a run whose liveness lapsed is taken over by one owner, records only its interrupted outcome, and ends', async () => {
      const clock = new ManualClock();
      const backend = create(clock);
      await backend.drills.claim(claimOf(RESOURCES));
      await backend.drills.planned('DRL-1', CREATED);
      expect(await backend.drills.heartbeat('DRL-1', LIVENESS_MS)).toBe(true);
      expect(await backend.drills.lapsed()).toEqual([]);
      expect(await backend.drills.takeOver('DRL-1', 'replica-b', 60_000)).toBeNull(); // alive
      await lapse(clock);
      expect(await backend.drills.lapsed()).toEqual(['DRL-1']);
      const [first, second] = await Promise.all([
        backend.drills.takeOver('DRL-1', 'replica-b', 60_000),
        backend.drills.takeOver('DRL-1', 'replica-c', 60_000),
      ]);
      const taken = [first, second].filter((r) => r !== null);
      expect(taken).toEqual([{ runId: 'DRL-1', drill: 'orders-restore', resources: RESOURCES, startedAt: T0, created: CREATED }]);
      expect(await backend.drills.lapsed()).toEqual([]); // held by the recovery
      // The process wakes up: its heartbeat is refused, and so is its own outcome.
      expect(await backend.drills.heartbeat('DRL-1', LIVENESS_MS)).toBe(false);
      expect(await backend.drills.record(outcome('DRL-1', 'passed'))).toBe(false);
      expect(await backend.drills.record(outcome('DRL-1', 'interrupted'))).toBe(true);
      expect(await backend.drills.record(outcome('DRL-1', 'interrupted'))).toBe(false); // once
      expect(await backend.drills.run('DRL-1')).toBeNull();
      expect(await backend.drills.lapsed()).toEqual([]);
      expect((await backend.drills.history('orders-restore', 5)).map((o) => `${o.runId}:${o.result}`)).toEqual(['DRL-1:interrupted']);
    });

    it('a run handed back by its recovery is taken over again, and a live run never records interrupted', async () => {
      const clock = new ManualClock();
      const backend = create(clock);
      await backend.drills.claim(claimOf(RESOURCES));
      expect(await backend.drills.record(outcome('DRL-1', 'interrupted'))).toBe(false); // still its process's
      expect(await backend.drills.run('DRL-1')).toMatchObject({ drill: 'orders-restore', resources: RESOURCES });
      await lapse(clock);
      expect(await backend.drills.takeOver('DRL-1', 'replica-b', 60_000)).not.toBeNull();
      await backend.drills.handBack('DRL-1', 'replica-c'); // not the owner: nothing freed
      expect(await backend.drills.lapsed()).toEqual([]);
      await backend.drills.handBack('DRL-1', 'replica-b');
      expect(await backend.drills.lapsed()).toEqual(['DRL-1']);
      expect(await backend.drills.takeOver('DRL-1', 'replica-c', 60_000)).toMatchObject({ runId: 'DRL-1' });
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
