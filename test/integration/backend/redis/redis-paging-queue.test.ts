import { describe, expect, it } from 'vitest';
import { pagingRedisKeys } from '../../../../src/backend/redis/keyspace.js';
import { RedisPagingQueue } from '../../../../src/backend/redis/redis-paging-queue.js';
import { StoreError } from '../../../../src/store/store-error.js';
import { deleteKeys } from '../../../doubles/test-redis.js';
import { definePagingQueueContract } from '../../paging/paging-queue-contract.js';
import { T0, aState, anOutboxEvent } from '../../paging/paging-fixtures.js';
import { useRedisPrefix } from '../../../doubles/redis-prefix.js';

const db = useRedisPrefix('paging-queue');

// Each test gets its own prefix; the replica is a second connection, as another process would have.
definePagingQueueContract('redis', async () => {
  const keyPrefix = db.nextPrefix();
  return {
    queue: new RedisPagingQueue(db.redis, keyPrefix),
    replica: new RedisPagingQueue(db.other, keyPrefix),
    cleanup: () => deleteKeys(db.redis, keyPrefix),
  };
});

describe('redis paging queue', () => {
  it('never stores the routing key, and keeps everything under its prefix', async () => {
    const keyPrefix = db.named('layout');
    const queue = new RedisPagingQueue(db.redis, keyPrefix);
    await queue.enqueueTrigger(anOutboxEvent('INC-1'), aState('INC-1', 'queued'), T0);
    const keys = pagingRedisKeys(keyPrefix);
    expect((await db.redis.keys(`${keyPrefix}*`)).sort()).toEqual([keys.incident('INC-1'), keys.outbox('INC-1'), keys.ready()].sort());
    const stored = JSON.stringify([await db.redis.hgetall(keys.incident('INC-1')), await db.redis.lrange(keys.outbox('INC-1'), 0, -1)]);
    expect(stored).not.toContain('routing_key');
  });

  it('a corrupt queued event is an error that names its key', async () => {
    const keyPrefix = db.named('corrupt');
    const keys = pagingRedisKeys(keyPrefix);
    await db.redis.rpush(keys.outbox('INC-9'), '{"not":"an event"}');
    await db.redis.zadd(keys.ready(), T0, 'INC-9');
    const error = await new RedisPagingQueue(db.redis, keyPrefix).claimNext(T0, 30_000).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'LIFEBOAT_STORE_CORRUPT_VALUE', key: keys.outbox('INC-9') });
  });
});
