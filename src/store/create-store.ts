import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import { MemoryStore } from './memory-store.js';
import type { Redis } from 'ioredis';
import { createRedisClient, describeRedisUrl, RedisStore } from './redis-store.js';
import { StoreError } from './store-error.js';
import type { Store } from './store.js';

/** Key prefix when none is configured. */
export const DEFAULT_KEY_PREFIX = 'lifeboat:';

/** Store selection, from config and environment. */
export interface CreateStoreOptions {
  /** REDIS_URL; absent or empty selects the in-memory store. */
  redisUrl?: string;
  keyPrefix?: string;
  logger: Logger;
  /** For the in-memory store's lease expiry; defaults to the system clock. */
  clock?: Clock;
}

/**
 * The chosen store plus, for Redis, its connection and key prefix, so the other Redis-backed
 * parts (paging queue, approvals, status page) share one connection and one namespace.
 */
export interface StoreBackend {
  store: Store;
  /** Null for the in-memory store: the other parts then use their memory twins. */
  redis: Redis | null;
  keyPrefix: string;
}

/** Picks the store from configuration: Redis when a URL is given, else memory (with a warning). */
export function createStore(options: CreateStoreOptions): Store {
  return createStoreBackend(options).store;
}

/** Like createStore, also handing out the shared Redis connection. */
export function createStoreBackend(options: CreateStoreOptions): StoreBackend {
  const { redisUrl, keyPrefix = DEFAULT_KEY_PREFIX, logger } = options;
  if (!redisUrl) {
    logger.warn(
      { store: 'memory' },
      'REDIS_URL is not set: using the in-memory store. It is for a single replica only, and ' +
        'incidents, check state and the leader lease are lost on restart. Set REDIS_URL ' +
        '(e.g. redis://127.0.0.1:6379) to share state between replicas and keep it across restarts',
    );
    return { store: new MemoryStore(options.clock ? { clock: options.clock } : {}), redis: null, keyPrefix };
  }
  assertRedisUrl(redisUrl);
  logger.info({ store: 'redis', redis: describeRedisUrl(redisUrl), keyPrefix }, 'using the Redis store');
  const redis = createRedisClient(redisUrl, logger);
  return { store: new RedisStore({ redis, keyPrefix, ownsClient: true }), redis, keyPrefix };
}

// ioredis reads an unrecognised string as a socket path or host name; refuse it up front, and
// without echoing it, since it may carry a password.
function assertRedisUrl(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new StoreError('LIFEBOAT_STORE_INVALID_ARGUMENT', 'REDIS_URL is not a valid URL (expected redis://host:port)');
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new StoreError('LIFEBOAT_STORE_INVALID_ARGUMENT', `REDIS_URL must start with redis:// or rediss://, not ${protocol}//`);
  }
}
