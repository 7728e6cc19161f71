import { describe, expect, it } from 'vitest';
import type { Backend } from '../../../src/backend/create-backend.js';
import type { Plan } from '../../../src/core/plan.js';
import { lastMeasuredRuns } from '../../../src/posture/last-runs.js';
import { assessPosture } from '../../../src/posture/posture.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import { testBackend } from '../../doubles/test-backend.js';
import { aFailoverPlan, aRestorePlan } from '../approvals/fixtures.js';

/*
 * A runbook's measured recovery time from its runs (SPEC §10 "the last drill's or run's measured
 * time against objectives.rto"), read back from the real Redis approval store and audit log.
 */
const redis = useRedisPrefix('posture-runs', { perTest: true });
const RUNNER = 'replica-a';
const MINUTE = 60_000;

/** A request approved and run to `outcome` as the runner records it, with the figures it gave (`detail`). */
async function run(
  backend: Backend,
  clock: ManualClock,
  plan: Plan,
  outcome: 'succeeded' | 'failed',
  detail: Record<string, unknown>,
): Promise<string> {
  const created = await backend.approvals.create({
    plan,
    requester: 'U0AAA',
    requiredApprovals: 1,
    createdAt: clock.now(),
    expiresAt: clock.now() + 15 * MINUTE,
  });
  if (!created.ok) throw new Error('create refused');
  const id = created.approval.id;
  const lease = () => ({ runnerId: RUNNER, at: clock.now(), leaseExpiresAt: clock.now() + MINUTE });
  await backend.approvals.approve(id, { approverId: 'U0BBB', ...lease() });
  await backend.approvals.startRun(id, lease());
  clock.advance(10 * MINUTE);
  const finished = await backend.approvals.finishRun(id, { runnerId: RUNNER, at: clock.now(), outcome, message: outcome, detail });
  expect(finished.ok).toBe(true);
  return id;
}

describe('the last measured run per runbook', () => {
  it('is the newest succeeded run, its time to recovery when verified, else its run time; failed runs and other runbooks do not count', async () => {
    const clock = new ManualClock();
    const backend = testBackend(redis.redis, redis.prefix, clock);
    const sources = { auditLog: backend.auditLog, approvals: backend.approvals };

    await run(backend, clock, aFailoverPlan({ id: 'p1' }), 'succeeded', { elapsedMs: 9 * MINUTE });
    const newer = await run(backend, clock, aFailoverPlan({ id: 'p2' }), 'succeeded', {
      elapsedMs: 8 * MINUTE,
      timeToRecoveryMs: 21 * MINUTE,
    });
    await run(backend, clock, aFailoverPlan({ id: 'p3' }), 'failed', { elapsedMs: 2 * MINUTE });
    const restore = await run(backend, clock, aRestorePlan({ id: 'p4' }), 'succeeded', { elapsedMs: 12 * MINUTE });

    const runs = await lastMeasuredRuns(sources);
    expect([...runs.keys()].sort()).toEqual(['failover:orders', 'restore:orders']);
    expect(runs.get('failover:orders')).toMatchObject({ approvalId: newer, measuredMs: 21 * MINUTE, measure: 'time to recovery' });
    expect(runs.get('restore:orders')).toMatchObject({ approvalId: restore, measuredMs: 12 * MINUTE, measure: 'run time' });

    // Judged against objectives.rto: the failover's 21m misses 15m; the restore's 12m meets it.
    const posture = assessPosture({
      config: {
        checks: [],
        runbooks: {
          failover: { orders: { region: 'us-west-2', objectives: { rtoMs: 15 * MINUTE } } },
          restore: {
            orders: {
              region: 'us-east-1',
              dbInstance: 'orders-db',
              instanceClass: 'db.r6g.large',
              securityGroups: [],
              overrides: {},
              objectives: { rtoMs: 15 * MINUTE },
            },
          },
        },
      },
      aws: { facts: new Map(), unavailable: new Map(), problems: [], oldestAgeMs: 0 },
      states: new Map(),
      drills: [],
      runs,
      nowMs: clock.now(),
    });
    expect(posture.runbooks.map((r) => [r.kind, r.attention, r.rto])).toEqual([
      ['failover', ['misses RTO'], { objectiveMs: 15 * MINUTE, measuredMs: 21 * MINUTE, missed: true }],
      ['restore', [], { objectiveMs: 15 * MINUTE, measuredMs: 12 * MINUTE, missed: false }],
    ]);
  });
});
