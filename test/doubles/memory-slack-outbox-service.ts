import { MemorySlackOutbox } from '../../src/backend/memory/memory-slack-outbox.js';
import { DEFAULT_OUTBOX_RETRY, type OutboxRetryPolicy } from '../../src/bot/outbox/outbox-retry.js';
import { SlackOutboxService } from '../../src/bot/outbox/slack-outbox-service.js';
import type { SlackGateway } from '../../src/bot/slack-gateway.js';
import type { Clock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/observability/logger.js';
import { ManualClock } from './manual-clock.js';

/**
 * The real outbox service on the memory outbox, for unit tests of its users: transient failures
 * are retried at once (no waiting), rate limits and failures a person must fix keep their waits.
 */
export function memoryOutboxService(
  gateway: SlackGateway,
  clock: Clock = new ManualClock(),
  retry: OutboxRetryPolicy = { ...DEFAULT_OUTBOX_RETRY, baseMs: 0, maxMs: 0 },
): SlackOutboxService {
  return new SlackOutboxService({
    outbox: new MemorySlackOutbox(),
    gateway,
    clock,
    logger: silentLogger(),
    retry,
  });
}
