import { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import { maskSecrets } from '../observability/logger.js';
import { DEFAULT_KEY_PREFIX } from '../store/create-store.js';
import {
  REDIS_COMMAND_TIMEOUT_MS,
  REDIS_CONNECT_TIMEOUT_MS,
  REDIS_MAX_RETRIES_PER_REQUEST,
  REDIS_RECONNECT_MAX_DELAY_MS,
  describeRedisUrl,
} from '../store/redis-store.js';
import type { ApprovalStore } from './approval-store.js';
import { MemoryApprovalStore } from './memory-approval-store.js';
import { RedisApprovalStore } from './redis-approval-store.js';

/** Approval store selection, from the same settings as the main store. */
export interface CreateApprovalStoreOptions {
  /** REDIS_URL; absent or empty selects the in-memory store. */
  redisUrl?: string;
  keyPrefix?: string;
  logger: Logger;
}

/**
 * Redis when a URL is given (its own connection, with the main store's timeouts so approvals
 * fail closed within seconds when Redis is down), else memory. The caller has already validated
 * the URL through createStore, which also logs the memory-mode warning.
 */
export function createApprovalStore(options: CreateApprovalStoreOptions): ApprovalStore {
  const { redisUrl, keyPrefix = DEFAULT_KEY_PREFIX, logger } = options;
  if (!redisUrl) return new MemoryApprovalStore();
  const where = describeRedisUrl(redisUrl);
  const redis = new Redis(redisUrl, {
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: REDIS_MAX_RETRIES_PER_REQUEST,
    retryStrategy: (attempt) => Math.min(attempt * 100, REDIS_RECONNECT_MAX_DELAY_MS),
  });
  // ioredis emits 'error' on every failed reconnect; report the outage once, and its end.
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger.warn(
      { store: 'redis', component: 'approvals', redis: where, reason: maskSecrets(err.message) },
      `approvals cannot reach Redis at ${where}; retrying. Check REDIS_URL and that Redis is running`,
    );
  });
  redis.on('ready', () => {
    if (down) logger.info({ store: 'redis', component: 'approvals', redis: where }, 'approvals Redis connection restored');
    down = false;
  });
  return new RedisApprovalStore({ redis, keyPrefix, ownsClient: true });
}
