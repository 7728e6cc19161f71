import type { Redis } from 'ioredis';
import { WebClientSlackGateway } from '../../../../src/bot/web-client-slack-gateway.js';
import type { Config } from '../../../../src/config/types.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import type { Store } from '../../../../src/store/store.js';
import { ManualClock } from '../../../doubles/manual-clock.js';
import { TEST_SLACK_API_URL } from '../../../doubles/slack-api-nock.js';
import type { SlackFake, FakeMessage } from '../../../doubles/slack-fake.js';
import { botConfig, startBotHarness, type BotHarness } from '../../../e2e/bot/slack-bot-harness.js';

/** A config with `count` http checks `c1`…`cN` at SEV2 (no incident channels), one failure to open. */
export function manyChecksConfig(count: number): Config {
  const checks = Array.from(
    { length: count },
    (_, i) => `
  - id: c${i + 1}
    type: http
    url: https://svc${i + 1}.example.com/health
    every: 15s
    severity: SEV2
    failAfter: 1
    recoverAfter: 1`,
  ).join('');
  return botConfig(`
slack:
  channel: C0INCIDENTS
  command: /dr
  operators: [U0AAA]
  approvers: [U0BBB]
checks:${checks}
`);
}

/** The wired bot (createSlackBot) on a shared Redis prefix, optionally with a gateway timing out early. */
export async function startOutboxBot(options: {
  redis: Redis;
  keyPrefix: string;
  store: Store;
  config: Config;
  clock?: ManualClock;
  callTimeoutMs?: number;
}): Promise<BotHarness> {
  const clock = options.clock ?? new ManualClock();
  const gateway = options.callTimeoutMs
    ? new WebClientSlackGateway({
        token: 'xoxb-test-bot-token',
        apiUrl: TEST_SLACK_API_URL,
        logger: silentLogger(),
        clock,
        networkRetries: 0,
        maxRateLimitWaitMs: 0,
        timeoutMs: options.callTimeoutMs,
      })
    : undefined;
  return startBotHarness({
    config: options.config,
    store: options.store,
    redis: options.redis,
    keyPrefix: options.keyPrefix,
    clock,
    ...(gateway ? { gateway } : {}),
  });
}

/** Top-level messages (not thread replies) in the incidents channel that mention `incidentId`. */
export function topLevel(fake: SlackFake, incidentId: string): FakeMessage[] {
  return fake.messagesIn('C0INCIDENTS').filter((m) => m.threadTs === undefined && m.text.includes(` ${incidentId} `));
}

/** Thread replies under `parent`, in posting order. */
export function replies(fake: SlackFake, parent: FakeMessage): string[] {
  return fake
    .messagesIn(parent.channel)
    .filter((m) => m.threadTs === parent.ts)
    .map((m) => m.text);
}
