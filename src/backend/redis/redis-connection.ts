import { Redis } from 'ioredis';
import { maskSecrets, type Logger } from '../../observability/logger.js';
import { StoreError } from '../../store/store-error.js';

/** One TCP connect attempt. */
export const REDIS_CONNECT_TIMEOUT_MS = 2_000; // 2 seconds
/** Any command, including one waiting in the offline queue: the store fails closed, not late. */
export const REDIS_COMMAND_TIMEOUT_MS = 2_000; // 2 seconds
/** Reconnect attempts a queued command waits through before it is rejected. */
export const REDIS_MAX_RETRIES_PER_REQUEST = 1;
/** Reconnect backoff cap; reconnecting never stops, so the store recovers when Redis returns. */
export const REDIS_RECONNECT_MAX_DELAY_MS = 2_000; // 2 seconds

/**
 * The ioredis connection every Redis-backed part shares (store, paging queue, approvals, ...).
 * The offline queue stays on so commands sent while the first
 * connection is being made wait for it instead of failing spuriously at startup; but it is
 * bounded (commandTimeout, maxRetriesPerRequest), so with Redis down every call, and PING for
 * /readyz, fails within seconds instead of queueing forever.
 */
export function createRedisClient(url: string, logger: Logger): Redis {
  const where = describeRedisUrl(url);
  const redis = new Redis(url, {
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
      { store: 'redis', redis: where, reason: maskSecrets(err.message) },
      `cannot reach Redis at ${where}; retrying. Check REDIS_URL and that Redis is running`,
    );
  });
  redis.on('ready', () => {
    if (down) logger.info({ store: 'redis', redis: where }, 'Redis connection restored');
    down = false;
  });
  return redis;
}

/** host:port/db of a Redis URL, never its credentials, for logs. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    // Unparsable: say so rather than echo a string that may hold a password.
    return 'an unparsable URL';
  }
}

/**
 * Refuses a REDIS_URL up front: ioredis reads an unrecognised string as a socket path or host
 * name. The URL is never echoed, since it may carry a password.
 */
export function assertRedisUrl(url: string): void {
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
