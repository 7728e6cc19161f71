import { describe, expect, it } from 'vitest';
import { RedisStatusPageStore } from '../../../../src/backend/redis/redis-statuspage-store.js';
import { statusPageRedisKeys } from '../../../../src/backend/redis/keyspace.js';
import { deleteKeys, sleep } from '../../../doubles/test-redis.js';
import { anUpdate, defineStatusPageStoreContract, T0 } from '../../statuspage/statuspage-store-contract.js';
import { useRedisPrefix } from '../../../doubles/redis-prefix.js';

const db = useRedisPrefix('statuspage-store');

defineStatusPageStoreContract('redis', async () => {
  const keyPrefix = db.nextPrefix();
  return { store: new RedisStatusPageStore(db.redis, keyPrefix), advanceTime: sleep, cleanup: () => deleteKeys(db.redis, keyPrefix) };
});

describe('redis status-page store under races', () => {
  it('40 concurrent first publishes from two connections create the incident once and keep every update', async () => {
    const keyPrefix = db.named('race-publish');
    const stores = [new RedisStatusPageStore(db.redis, keyPrefix), new RedisStatusPageStore(db.other, keyPrefix)];
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => stores[i % 2]!.recordPublished(anUpdate({ message: `update ${i}` }), T0 + i)),
    );
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
    const [incident] = await stores[0]!.listPublished(10);
    expect(incident?.updates).toHaveLength(40);
    expect(new Set(incident?.updates.map((u) => u.message)).size).toBe(40);
    // createdAt is the winning first publish's time, and the incident is indexed once.
    const firstAt = incident!.updates.at(-1)!.at;
    expect(incident?.createdAt).toBe(firstAt);
    expect(await db.redis.zcard(statusPageRedisKeys(keyPrefix).incidents())).toBe(1);
  });

  it('30 concurrent lock attempts from two connections yield exactly one holder', async () => {
    const keyPrefix = db.named('race-lock');
    const stores = [new RedisStatusPageStore(db.redis, keyPrefix), new RedisStatusPageStore(db.other, keyPrefix)];
    const won = await Promise.all(Array.from({ length: 30 }, (_, i) => stores[i % 2]!.acquirePublishLock('INC-4', `holder-${i}`, 10_000)));
    expect(won.filter(Boolean)).toHaveLength(1);
    const holder = `holder-${won.indexOf(true)}`;
    expect(await db.redis.get(statusPageRedisKeys(keyPrefix).publishLock('INC-4'))).toBe(holder);
  });

  it('a corrupt stored update is an error naming its key, not a page built from nonsense', async () => {
    const keyPrefix = db.named('corrupt');
    const keys = statusPageRedisKeys(keyPrefix);
    const store = new RedisStatusPageStore(db.redis, keyPrefix);
    await store.recordPublished(anUpdate(), T0);
    await db.redis.rpush(keys.updates('INC-4'), '{"status":"fixed"}');
    await expect(store.listPublished(5)).rejects.toThrow(`${keys.updates('INC-4')}[1]`);
    await db.redis.hset(keys.components(), 'api', 'nope');
    await expect(store.getComponents()).rejects.toMatchObject({ code: 'LIFEBOAT_STORE_CORRUPT_VALUE' });
  });
});
