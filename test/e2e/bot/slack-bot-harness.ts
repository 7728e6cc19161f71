import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Redis } from 'ioredis';
import { createSlackBot, type SlackBot } from '../../../src/bot/create-slack-bot.js';
import { createSlackPlatform } from '../../../src/bot/create-slack-platform.js';
import { DEFAULT_KEY_PREFIX } from '../../../src/backend/redis/keyspace.js';
import { testBackend } from '../../doubles/test-backend.js';
import { parseConfig } from '../../../src/config/parse-config.js';
import type { Config } from '../../../src/config/types.js';
import { IncidentEngine } from '../../../src/incidents/incident-engine.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { Metrics } from '../../../src/observability/metrics.js';
import { buildServer } from '../../../src/server/build-server.js';
import { MemoryStore } from '../../../src/backend/memory/memory-store.js';
import type { Store } from '../../../src/store/store.js';
import type { SlackGateway } from '../../../src/bot/slack-gateway.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { nockAuthTest, TEST_SLACK_API_URL } from '../../doubles/slack-api-nock.js';
import { RecordingBotPorts } from '../../doubles/slack-bot-ports.js';
import { signed, TEST_SIGNING_SECRET, type SignedRequest } from '../../doubles/slack-requests.js';

/** A config like production's: operators U0AAA and the usergroup S0OPS; U0ZZZ is nobody. */
export const BOT_CONFIG_YAML = `
slack:
  channel: C0INCIDENTS
  command: /dr
  operators: [U0AAA, S0OPS]
  approvers: [U0BBB, U0CCC]
  incidentChannels: SEV1
statuspage:
  components: { api: cmp_1 }
checks:
  - id: api
    type: http
    url: https://api.example.com/health
    every: 15s
    severity: SEV2
    failAfter: 1
    recoverAfter: 1
    component: api
  - id: orders-lag
    type: replication-lag
    region: us-west-2
    metric: ReplicaLag
    dimensions: { DBInstanceIdentifier: orders-replica }
    every: 60s
    thresholds: { SEV3: 60s, SEV1: 600s }
    failAfter: 1
    recoverAfter: 1
  - id: orders-backups
    type: backup
    region: us-east-1
    dbInstance: orders-db
    maxAge: 26h
    every: 15m
    severity: SEV2
runbooks:
  failover:
    orders:
      region: us-west-2
      promote: { dbInstance: orders-replica }
      guard: { lagCheck: orders-lag, maxLag: 300s }
  restore:
    orders:
      region: us-east-1
      dbInstance: orders-db
      instanceClass: db.r6g.large
      securityGroups: [sg-0abc]
`;

export function botConfig(yaml = BOT_CONFIG_YAML, env: Record<string, string> = {}): Config {
  const result = parseConfig(yaml, {
    SLACK_BOT_TOKEN: 'xoxb-test-bot-token',
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: TEST_SLACK_API_URL,
    ...env,
  });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config;
}

/** The real server (buildServer) with the bot's routes, a real engine, recording ports. */
export interface BotHarness {
  server: FastifyInstance;
  bot: SlackBot;
  engine: IncidentEngine;
  store: Store;
  clock: ManualClock;
  ports: RecordingBotPorts;
  config: Config;
  metrics: Metrics;
  /** POSTs a request to /slack/events, signed now unless told otherwise. */
  post(body: string, contentType: string, extraHeaders?: Record<string, string>): Promise<LightMyRequestResponse>;
  postSigned(request: SignedRequest, extraHeaders?: Record<string, string>): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function startBotHarness(
  options: {
    config?: Config;
    store?: Store;
    redis?: Redis | null;
    keyPrefix?: string;
    gateway?: SlackGateway;
    clock?: ManualClock;
    /** HTTP mode: start the bot (auth.test, bots.info) before serving; false leaves the installation unknown. */
    start?: boolean;
  } = {},
): Promise<BotHarness> {
  const clock = options.clock ?? new ManualClock();
  const config = options.config ?? botConfig();
  const store = options.store ?? new MemoryStore({ clock });
  const logger = silentLogger();
  const metrics = new Metrics();
  const engine = new IncidentEngine({
    store,
    clock,
    logger,
    policies: new Map(config.checks.map((c) => [c.id, { failAfter: c.failAfter, recoverAfter: c.recoverAfter }])),
    fencing: { mode: 'unfenced' },
  });
  const ports = new RecordingBotPorts();
  const backend = testBackend(options.redis ?? null, options.keyPrefix ?? DEFAULT_KEY_PREFIX, clock);
  const platform = createSlackPlatform({
    config,
    logger,
    metrics,
    clock,
    seen: backend.seenDeliveries,
    outbox: backend.slackOutbox,
    sleep: async () => undefined,
    webApiNetworkRetries: 0,
    ...(options.gateway ? { gateway: options.gateway } : {}),
  });
  const bot = createSlackBot({
    platform,
    config,
    logger,
    store,
    refs: backend.incidentMessageRefs,
    incidents: engine,
    pageOnCall: ports.pageOnCall,
    submitAction: ports.submitAction,
    listApprovals: ports.listApprovals,
    evaluateReadiness: ports.evaluateReadiness,
    clock,
  });
  // As app-subscriptions.ts wires it.
  const unsubscribe = engine.subscribe(bot.notifier.listener);
  if (bot.mode === 'http' && options.start !== false) {
    // Learns the installed workspace and app, as at boot: payloads are refused until then.
    nockAuthTest();
    await bot.start();
  }
  const server = buildServer({ logger, metrics, readiness: [{ name: 'store', check: () => store.ping() }, bot.readiness] });
  await server.register(bot.routes);
  await server.ready();

  const postSigned = (request: SignedRequest, extraHeaders: Record<string, string> = {}) =>
    server.inject({ method: 'POST', url: '/slack/events', payload: request.body, headers: { ...request.headers, ...extraHeaders } });
  return {
    server,
    bot,
    engine,
    store,
    clock,
    ports,
    config,
    metrics,
    postSigned,
    post: (body, contentType, extraHeaders = {}) => postSigned(signed(body, contentType, clock.now()), extraHeaders),
    async close() {
      await server.close();
      unsubscribe();
      await bot.stop();
    },
  };
}

export const FORM = 'application/x-www-form-urlencoded';
