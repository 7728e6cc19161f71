import { buildApp, type App } from '../../src/app.js';
import { silentLogger } from '../../src/observability/logger.js';
import { testClients } from '../integration/aws/aws-fixtures.js';
import { botConfig } from '../e2e/bot/slack-bot-harness.js';
import type { ManualClock } from './manual-clock.js';
import { NO_PROBES } from './no-probes.js';
import type { RedisPrefix } from './redis-prefix.js';
import { nockAuthTest } from './slack-api-nock.js';
import { testBackend } from './test-backend.js';

/**
 * `lifeboat start` as the Slack e2e tests run it: buildApp from `yaml` with the test Slack
 * credentials, on the file's Redis prefix, AWS through the SDK's real HTTP (answered by nock), no
 * probes, and Web API retries that do not sleep; started on a free port and tracked, so it is
 * stopped after the test. `authTests`: how many `auth.test` answers to set up (one per start of
 * the Slack client; a test that restarts or re-reads the installation needs more).
 */
export async function startSlackApp(options: {
  yaml: string;
  redis: Pick<RedisPrefix, 'redis' | 'prefix'>;
  clock: ManualClock;
  guarded: { track(app: App): App };
  authTests?: number;
}): Promise<App> {
  const { clock, redis } = options;
  nockAuthTest(options.authTests);
  const app = buildApp({
    config: botConfig(options.yaml),
    logger: silentLogger(),
    clock,
    backend: testBackend(redis.redis, redis.prefix, clock),
    probes: NO_PROBES,
    awsClients: testClients(),
    seams: { sleep: async () => undefined, webApiNetworkRetries: 0 },
  });
  options.guarded.track(app);
  await app.start(0, '127.0.0.1');
  return app;
}
