import type { Config } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { PageAuditEvent, SlackLinkLookup } from './delivery-worker.js';
import { DisabledPager } from './disabled-pager.js';
import { EventsApiClient, EVENTS_REQUEST_TIMEOUT_MS } from './events-api-client.js';
import type { Pager } from './pager.js';
import type { PagingQueue } from './paging-queue.js';
import { QueuedPager } from './queued-pager.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-delay.js';

/** Delivery loop period; a queued event also wakes the loop at once. */
export const PAGING_POLL_INTERVAL_MS = 1_000; // 1 second
/** A claim outlives a request (10 s timeout) by a margin, so a live sender's claim never lapses. */
export const PAGING_LEASE_MS = 3 * EVENTS_REQUEST_TIMEOUT_MS; // 30 seconds
/** Transient failures are retried this long after an event was due, then it is dropped as failed. */
export const PAGING_MAX_EVENT_AGE_MS = 24 * 60 * 60_000; // 24 hours
/** Escalations promoted and events sent per run. */
export const PAGING_BATCH_LIMIT = 50;

export interface CreatePagerDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  /** The backend's paging queue: shared by replicas in Redis, one process's in memory. */
  queue: PagingQueue;
  clock: Clock;
  /** The Slack message of an incident, linked from the PagerDuty alert when known. */
  slackLinkFor?: SlackLinkLookup;
  /** Jitter source for retry backoff; tests inject a fixed one. */
  random?: () => number;
  pollIntervalMs?: number;
  retry?: RetryPolicy;
  /** One request's deadline; defaults to EVENTS_REQUEST_TIMEOUT_MS. */
  requestTimeoutMs?: number;
  /** Told of every page delivered and escalation fired, once (the audit log). */
  onPageEvent?: (page: PageAuditEvent) => void;
}

/**
 * Builds PagerDuty paging from config: a queued pager on Redis (shared by replicas, survives
 * restarts) or in memory (one process), or a disabled one when PAGERDUTY_ROUTING_KEY is not set.
 * Call `start()` to begin delivering and `stop()` on shutdown.
 */
export function createPager(deps: CreatePagerDeps): Pager {
  const { config, clock } = deps;
  const logger = deps.logger.child({ component: 'paging' });
  const routingKey = config.env.pagerdutyRoutingKey;
  if (!routingKey) {
    logger.info('PagerDuty paging is off: PAGERDUTY_ROUTING_KEY is not set');
    return new DisabledPager();
  }
  const api = new EventsApiClient({
    baseUrl: config.env.pagerdutyEventsUrl,
    clock,
    ...(deps.requestTimeoutMs !== undefined && { requestTimeoutMs: deps.requestTimeoutMs }),
  });
  const requestTimeoutMs = deps.requestTimeoutMs ?? EVENTS_REQUEST_TIMEOUT_MS;
  return new QueuedPager({
    policy: config.pagerduty,
    checks: config.checks,
    queue: deps.queue,
    clock,
    logger,
    pollIntervalMs: deps.pollIntervalMs ?? PAGING_POLL_INTERVAL_MS,
    delivery: {
      api,
      routingKey,
      metrics: deps.metrics.paging,
      random: deps.random ?? Math.random,
      leaseMs: Math.max(PAGING_LEASE_MS, 3 * requestTimeoutMs),
      retry: deps.retry ?? DEFAULT_RETRY_POLICY,
      maxEventAgeMs: PAGING_MAX_EVENT_AGE_MS,
      batchLimit: PAGING_BATCH_LIMIT,
      ...(deps.slackLinkFor && { slackLinkFor: deps.slackLinkFor }),
      ...(deps.onPageEvent && { onPageEvent: deps.onPageEvent }),
    },
  });
}
