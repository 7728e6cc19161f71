import type { Redis } from 'ioredis';
import { buildApp, type App } from '../../src/app.js';
import { silentLogger, type Logger } from '../../src/observability/logger.js';
import type { PagingStatus } from '../../src/paging/paging-state.js';
import { ManualClock } from '../doubles/manual-clock.js';
import { NO_PROBES } from '../doubles/no-probes.js';
import { TEST_PAGERDUTY_EVENTS_URL, TEST_ROUTING_KEY } from '../doubles/pagerduty-events-nock.js';
import { nockAuthTest } from '../doubles/slack-api-nock.js';
import { testBackend } from '../doubles/test-backend.js';
import { untilLeader } from '../doubles/until-leader.js';
import { botConfig } from './bot/slack-bot-harness.js';

/**
 * `buildApp` with Slack and PagerDuty on, a manual clock and no probes: the test applies check
 * results itself. Delivery to PagerDuty is stopped: it runs only inside `deliverPages`.
 */
export async function startPagingApp(
  yaml: string,
  env: Record<string, string> = {},
  options: { redis?: { client: Redis; keyPrefix: string }; clock?: ManualClock; logger?: Logger } = {},
): Promise<{ app: App; clock: ManualClock }> {
  const clock = options.clock ?? new ManualClock();
  const config = botConfig(yaml, { PAGERDUTY_ROUTING_KEY: TEST_ROUTING_KEY, PAGERDUTY_EVENTS_URL: TEST_PAGERDUTY_EVENTS_URL, ...env });
  const app = buildApp({
    config,
    logger: options.logger ?? silentLogger(),
    clock,
    // In memory unless a test Redis is given (a restart then finds what the first process stored).
    backend: options.redis ? testBackend(options.redis.client, options.redis.keyPrefix, clock) : testBackend(null, 'unused:', clock),
    probes: NO_PROBES,
    seams: { sleep: async () => undefined, webApiNetworkRetries: 0 },
  });
  nockAuthTest();
  try {
    await app.start(0, '127.0.0.1');
    // Incidents are written under the monitor lease: wait until this replica holds it.
    await untilLeader(app);
    await app.pager.stop();
  } catch (err) {
    await app.stop();
    throw err;
  }
  return { app, clock };
}

/**
 * Lets the pager deliver what is queued until `incidentId`'s paging reaches `status`, then stops
 * it again. Subscribed after the notifier, so the notifier has been told when this resolves.
 */
export async function deliverPages(app: App, status: PagingStatus, incidentId = 'INC-1'): Promise<void> {
  let reached = false;
  const unsubscribe = app.pager.subscribe((state) => {
    if (state.incidentId === incidentId && state.status === status) reached = true;
  });
  app.pager.start();
  try {
    for (let tries = 0; !reached; tries++) {
      if (tries > 250) throw new Error(`${incidentId} never reached paging status ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    unsubscribe();
    await app.pager.stop();
  }
}
