import { describe, expect, it } from 'vitest';
import type { Incident, IncidentEvent } from '../../../../src/core/incident.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { IncidentRetention } from '../../../../src/backend/redis/incident-retention.js';
import { redisKeys } from '../../../../src/backend/redis/keyspace.js';
import { createRedisClient } from '../../../../src/backend/redis/redis-connection.js';
import { RedisStore } from '../../../../src/backend/redis/redis-store.js';
import { StoreError } from '../../../../src/store/store-error.js';
import { UNFENCED } from '../../../../src/store/store.js';
import { defineStoreContract } from '../../store/store-contract.js';
import { aCheckState, anEvent, anIncident } from '../../store/fixtures.js';
import { deleteKeys, newRedisClient, randomKeyPrefix, sleep } from '../../../doubles/test-redis.js';
import { useRedisPrefix } from '../../../doubles/redis-prefix.js';
import { RedisMonitor } from '../../../doubles/redis-monitor.js';
import { pass } from '../../../doubles/results.js';

const db = useRedisPrefix('redis-store');

// Each test gets its own prefix under the file's, so the incident indexes start empty.
defineStoreContract('redis', async () => {
  const keyPrefix = db.nextPrefix();
  return {
    store: new RedisStore({ redis: db.redis, keyPrefix }),
    advanceTime: sleep,
    cleanup: () => deleteKeys(db.redis, keyPrefix),
  };
});

describe('redis store', () => {
  it('50 concurrent acquisitions from two connections yield exactly one holder', async () => {
    const keyPrefix = db.named('race');
    const other = newRedisClient();
    try {
      const stores = [new RedisStore({ redis: db.redis, keyPrefix }), new RedisStore({ redis: other, keyPrefix })];
      const attempts = Array.from({ length: 50 }, (_, i) => stores[i % 2]!.acquireLease('monitor', `holder-${i}`, 10_000));
      const winners = (await Promise.all(attempts)).filter((lease) => lease !== null);
      expect(winners).toHaveLength(1);
      expect(await db.redis.get(redisKeys(keyPrefix).lease('monitor'))).toBe(`${winners[0]!.holder}:${winners[0]!.token}`);
    } finally {
      await other.quit();
    }
  });

  it('a corrupt stored value is an error that names the key', async () => {
    const keyPrefix = db.named('corrupt');
    const keys = redisKeys(keyPrefix);
    const store = new RedisStore({ redis: db.redis, keyPrefix });
    await db.redis.set(keys.incident('INC-7'), '{not json');
    await db.redis.set(keys.checkState('api'), JSON.stringify({ checkId: 'api', consecutiveFailures: 'two' }));

    const notJson = await store.getIncident('INC-7').catch((err: unknown) => err);
    expect(notJson).toBeInstanceOf(StoreError);
    expect(notJson).toMatchObject({ code: 'LIFEBOAT_STORE_CORRUPT_VALUE', key: keys.incident('INC-7') });
    expect((notJson as Error).message).toContain(keys.incident('INC-7'));
    await expect(store.getCheckState('api')).rejects.toThrow(keys.checkState('api'));
  });

  it('a corrupt check state or quiet pass fails getCheckStates with the error getCheckState gives for it', async () => {
    const keyPrefix = db.named('corrupt-states');
    const keys = redisKeys(keyPrefix);
    const store = new RedisStore({ redis: db.redis, keyPrefix });
    await store.commitEvaluation({ fence: UNFENCED, checkState: aCheckState('fine') });
    await db.redis.set(keys.checkState('api'), JSON.stringify({ checkId: 'api', consecutiveFailures: 'two' }));
    await db.redis.hset(keys.quietPasses(), 'web', '{not json');
    const failure = (read: Promise<unknown>) =>
      read.then(
        () => new Error('expected a rejection'),
        (err: unknown) => err,
      );

    for (const [id, key] of [
      ['api', keys.checkState('api')],
      ['web', `${keys.quietPasses()}[web]`],
    ] as const) {
      const single = await failure(store.getCheckState(id));
      const batch = await failure(store.getCheckStates(['fine', id, 'absent']));
      expect(single).toBeInstanceOf(StoreError);
      expect(batch).toBeInstanceOf(StoreError);
      expect(batch).toMatchObject({ code: 'LIFEBOAT_STORE_CORRUPT_VALUE', key, message: (single as Error).message });
      expect((batch as Error).message).toContain(key);
    }
  });

  it('reads 2,500 check states in one MGET and one HMGET per 1,000 ids, in as many round trips', async () => {
    const keyPrefix = db.named('chunks');
    const store = new RedisStore({ redis: db.redis, keyPrefix });
    const ids = Array.from({ length: 2_500 }, (_, i) => `c${i}`);
    await store.recordQuietPasses({
      fence: UNFENCED,
      passes: ids.map((id) => ({ checkId: id, result: pass(id, 1), consecutiveSuccesses: 1 })),
    });
    const monitor = await RedisMonitor.start(keyPrefix);
    try {
      await monitor.caughtUp(db.redis);
      monitor.clear();
      const read = await store.getCheckStates([...ids, ...ids.slice(0, 10)]);
      await monitor.caughtUp(db.redis);
      expect(read.size).toBe(2_500);
      expect(monitor.commands.map((c) => `${c.name} ${c.args.length}`)).toEqual([
        'mget 1000',
        'hmget 1001',
        'mget 1000',
        'hmget 1001',
        'mget 500',
        'hmget 501',
      ]);
    } finally {
      await monitor.stop();
    }
  });

  it('a corrupt incident fails the listing that includes it, naming the key', async () => {
    const keyPrefix = db.named('corrupt-list');
    const keys = redisKeys(keyPrefix);
    const store = new RedisStore({ redis: db.redis, keyPrefix });
    const incident = anIncident('INC-1');
    await store.commitEvaluation({ fence: UNFENCED, checkState: aCheckState(), incident, event: anEvent(incident, 'opened') });
    await db.redis.set(keys.incident('INC-1'), JSON.stringify({ ...incident, severity: 'SEV9' }));
    await db.redis.rpush(keys.incidentEvents('INC-1'), 'oops');

    await expect(store.listOpenIncidents()).rejects.toThrow(keys.incident('INC-1'));
    await expect(store.getIncidentEvents('INC-1')).rejects.toThrow(`${keys.incidentEvents('INC-1')}[1]`);
  });

  it("keeps each open incident's severity beside the open index and counts from it alone, retention sweeps included", async () => {
    const keyPrefix = db.named('severities');
    const keys = redisKeys(keyPrefix);
    const store = new RedisStore({ redis: db.redis, keyPrefix });
    const retention = new IncidentRetention({
      redis: db.redis,
      keyPrefix,
      policy: { incidentsMs: 1, auditMs: 1 },
      clock: { now: () => Date.now() },
      logger: silentLogger(),
    });
    // The hash must name exactly the listed incidents: with a stray or missing id the read
    // would still be right, by falling back to the full read, but no cheaper than before.
    const expectHashMatchesList = async () => {
      const listed = Object.fromEntries((await store.listOpenIncidents()).map((i) => [i.id, i.severity]));
      expect(await db.redis.hgetall(keys.openIncidentSeverities())).toEqual(listed);
      expect([...(await store.openIncidentSeverities())].sort()).toEqual(Object.values(listed).sort());
    };
    const api = anIncident('INC-1', 0);
    const dbInc = anIncident('INC-2', 1, { checkId: 'db', severity: 'SEV3', peakSeverity: 'SEV3' });
    const dns = anIncident('INC-3', 2, { checkId: 'dns', severity: 'SEV1', peakSeverity: 'SEV1' });
    for (const incident of [api, dbInc, dns]) await commitIncident(store, incident, 'opened');
    await expectHashMatchesList();
    await commitIncident(store, { ...api, revision: 2, severity: 'SEV1', peakSeverity: 'SEV1' }, 'escalated');
    await expectHashMatchesList();
    const resolved = { ...dns, revision: 2, state: 'resolved' as const, resolvedAt: dns.openedAt + 1, resolvedBy: 'U0CCC' };
    expect(await store.updateIncident({ incident: resolved, event: anEvent(resolved, 'resolved'), expectedRevision: 1 })).toBe('committed');
    await expectHashMatchesList();
    await retention.onResolved(resolved);
    expect((await retention.sweep(Date.now())).incidentsDropped).toBe(1);
    await expectHashMatchesList();
    expect(await db.redis.hgetall(keys.openIncidentSeverities())).toEqual({ 'INC-1': 'SEV1', 'INC-2': 'SEV3' });

    // Counting decodes no incident: one gone corrupt fails the listing, not the count.
    await db.redis.set(keys.incident('INC-1'), '{not json');
    expect([...(await store.openIncidentSeverities())].sort()).toEqual(['SEV1', 'SEV3']);
    await expect(store.listOpenIncidents()).rejects.toThrow(keys.incident('INC-1'));
  });

  it('open incidents stored before the severity hash existed are counted by the full read, and join the hash at their next change', async () => {
    const keyPrefix = db.named('severities-before');
    const keys = redisKeys(keyPrefix);
    const store = new RedisStore({ redis: db.redis, keyPrefix });
    const old = anIncident('INC-1', 0, { severity: 'SEV1', peakSeverity: 'SEV1' });
    await commitIncident(store, old, 'opened');
    await commitIncident(store, anIncident('INC-2', 1, { checkId: 'db' }), 'opened');
    // As an older release left it: in the open index, not in the hash.
    await db.redis.hdel(keys.openIncidentSeverities(), 'INC-1');

    expect([...(await store.openIncidentSeverities())].sort()).toEqual(['SEV1', 'SEV2']);
    expect(await db.redis.hgetall(keys.openIncidentSeverities())).toEqual({ 'INC-2': 'SEV2' });

    await commitIncident(store, { ...old, revision: 2, severity: 'SEV2', summary: 'HTTP 500' }, 'deescalated');
    expect(await db.redis.hgetall(keys.openIncidentSeverities())).toEqual({ 'INC-1': 'SEV2', 'INC-2': 'SEV2' });
    expect(await store.openIncidentSeverities()).toEqual(['SEV2', 'SEV2']);
  });

  it('a value in the severity hash that is no severity is an error naming the key', async () => {
    const keyPrefix = db.named('severities-corrupt');
    const keys = redisKeys(keyPrefix);
    const store = new RedisStore({ redis: db.redis, keyPrefix });
    await commitIncident(store, anIncident('INC-1'), 'opened');
    await db.redis.hset(keys.openIncidentSeverities(), 'INC-1', 'SEV9');
    await expect(store.openIncidentSeverities()).rejects.toThrow(keys.openIncidentSeverities());
  });

  it('ping rejects promptly with a reason when Redis is unreachable', async () => {
    const store = new RedisStore({
      redis: createRedisClient('redis://127.0.0.1:1', silentLogger()),
      keyPrefix: randomKeyPrefix('unreachable'),
      ownsClient: true,
    });
    try {
      const started = Date.now();
      const error = await store.ping().catch((err: unknown) => err);
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ code: 'LIFEBOAT_STORE_UNAVAILABLE' });
      expect((error as Error).message).toMatch(/Redis/);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await store.close();
    }
  });

  it('close() leaves a client it does not own open', async () => {
    const client = newRedisClient();
    try {
      await new RedisStore({ redis: client, keyPrefix: db.prefix }).close();
      expect(await client.ping()).toBe('PONG');
    } finally {
      await client.quit();
    }
  });
});

async function commitIncident(store: RedisStore, incident: Incident, type: IncidentEvent['type']): Promise<void> {
  const checkState = aCheckState(incident.checkId, incident.state === 'resolved' ? null : incident.id);
  expect(await store.commitEvaluation({ fence: UNFENCED, checkState, incident, event: anEvent(incident, type) })).toBe('committed');
}
