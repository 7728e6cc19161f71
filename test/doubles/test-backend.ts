import type { Redis } from 'ioredis';
import { createBackend, type Backend } from '../../src/backend/create-backend.js';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/observability/logger.js';

/** A year, as config's default retention: nothing a test writes expires under it. */
const TEST_RETENTION_MS = 365 * 24 * 60 * 60_000;

/**
 * The backend as buildApp gets it: on a test Redis under `keyPrefix`, or in memory when `redis` is
 * null. A test's own clock (a ManualClock) is every replica's clock: were it synced to Redis's TIME
 * like the system clock is, the test could not move time for approvals and runs.
 */
export function testBackend(redis: Redis | null, keyPrefix = 'unused:', clock: Clock = systemClock, ownsClient = false): Backend {
  const backend = createBackend(redis, keyPrefix, {
    clock,
    ownsClient,
    logger: silentLogger(),
    retention: { incidentsMs: TEST_RETENTION_MS, auditMs: TEST_RETENTION_MS },
  });
  if (clock === systemClock) return backend;
  return { ...backend, sharedClock: { now: () => clock.now(), start: async () => undefined, stop: () => undefined } };
}
