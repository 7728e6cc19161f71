import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import { MemoryStore } from './memory-store.js';
import { createRedisStore, describeRedisUrl } from './redis-store.js';
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

/** Picks the store from configuration: Redis when a URL is given, else memory (with a warning). */
export function createStore(options: CreateStoreOptions): Store {
  const { redisUrl, keyPrefix = DEFAULT_KEY_PREFIX, logger } = options;
  if (!redisUrl) {
    logger.warn(
      { store: 'memory' },
      'REDIS_URL is not set: using the in-memory store. It is for a single replica only, and ' +
        'incidents, check state and the leader lease are lost on restart. Set REDIS_URL ' +
        '(e.g. redis://127.0.0.1:6379) to share state between replicas and keep it across restarts',
    );
    return new MemoryStore(options.clock ? { clock: options.clock } : {});
  }
  assertRedisUrl(redisUrl);
  logger.info({ store: 'redis', redis: describeRedisUrl(redisUrl), keyPrefix }, 'using the Redis store');
  return createRedisStore(redisUrl, keyPrefix, logger);
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
    throw new StoreError(
      'LIFEBOAT_STORE_INVALID_ARGUMENT',
      `REDIS_URL must start with redis:// or rediss://, not ${protocol}//`,
    );
  }
}
