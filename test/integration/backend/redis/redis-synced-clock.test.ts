import { describe, expect, it } from 'vitest';
import { ApprovalEngine } from '../../../../src/approvals/approval-engine.js';
import { RedisApprovalStore } from '../../../../src/backend/redis/redis-approval-store.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { RedisSyncedClock } from '../../../../src/backend/redis/redis-synced-clock.js';
import { ManualClock } from '../../../doubles/manual-clock.js';
import { aRestorePlan } from '../../approvals/fixtures.js';
import { useRedisPrefix } from '../../../doubles/redis-prefix.js';

const db = useRedisPrefix('clock');

describe('RedisSyncedClock', () => {
  it("reads Redis's time whatever the local clock says", async () => {
    const local = new ManualClock(Date.now() - 2 * 60_000); // two minutes slow
    const clock = new RedisSyncedClock(db.redis, local, silentLogger());
    await clock.sync();
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(1000);
    local.advance(5_000);
    expect(Math.abs(clock.now() - (Date.now() + 5_000))).toBeLessThan(1000);
  });

  it('keeps a replica with a slow system clock from approving a request that expired', async () => {
    // System clocks that run with real time, one of them two minutes behind.
    const fast = new RedisSyncedClock(db.redis, { now: () => Date.now() }, silentLogger());
    const slow = new RedisSyncedClock(db.redis, { now: () => Date.now() - 2 * 60_000 }, silentLogger());
    await Promise.all([fast.sync(), slow.sync()]);
    const engine = (clock: RedisSyncedClock, name: string) =>
      new ApprovalEngine({
        store: new RedisApprovalStore({ redis: db.redis, keyPrefix: db.prefix }),
        clock,
        logger: silentLogger(),
        instanceId: name,
        policy: { approvers: ['U0BBB'], requiredApprovals: 1, ttlMs: 1_000 },
      });
    const a = engine(fast, 'a');
    const b = engine(slow, 'b');
    const requested = await a.request(aRestorePlan(), 'U0AAA');
    if (!requested.ok) throw new Error(requested.message);
    // The 1 s time limit passes, with room for the clocks' sync error on a busy machine (each is off
    // by up to half its sync round-trip).
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await b.approve(requested.approval.id, 'U0BBB')).toMatchObject({ ok: false, reason: 'expired' });
  });
});
