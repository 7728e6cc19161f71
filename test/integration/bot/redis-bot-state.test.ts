import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botRedisKeys } from '../../../src/backend/redis/keyspace.js';
import { RedisIncidentMessageRefs } from '../../../src/backend/redis/redis-incident-message-refs.js';
import { RedisSeenDeliveries } from '../../../src/backend/redis/redis-seen-deliveries.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { deleteKeys, newRedisClient, randomKeyPrefix, sleep } from '../store/redis-test-helpers.js';
import { defineBotStateContract } from './bot-state-contract.js';

const FILE_PREFIX = randomKeyPrefix('bot-state');
let redis: Redis;
let other: Redis;
let n = 0;

beforeAll(() => {
  redis = newRedisClient();
  other = newRedisClient();
});
afterAll(async () => {
  await deleteKeys(redis, FILE_PREFIX);
  await Promise.all([redis.quit(), other.quit()]);
});

defineBotStateContract('redis', async () => {
  n += 1;
  const prefix = `${FILE_PREFIX}${n}:`;
  return {
    seen: new RedisSeenDeliveries(redis, prefix),
    refs: new RedisIncidentMessageRefs(redis, prefix, silentLogger()),
    advanceTime: sleep,
    cleanup: () => deleteKeys(redis, prefix),
  };
});

describe('redis bot state under races', () => {
  it('50 concurrent deliveries of one request from two connections: exactly one is first', async () => {
    const prefix = `${FILE_PREFIX}race-seen:`;
    const stores = [new RedisSeenDeliveries(redis, prefix), new RedisSeenDeliveries(other, prefix)];
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => stores[i % 2]!.firstSeen('same-body-hash', 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('50 concurrent claims for one incident from two connections all agree on one message', async () => {
    const prefix = `${FILE_PREFIX}race-refs:`;
    const stores = [
      new RedisIncidentMessageRefs(redis, prefix, silentLogger()),
      new RedisIncidentMessageRefs(other, prefix, silentLogger()),
    ];
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => stores[i % 2]!.claim('INC-9', { channel: 'C1', ts: `100.${String(i).padStart(6, '0')}` })),
    );
    const winners = new Set(results.map((r) => r.ts));
    expect(winners.size).toBe(1);
    expect(await stores[0]!.get('INC-9')).toEqual(results[0]);
  });

  it('keys live under the prefix with a ttl, and a corrupt stored ref reads as absent', async () => {
    const prefix = `${FILE_PREFIX}layout:`;
    const keys = botRedisKeys(prefix);
    const refs = new RedisIncidentMessageRefs(redis, prefix, silentLogger());
    await refs.claim('INC-3', { channel: 'C1', ts: '1.1' });
    expect(await redis.pttl(keys.incidentMessage('INC-3'))).toBeGreaterThan(29 * 24 * 3600_000);
    await new RedisSeenDeliveries(redis, prefix).firstSeen('k', 5_000);
    expect(await redis.pttl(keys.delivery('k'))).toBeGreaterThan(4_000);
    await redis.set(keys.incidentMessage('INC-4'), '{"channel":5}');
    expect(await refs.get('INC-4')).toBeNull();
  });
});
