import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis the integration tests use (REDIS_URL, else local). */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test file or run shares. */
export function randomKeyPrefix(label: string): string {
  return `lifeboat-test:${label}:${randomBytes(4).toString('hex')}:`;
}

/** A separate connection, as a separate process would have. */
export function newRedisClient(): Redis {
  return new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
}

/** Deletes every key under `prefix` (SCAN, not KEYS, so a shared Redis is not blocked). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
