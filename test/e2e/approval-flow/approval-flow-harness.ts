import { randomUUID } from 'node:crypto';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Redis } from 'ioredis';
import { ActionPlanner } from '../../../src/actions/action-planner.js';
import { ActionRunner } from '../../../src/actions/action-runner.js';
import { storeLagSource } from '../../../src/actions/lag-source.js';
import type { ProgressReporter } from '../../../src/actions/progress-reporter.js';
import { ApprovalEngine } from '../../../src/approvals/approval-engine.js';
import { approvalPolicyFromConfig } from '../../../src/approvals/approval-rules.js';
import type { ApprovalStore } from '../../../src/approvals/approval-store.js';
import { RedisApprovalStore } from '../../../src/approvals/redis-approval-store.js';
import { SdkRdsGateway } from '../../../src/aws/rds-gateway-sdk.js';
import { SdkRoute53Gateway } from '../../../src/aws/route53-gateway-sdk.js';
import { createApprovalUi, type ApprovalUi } from '../../../src/bot/approvals/create-approval-ui.js';
import { createSlackBot, type SlackBot } from '../../../src/bot/create-slack-bot.js';
import type { Config } from '../../../src/config/types.js';
import { ControlJournal } from '../../../src/dr/control-journal.js';
import { DrService } from '../../../src/dr/dr-service.js';
import { IncidentEngine } from '../../../src/incidents/incident-engine.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { Metrics } from '../../../src/observability/metrics.js';
import { buildServer } from '../../../src/server/build-server.js';
import { createStatusPage } from '../../../src/statuspage/create-status-page.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { lag } from '../../doubles/results.js';
import { ORDERS_FAILOVER, ORDERS_LAG_CHECK, yamlFlow } from '../../doubles/runbook-fixtures.js';
import { nockAuthTest } from '../../doubles/slack-api-nock.js';
import { signed } from '../../doubles/slack-requests.js';
import { botConfig, FORM } from '../bot/slack-bot-harness.js';
import { testClients } from '../../integration/aws/aws-fixtures.js';
import { deleteKeys, newRedisClient, randomKeyPrefix } from '../../doubles/test-redis.js';

export { FORM };

/** Production-like: U0AAA operates, U0BBB and U0CCC approve, U0ZZZ is nobody; one failover runbook with DNS and a lag guard. */
export function flowYaml(approvals = 1): string {
  return `
slack:
  channel: C0INCIDENTS
  command: /dr
  operators: [U0AAA, U0BBB, U0CCC]
  approvers: [U0BBB, U0CCC]
  approvals: ${approvals}
  approvalTtl: 15m
statuspage:
  provider: builtin
checks:
  - id: api
    type: http
    url: https://api.example.com/health
    every: 15s
    severity: SEV2
    failAfter: 1
    recoverAfter: 1
    component: api
  - ${yamlFlow(ORDERS_LAG_CHECK)}
runbooks:
  failover:
    orders: ${yamlFlow(ORDERS_FAILOVER)}
`;
}

/** The whole service as far as approvals go: real server, bot, approval UI, DR service, builtin status page. */
export interface ApprovalFlow {
  server: FastifyInstance;
  bot: SlackBot;
  ui: ApprovalUi;
  approvals: ApprovalEngine;
  engine: IncidentEngine;
  clock: ManualClock;
  config: Config;
  redis: Redis;
  keyPrefix: string;
  west: AwsClientStub<RDSClient>;
  r53: AwsClientStub<Route53Client>;
  /** POSTs to /slack/events, signed as Slack signs it, now. */
  post(body: string, extraHeaders?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** Waits until no listener, run or queued Slack call is left. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface ApprovalFlowOptions {
  approvals?: number;
  /** Wraps the approval store (e.g. to lose Redis replies). */
  wrapStore?: (store: ApprovalStore) => ApprovalStore;
}

export async function startApprovalFlow(options: ApprovalFlowOptions = {}): Promise<ApprovalFlow> {
  const clock = new ManualClock();
  const config = botConfig(flowYaml(options.approvals));
  const logger = silentLogger();
  const metrics = new Metrics();
  const redis = newRedisClient();
  const keyPrefix = randomKeyPrefix('approval-flow');
  const store = new MemoryStore({ clock });
  const engine = new IncidentEngine({
    store,
    clock,
    logger,
    policies: new Map(config.checks.map((c) => [c.id, { failAfter: c.failAfter, recoverAfter: c.recoverAfter }])),
    fencing: { mode: 'unfenced' },
  });
  // The lag guard reads the monitor's latest measurement: 12 s, just now.
  await engine.apply(lag(12, null, 'orders-lag', clock.now()));

  const clients = testClients();
  const west = mockClient(clients.rds('us-west-2'));
  const r53 = mockClient(clients.route53());
  // Any AWS command a test did not mock fails the run loudly.
  west.onAnyCommand().rejects(new Error('unexpected RDS command: not mocked by this test'));
  r53.onAnyCommand().rejects(new Error('unexpected Route 53 command: not mocked by this test'));
  const rds = new SdkRdsGateway(clients);
  const route53 = new SdkRoute53Gateway(() => clients.route53());
  const lagSource = storeLagSource(store);

  const statusPage = createStatusPage({ config, logger, redis, keyPrefix, clock });
  const journal = new ControlJournal();
  // The runner exists before the UI that reports its progress, as in the app.
  let ui: ApprovalUi | null = null;
  const reporter: ProgressReporter = { report: async (event) => ui?.reporter.report(event) };
  const planner = new ActionPlanner({ rds, route53, lag: lagSource, clock, config, incidents: store });
  const runner = new ActionRunner({
    rds,
    route53,
    lag: lagSource,
    clock,
    journal,
    reporter,
    logger,
    statusPage: async (publication) => {
      const published = await statusPage.statusPage.publish(publication);
      return published.url ? { url: published.url } : {};
    },
    // Waits move the clock instead of sleeping.
    sleep: async (ms) => clock.advance(ms),
  });
  const approvalStore = new RedisApprovalStore({ redis, keyPrefix });
  const approvals = new ApprovalEngine({
    store: options.wrapStore ? options.wrapStore(approvalStore) : approvalStore,
    clock,
    logger,
    policy: approvalPolicyFromConfig(config.slack),
    instanceId: `e2e-${randomUUID()}`,
  });
  const dr = new DrService({ planner, runner, approvals, journal, logger });

  const bot = createSlackBot({
    config,
    logger,
    metrics,
    store,
    redis,
    keyPrefix,
    engine,
    pageOnCall: async () => ({ ok: true }),
    submitAction: (request, actor, reply) => (ui as ApprovalUi).submitAction(request, actor, reply),
    listApprovals: () => (ui as ApprovalUi).listApprovals(),
    clock,
    sleep: async () => undefined,
    webApiNetworkRetries: 0,
  });
  ui = createApprovalUi({
    boltApp: bot.boltApp,
    gateway: bot.gateway,
    outbox: bot.outbox,
    permissions: bot.permissions,
    approvals,
    dr,
    config,
    logger,
    clock,
    redis,
    keyPrefix,
    sweepIntervalMs: 20,
  });
  const approvalUi = ui;

  // Learns the installed workspace and app, as at boot: payloads are refused until then.
  nockAuthTest();
  await bot.start();
  const server = buildServer({ logger, metrics, readiness: [] });
  await server.register(bot.routes);
  if (statusPage.routes) await server.register(statusPage.routes);
  await server.ready();

  return {
    server,
    bot,
    ui: approvalUi,
    approvals,
    engine,
    clock,
    config,
    redis,
    keyPrefix,
    west,
    r53,
    post: (body, extraHeaders = {}) => {
      const request = signed(body, FORM, clock.now());
      return server.inject({
        method: 'POST',
        url: '/slack/events',
        payload: request.body,
        headers: { ...request.headers, ...extraHeaders },
      });
    },
    async idle() {
      // Listeners start runs, runs enqueue Slack work: settle each in turn, twice.
      for (let pass = 0; pass < 2; pass++) {
        await bot.idle();
        await approvals.whenIdle();
        await approvalUi.idle();
      }
    },
    async close() {
      await server.close();
      await approvalUi.stop();
      await bot.stop();
      await approvals.whenIdle();
      west.restore();
      r53.restore();
      await deleteKeys(redis, keyPrefix);
      await redis.quit();
    },
  };
}
