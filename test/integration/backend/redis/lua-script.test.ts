import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LuaScript } from '../../../../src/backend/redis/lua-script.js';
import { deleteKeys, newRedisClient, randomKeyPrefix } from '../../../doubles/test-redis.js';

const prefix = randomKeyPrefix('lua-script');
let redis: Redis;
let other: Redis;

beforeAll(() => {
  redis = newRedisClient();
  other = newRedisClient();
});
afterAll(async () => {
  await deleteKeys(redis, prefix);
  await Promise.all([redis.quit(), other.quit()]);
});

const INCR_BY = new LuaScript('incr-by', "return redis.call('INCRBY', KEYS[1], ARGV[1])");

describe('LuaScript (ioredis defineCommand)', () => {
  it('runs with its keys and arguments, again after the server lost its script cache (SCRIPT FLUSH, a restart)', async () => {
    const key = `${prefix}counter`;
    expect(await INCR_BY.run(redis, [key], [2])).toBe(2);
    await other.script('FLUSH');
    // The client has sent the source on this connection already, so it tries EVALSHA first:
    // NOSCRIPT must be answered by sending the source again, not surface as an error.
    expect(await INCR_BY.run(redis, [key], [3])).toBe(5);
    expect(await INCR_BY.run(other, [key], [1])).toBe(6);
  });

  it('keeps two scripts with one name apart', async () => {
    const key = `${prefix}twins`;
    const set = new LuaScript('twin', "return redis.call('SET', KEYS[1], ARGV[1])");
    const get = new LuaScript('twin', "return redis.call('GET', KEYS[1])");
    expect(await set.run(redis, [key], ['a'])).toBe('OK');
    expect(await get.run(redis, [key], [])).toBe('a');
  });
});
