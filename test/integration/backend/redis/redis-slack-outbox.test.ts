import { describe, expect, it } from 'vitest';
import { botRedisKeys } from '../../../../src/backend/redis/keyspace.js';
import { RedisSlackOutbox } from '../../../../src/backend/redis/redis-slack-outbox.js';
import { LANE_TTL_MS, ONCE_KEY_TTL_MS } from '../../../../src/bot/outbox/slack-outbox.js';
import { MANUAL_CLOCK_START } from '../../../doubles/manual-clock.js';
import { deleteKeys } from '../../../doubles/test-redis.js';
import { anEntry, defineSlackOutboxContract } from '../../bot/outbox/slack-outbox-contract.js';
import { useRedisPrefix } from '../../../doubles/redis-prefix.js';

const db = useRedisPrefix('slack-outbox');

// Each test gets its own prefix; the replica is a second connection, as another process would have.
defineSlackOutboxContract('redis', async () => {
  const keyPrefix = db.nextPrefix();
  return {
    outbox: new RedisSlackOutbox(db.redis, keyPrefix),
    replica: new RedisSlackOutbox(db.other, keyPrefix),
    cleanup: () => deleteKeys(db.redis, keyPrefix),
  };
});

describe('redis Slack outbox', () => {
  it('keeps everything under its prefix, expires lanes and once-keys, and leaves nothing behind once delivered', async () => {
    const keyPrefix = db.named('layout');
    const keys = botRedisKeys(keyPrefix);
    const outbox = new RedisSlackOutbox(db.redis, keyPrefix);
    await outbox.enqueue('e1', anEntry('incident:INC-1'), MANUAL_CLOCK_START, { onceKey: 'k' });
    expect((await db.redis.keys(`${keyPrefix}*`)).sort()).toEqual(
      [keys.outboxLane('incident:INC-1'), keys.outboxQueue('incident:INC-1'), keys.outboxReady(), keys.outboxOnce('k')].sort(),
    );
    for (const [key, ttl] of [
      [keys.outboxLane('incident:INC-1'), LANE_TTL_MS],
      [keys.outboxOnce('k'), ONCE_KEY_TTL_MS],
    ] as const) {
      const left = await db.redis.pttl(key);
      expect(left).toBeGreaterThan(ttl - 60_000);
      expect(left).toBeLessThanOrEqual(ttl);
    }
    const claim = await outbox.claimNext(MANUAL_CLOCK_START, 30_000);
    await outbox.complete(claim as NonNullable<typeof claim>, MANUAL_CLOCK_START);
    expect(await db.redis.keys(`${keyPrefix}*`)).toEqual([keys.outboxOnce('k')]);
  });
});
