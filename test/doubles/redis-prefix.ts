import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { deleteKeys, newRedisClient, randomKeyPrefix } from './test-redis.js';

/** Keys and connections on the shared test Redis for one file (or one describe). */
export interface RedisPrefix {
  /** The file's connection, opened on first use. */
  readonly redis: Redis;
  /** A second connection, as another replica would have; opened on first use. */
  readonly other: Redis;
  /** One more connection (a restarted process), quit with the others afterwards. */
  newConnection(): Redis;
  /** The prefix no other file shares; with `perTest`, the current test's prefix under it. */
  readonly prefix: string;
  /** A prefix under the file's that no other test in the file shares. */
  nextPrefix(): string;
  /** A named prefix under the file's, for a test that sets its own keys up. */
  named(name: string): string;
}

export interface RedisPrefixOptions {
  /** Give each test a fresh prefix (and delete its keys after it), so indexes start empty. */
  perTest?: boolean;
}

/**
 * Call at the top of a file or describe: gives a Redis connection and a random key prefix, and
 * afterwards deletes every key under the prefix and quits the connections it opened. Connections
 * open lazily so a describe that never runs leaves no socket behind.
 */
export function useRedisPrefix(label: string, options: RedisPrefixOptions = {}): RedisPrefix {
  const filePrefix = randomKeyPrefix(label);
  let redis: Redis | null = null;
  let other: Redis | null = null;
  const extra: Redis[] = [];
  let testPrefix: string | null = null;
  let prefixes = 0;

  const connection = (): Redis => {
    redis ??= newRedisClient();
    return redis;
  };
  const nextPrefix = (): string => {
    prefixes += 1;
    return `${filePrefix}${prefixes}:`;
  };

  if (options.perTest) {
    beforeEach(() => {
      testPrefix = nextPrefix();
    });
    afterEach(async () => {
      if (testPrefix) await deleteKeys(connection(), testPrefix);
    });
  }
  afterAll(async () => {
    // Keys may have been written by connections the test opened itself, so always clean up.
    await deleteKeys(connection(), filePrefix);
    await Promise.all([redis, other, ...extra].filter((client) => client !== null).map((client) => client.quit()));
  });

  return {
    get redis() {
      return connection();
    },
    get other() {
      other ??= newRedisClient();
      return other;
    },
    get prefix() {
      if (!options.perTest) return filePrefix;
      if (!testPrefix) throw new Error('a per-test Redis prefix is read outside a test');
      return testPrefix;
    },
    newConnection() {
      const client = newRedisClient();
      extra.push(client);
      return client;
    },
    nextPrefix,
    named: (name) => `${filePrefix}${name}:`,
  };
}
