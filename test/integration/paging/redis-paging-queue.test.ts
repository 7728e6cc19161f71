import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pagingRedisKeys } from '../../../src/backend/redis/keyspace.js';
import { RedisPagingQueue } from '../../../src/backend/redis/redis-paging-queue.js';
import { StoreError } from '../../../src/store/store-error.js';
import { deleteKeys, newRedisClient, randomKeyPrefix } from '../store/redis-test-helpers.js';
import { definePagingQueueContract } from './paging-queue-contract.js';
import { T0, aState, anOutboxEvent } from './paging-fixtures.js';

const FILE_PREFIX = randomKeyPrefix('paging-queue');
let redis: Redis;
let other: Redis;
let testNumber = 0;

beforeAll(() => {
  redis = newRedisClient();
  other = newRedisClient();
});
afterAll(async () => {
  await deleteKeys(redis, FILE_PREFIX);
  await Promise.all([redis.quit(), other.quit()]);
});

// Each test gets its own prefix; the replica is a second connection, as another process would have.
definePagingQueueContract('redis', async () => {
  testNumber += 1;
  const keyPrefix = `${FILE_PREFIX}${testNumber}:`;
  return {
    queue: new RedisPagingQueue(redis, keyPrefix),
    replica: new RedisPagingQueue(other, keyPrefix),
    cleanup: () => deleteKeys(redis, keyPrefix),
  };
});

describe('redis paging queue', () => {
  it('never stores the routing key, and keeps everything under its prefix', async () => {
    const keyPrefix = `${FILE_PREFIX}layout:`;
    const queue = new RedisPagingQueue(redis, keyPrefix);
    await queue.enqueueTrigger(anOutboxEvent('INC-1'), aState('INC-1', 'queued'), T0);
    const keys = pagingRedisKeys(keyPrefix);
    expect((await redis.keys(`${keyPrefix}*`)).sort()).toEqual([keys.incident('INC-1'), keys.outbox('INC-1'), keys.ready()].sort());
    const stored = JSON.stringify([await redis.hgetall(keys.incident('INC-1')), await redis.lrange(keys.outbox('INC-1'), 0, -1)]);
    expect(stored).not.toContain('routing_key');
  });

  it('a corrupt queued event is an error that names its key', async () => {
    const keyPrefix = `${FILE_PREFIX}corrupt:`;
    const keys = pagingRedisKeys(keyPrefix);
    await redis.rpush(keys.outbox('INC-9'), '{"not":"an event"}');
    await redis.zadd(keys.ready(), T0, 'INC-9');
    const error = await new RedisPagingQueue(redis, keyPrefix).claimNext(T0, 30_000).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'LIFEBOAT_STORE_CORRUPT_VALUE', key: keys.outbox('INC-9') });
  });
});
