import { describe, expect, it } from 'vitest';
import type { Backend } from '../../../src/backend/create-backend.js';
import type { Plan } from '../../../src/core/plan.js';
import { approvalKeys } from '../../../src/backend/redis/keyspace.js';
import { lastMeasuredRuns, RUN_AUDIT_WINDOW } from '../../../src/posture/last-runs.js';
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

  it('is found however many audit entries came after it (each runbook points to its last run); a run record gone is no run', async () => {
    const clock = new ManualClock();
    const backend = testBackend(redis.redis, redis.prefix, clock);
    const sources = { auditLog: backend.auditLog, approvals: backend.approvals };
    const failover = await run(backend, clock, aFailoverPlan({ id: 'p1' }), 'succeeded', { elapsedMs: 9 * MINUTE });
    const restore = await run(backend, clock, aRestorePlan({ id: 'p2' }), 'succeeded', { elapsedMs: 12 * MINUTE });
    await busyMonth(backend, clock, RUN_AUDIT_WINDOW + 100);

    const runs = await lastMeasuredRuns(sources);
    expect(runs.get('failover:orders')).toMatchObject({ approvalId: failover, measuredMs: 9 * MINUTE, measure: 'run time' });
    expect(runs.get('restore:orders')).toMatchObject({ approvalId: restore, measuredMs: 12 * MINUTE });

    // The restore's record deleted (by hand: retention never deletes requests): reported as no run, not an error.
    await redis.redis.del(approvalKeys(redis.prefix).approval(restore));
    expect([...(await lastMeasuredRuns(sources)).keys()]).toEqual(['failover:orders']);
  });

  it('a run that succeeded before runs were pointed to is still found within the newest audit entries; the later finish wins', async () => {
    const clock = new ManualClock();
    const backend = testBackend(redis.redis, redis.prefix, clock);
    const sources = { auditLog: backend.auditLog, approvals: backend.approvals };
    const pointed = await run(backend, clock, aFailoverPlan({ id: 'p1' }), 'succeeded', { elapsedMs: 9 * MINUTE });
    const earlier = await run(backend, clock, aRestorePlan({ id: 'p2' }), 'succeeded', { elapsedMs: 12 * MINUTE });
    const later = await run(backend, clock, aFailoverPlan({ id: 'p3' }), 'succeeded', { elapsedMs: 7 * MINUTE });
    // As a version without pointers left them: p2 and p3 recorded only in the audit log and their records.
    await redis.redis.hset(
      approvalKeys(redis.prefix).lastRuns(),
      'failover:orders',
      JSON.stringify({ approvalId: pointed, finishedAt: clock.now() - 20 * MINUTE }),
    );
    await redis.redis.hdel(approvalKeys(redis.prefix).lastRuns(), 'restore:orders');

    const runs = await lastMeasuredRuns(sources);
    expect(runs.get('failover:orders')).toMatchObject({ approvalId: later, measuredMs: 7 * MINUTE });
    expect(runs.get('restore:orders')).toMatchObject({ approvalId: earlier, measuredMs: 12 * MINUTE });
  });
});

/** `count` incident entries in the real audit log, as a busy month of incidents and pages writes them. */
async function busyMonth(backend: Backend, clock: ManualClock, count: number): Promise<void> {
  for (let i = 0; i < count; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, count - i) }, (_, j) =>
        backend.auditLog.append({ type: 'incident-opened', incidentId: `INC-${i + j + 1}`, at: clock.now(), detail: 'api-health failing' }),
      ),
    );
    clock.advance(MINUTE);
  }
}
