import { describe, expect, it } from 'vitest';
import { approvalKeys } from '../../../../src/backend/redis/keyspace.js';
import { RedisApprovalStore } from '../../../../src/backend/redis/redis-approval-store.js';
import { StoreError } from '../../../../src/store/store-error.js';
import { MANUAL_CLOCK_START } from '../../../doubles/manual-clock.js';
import { deleteKeys, newRedisClient } from '../../../doubles/test-redis.js';
import { defineApprovalStoreContract } from '../../approvals/approval-store-contract.js';
import { claimed } from '../../approvals/contract-helpers.js';
import { aFailoverPlan } from '../../approvals/fixtures.js';
import { useRedisPrefix } from '../../../doubles/redis-prefix.js';

const db = useRedisPrefix('approval-store');
const T0 = MANUAL_CLOCK_START;

// Each test gets its own prefix under the file's, so numbering and indexes start empty; the
// second store is a separate connection, as a second replica would have.
defineApprovalStoreContract('redis', async () => {
  const keyPrefix = db.nextPrefix();
  return {
    store: new RedisApprovalStore({ redis: db.redis, keyPrefix }),
    other: new RedisApprovalStore({ redis: db.other, keyPrefix }),
    cleanup: () => deleteKeys(db.redis, keyPrefix),
  };
});

describe('redis approval store', () => {
  it('requests, runs and the audit log are read back by a new store on a new connection after a restart', async () => {
    const keyPrefix = db.named('restart');
    const before = new RedisApprovalStore({ redis: db.redis, keyPrefix });
    const created = await before.create({
      plan: aFailoverPlan(),
      requester: 'U-REQ',
      requiredApprovals: 1,
      createdAt: T0,
      expiresAt: T0 + 60_000,
    });
    if (!created.ok) throw new Error('create refused');
    await before.approve(created.approval.id, { approverId: 'U-A', at: T0 + 1, runnerId: 'r', leaseExpiresAt: T0 + 30_001 });
    const auditBefore = await before.readAudit({ limit: 10 });

    const connection = newRedisClient();
    try {
      const after = new RedisApprovalStore({ redis: connection, keyPrefix, ownsClient: true });
      expect(await after.get(created.approval.id)).toEqual(await before.get(created.approval.id));
      expect(await after.readAudit({ limit: 10 })).toEqual(auditBefore);
      expect(auditBefore.map((e) => e.type)).toEqual(['requested', 'approved']);
      expect((await after.listActiveRuns()).map((a) => a.id)).toEqual([created.approval.id]);
      // ownsClient: close() quits the connection it was given.
      await after.close();
      await expect(connection.ping()).rejects.toThrow();
    } finally {
      connection.disconnect();
    }
  });

  it('a CREATE that Redis runs twice with the same id (reply lost, command re-sent on reconnect) answers the request it made, not a corruption error', async () => {
    const keyPrefix = db.named('resend');
    const keys = approvalKeys(keyPrefix);
    const store = new RedisApprovalStore({ redis: db.redis, keyPrefix });
    const request = { plan: aFailoverPlan(), requester: 'U-REQ', requiredApprovals: 1, createdAt: T0, expiresAt: T0 + 60_000 };
    const first = await store.create(request);
    // The re-sent command carries the id the counter issued the first time.
    await db.redis.decr(keys.sequence());
    const again = await store.create(request);

    expect(again).toEqual({ ok: true, existing: true, approval: first.ok && first.approval });
    expect(await db.redis.hgetall(keys.byPlan())).toEqual({ [aFailoverPlan().id]: 'APR-1' });
    expect((await store.readAudit({ limit: 10 })).map((e) => e.type)).toEqual(['requested']);
  });

  it('a corrupt stored request is an error that names its key', async () => {
    const keyPrefix = db.named('corrupt');
    const keys = approvalKeys(keyPrefix);
    const store = new RedisApprovalStore({ redis: db.redis, keyPrefix });
    await db.redis.hset(keys.approval('APR-1'), { id: 'APR-1', state: 'pending', plan: '{nope' });
    await db.redis.hset(keys.approval('APR-2'), { id: 'APR-2', state: 'sleeping' });
    await db.redis.zadd(keys.pending(), T0, 'APR-3');
    await db.redis.hset(keys.byPlan(), 'plan-gone', 'APR-4');

    await expect(store.get('APR-1')).rejects.toMatchObject({ code: 'LIFEBOAT_STORE_CORRUPT_VALUE', key: keys.approval('APR-1') });
    await expect(store.get('APR-2')).rejects.toThrow(/unknown state "sleeping"/);
    const missing = await store.listPending().catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(StoreError);
    expect((missing as Error).message).toContain(keys.approval('APR-3'));
    await expect(store.findByPlan('plan-gone')).rejects.toMatchObject({ code: 'LIFEBOAT_STORE_CORRUPT_VALUE', key: keys.byPlan() });
  });

  it('an unreadable last-run pointer never fails the finish of a run: the run replaces it (reading it alone is an error naming the key)', async () => {
    const keyPrefix = db.named('corrupt-last-run');
    const keys = approvalKeys(keyPrefix);
    const store = new RedisApprovalStore({ redis: db.redis, keyPrefix });
    await db.redis.hset(keys.lastRuns(), 'failover:orders', '{nope');
    await expect(store.lastRuns()).rejects.toMatchObject({ code: 'LIFEBOAT_STORE_CORRUPT_VALUE', key: keys.lastRuns() });

    const run = await claimed(store, aFailoverPlan());
    const finished = await store.finishRun(run.id, { runnerId: 'replica-a', at: T0 + 9_000, outcome: 'succeeded', message: 'done' });
    expect(finished).toMatchObject({ ok: true, approval: { state: 'succeeded' } });
    expect(await store.lastRuns()).toEqual([{ kind: 'failover', runbook: 'orders', approvalId: run.id, finishedAt: T0 + 9_000 }]);
    expect(await db.redis.hgetall(keys.lastRuns())).toEqual({
      'failover:orders': JSON.stringify({ approvalId: run.id, finishedAt: T0 + 9_000 }),
    });
  });
});
