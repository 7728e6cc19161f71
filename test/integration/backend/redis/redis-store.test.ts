import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src/observability/logger.js';
import { redisKeys } from '../../../../src/backend/redis/keyspace.js';
import { createRedisClient } from '../../../../src/backend/redis/redis-connection.js';
import { RedisStore } from '../../../../src/backend/redis/redis-store.js';
import { StoreError } from '../../../../src/store/store-error.js';
import { UNFENCED } from '../../../../src/store/store.js';
import { defineStoreContract } from '../../store/store-contract.js';
import { aCheckState, anEvent, anIncident } from '../../store/fixtures.js';
import { deleteKeys, newRedisClient, randomKeyPrefix, sleep } from '../../../doubles/test-redis.js';
import { useRedisPrefix } from '../../../doubles/redis-prefix.js';

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
