import { randomUUID } from 'node:crypto';
import { GetMetricDataCommand, type CloudWatchClient, type GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Redis } from 'ioredis';
import { buildApp, type App } from '../../../src/app.js';
import type { Sleeper } from '../../../src/actions/wait-until.js';
import type { AwsClients } from '../../../src/aws/aws-clients.js';
import type { ApprovalEngine } from '../../../src/approvals/approval-engine.js';
import type { ApprovalStore } from '../../../src/approvals/approval-store.js';
import type { ApprovalUi } from '../../../src/bot/approvals/create-approval-ui.js';
import type { SlackBot } from '../../../src/bot/create-slack-bot.js';
import type { Config } from '../../../src/config/types.js';
import type { DrillDeps } from '../../../src/drills/build-drills.js';
import type { ProbeOutcome } from '../../../src/core/check-result.js';
import type { IncidentEngine } from '../../../src/incidents/incident-engine.js';
import type { Probes } from '../../../src/monitor/build-jobs.js';
import { silentLogger, type Logger } from '../../../src/observability/logger.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { lag } from '../../doubles/results.js';
import { ORDERS_FAILOVER, ORDERS_LAG_CHECK, ORDERS_RESTORE, yamlFlow } from '../../doubles/runbook-fixtures.js';
import { nockAuthTest } from '../../doubles/slack-api-nock.js';
import { signed } from '../../doubles/slack-requests.js';
import { testBackend } from '../../doubles/test-backend.js';
import { botConfig, FORM } from '../bot/slack-bot-harness.js';
import { testClients } from '../../integration/aws/aws-fixtures.js';
import { deleteKeys, newRedisClient, randomKeyPrefix } from '../../doubles/test-redis.js';
import { untilLeader } from '../../doubles/until-leader.js';

export { FORM };

/**
 * Production-like: U0AAA operates, U0BBB and U0CCC approve, U0ZZZ is nobody; one failover runbook
 * with DNS and a lag guard (or `failover` instead), plus the `failoverRunbooks`, `restoreRunbooks` and `checks` a test adds.
 */
export function flowYaml(
  approvals = 1,
  extra: Pick<ApprovalFlowOptions, 'checks' | 'failover' | 'failoverRunbooks' | 'restoreRunbooks' | 'drills' | 'readiness'> = {},
): string {
  const checks = (extra.checks ?? []).map((check) => `\n  - ${yamlFlow(check)}`).join('');
  const more = Object.entries(extra.failoverRunbooks ?? {})
    .map(([name, runbook]) => `\n    ${name}: ${yamlFlow(runbook)}`)
    .join('');
  const moreRestores = Object.entries(extra.restoreRunbooks ?? {})
    .map(([name, runbook]) => `\n    ${name}: ${yamlFlow(runbook)}`)
    .join('');
  const drillEntries = Object.entries(extra.drills ?? {}).map(([name, drill]) => `\n  ${name}: ${yamlFlow(drill)}`);
  const drills = drillEntries.length > 0 ? `drills:${drillEntries.join('')}\n` : '';
  const readiness = extra.readiness ? `readiness: ${yamlFlow(extra.readiness)}\n` : '';
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
  - ${yamlFlow(ORDERS_LAG_CHECK)}${checks}
runbooks:
  failover:
    orders: ${yamlFlow(extra.failover ?? ORDERS_FAILOVER)}${more}
  restore:
    orders: ${yamlFlow(ORDERS_RESTORE)}${moreRestores}
${drills}${readiness}`;
}

/**
 * The whole service, as `lifeboat start` wires it (buildApp): real server, Slack bot, approval
 * flow, DR service, builtin status page, everything in a real Redis under its own prefix; AWS
 * answered by stubs on the SDK clients, the monitor by steady probes.
 */
export interface ApprovalFlow extends ServiceFlow {
  west: AwsClientStub<RDSClient>;
  r53: AwsClientStub<Route53Client>;
  /** CloudWatch in us-west-2: answers the guard's lag (12 s, now) unless a test says otherwise. */
  cloudwatch: AwsClientStub<CloudWatchClient>;
}

/** The service as the flow runs it, whatever answers AWS. */
export interface ServiceFlow {
  app: App;
  server: FastifyInstance;
  bot: SlackBot;
  ui: ApprovalUi;
  approvals: ApprovalEngine;
  engine: IncidentEngine;
  clock: ManualClock;
  config: Config;
  redis: Redis;
  keyPrefix: string;
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
  /** More failover runbooks, by name, beside `orders`. */
  failoverRunbooks?: Record<string, object>;
  /** More restore runbooks, by name, beside `orders`. */
  restoreRunbooks?: Record<string, object>;
  /** Checks added to the flow's config (as YAML objects). */
  checks?: object[];
  /** Replaces the `orders` failover runbook (e.g. to give it a verify step). */
  failover?: object;
  /** Probes for the monitor and verify steps, instead of steady healthy answers for every check. */
  probes?: (clock: ManualClock) => Probes;
  /** The `readiness` section (a YAML object), e.g. its severity. */
  readiness?: object;
  /** Restore drills, by name (YAML objects). */
  drills?: Record<string, object>;
  /** Extra environment variables (hook tokens). */
  env?: Record<string, string>;
  /** Where the service logs (default: nowhere). */
  logger?: Logger;
  /** How runs and drills wait (default: they move the clock instead of sleeping). */
  runSleep?: (clock: ManualClock) => Sleeper;
  /** Drill liveness and the leader's recovery sweep, shortened. */
  drillRecovery?: DrillDeps['recovery'];
  /** A second replica of a running flow: its Redis prefix and clock; it does not wait to lead. */
  replicaOf?: Pick<ServiceFlow, 'keyPrefix' | 'clock'>;
}

/** The lag the monitor measures on orders-lag: 12 s, well inside the runbook's guard. */
const STEADY_LAG_SECONDS = 12;

/** GetMetricData's answer for the one lag query: STEADY_LAG_SECONDS, measured at `at`. */
export function steadyLagMetric(at: number): GetMetricDataCommandOutput {
  return {
    MetricDataResults: [{ Id: 'q0', Timestamps: [new Date(at)], Values: [STEADY_LAG_SECONDS], StatusCode: 'Complete' }],
    $metadata: {},
  };
}

/** Healthy answers for every check, so the monitor's readings are the guard's input. */
export function steadyProbes(clock: ManualClock): Probes {
  const outcome = (result: ProbeOutcome): ProbeOutcome => ({
    ok: result.ok,
    severity: result.severity,
    summary: result.summary,
    measurement: result.measurement,
  });
  return {
    http: async (spec) => ({ ok: true, severity: null, summary: 'HTTP 200', measurement: { kind: 'http', status: 200, url: spec.url } }),
    lagBatch: async (specs) =>
      new Map(specs.map((spec) => [spec.checkId, outcome(lag(STEADY_LAG_SECONDS, null, spec.checkId, clock.now()))])),
    backup: async () => {
      throw new Error('no backup check in this flow');
    },
  };
}

/** The flow with AWS answered by stubs on the SDK clients (aws-sdk-client-mock). */
export async function startApprovalFlow(options: ApprovalFlowOptions = {}): Promise<ApprovalFlow> {
  const clients = testClients();
  const west = mockClient(clients.rds('us-west-2'));
  const r53 = mockClient(clients.route53());
  // Any AWS command a test did not mock fails the run loudly.
  west.onAnyCommand().rejects(new Error('unexpected RDS command: not mocked by this test'));
  r53.onAnyCommand().rejects(new Error('unexpected Route 53 command: not mocked by this test'));
  const flow = await startServiceFlow(options, clients);
  // The failover reads the guard's lag from CloudWatch right before its first step: the same 12 s.
  const cloudwatch = mockClient(clients.cloudwatch('us-west-2'));
  cloudwatch.on(GetMetricDataCommand).callsFake(() => steadyLagMetric(flow.clock.now()));
  return {
    ...flow,
    west,
    r53,
    cloudwatch,
    async close() {
      await flow.close();
      west.restore();
      r53.restore();
      cloudwatch.restore();
    },
  };
}

/**
 * The flow on the AWS clients given: with `AwsClients` built as in production (the SDK's own
 * retries on reads, none on mutating calls), a test answers AWS at the HTTP layer (nock).
 */
export async function startServiceFlow(options: ApprovalFlowOptions, clients: AwsClients): Promise<ServiceFlow> {
  const clock = options.replicaOf?.clock ?? new ManualClock();
  const config = botConfig(flowYaml(options.approvals, options), options.env);
  const redis = newRedisClient();
  const keyPrefix = options.replicaOf?.keyPrefix ?? randomKeyPrefix('approval-flow');
  const backend = testBackend(redis, keyPrefix, clock);
  if (options.wrapStore) Object.assign(backend, { approvals: options.wrapStore(backend.approvals) });

  const app = buildApp({
    config,
    logger: options.logger ?? silentLogger(),
    clock,
    backend,
    probes: (options.probes ?? steadyProbes)(clock),
    awsClients: clients,
    holderId: `e2e-${randomUUID()}`,
    seams: {
      sleep: async () => undefined,
      webApiNetworkRetries: 0,
      approvalSweepIntervalMs: 20,
      // Waits move the clock instead of sleeping.
      runSleep:
        options.runSleep?.(clock) ??
        (async (ms) => {
          clock.advance(ms);
        }),
      ...(options.drillRecovery && { drillRecovery: options.drillRecovery }),
    },
  });
  const { slack, dr } = app;
  if (!slack || !dr) throw new Error('Slack is off in the approval flow config');
  // Learns the installed workspace and app, as at boot: payloads are refused until then.
  nockAuthTest();
  await app.start(0, '127.0.0.1');
  if (options.replicaOf) return serviceFlowOf(app, { clock, config, redis, keyPrefix, ownsKeys: false });
  // The lag guard reads the monitor's latest measurement. The monitor's first run comes at a
  // random phase (up to a minute): record the reading it would make, once this replica leads.
  await untilLeader(app);
  await app.engine.apply(lag(STEADY_LAG_SECONDS, null, 'orders-lag', clock.now()));
  // A pass is written with the leader's next batch (within 5 s); write it now, as that batch would.
  await app.engine.flushQuietPasses();

  return serviceFlowOf(app, { clock, config, redis, keyPrefix, ownsKeys: true });
}

function serviceFlowOf(
  app: App,
  parts: { clock: ManualClock; config: Config; redis: Redis; keyPrefix: string; ownsKeys: boolean },
): ServiceFlow {
  const { clock, config, redis, keyPrefix } = parts;
  const { slack, dr } = app;
  if (!slack || !dr) throw new Error('Slack is off in the approval flow config');
  const { bot, approvalUi } = slack;
  const { approvals } = dr;
  return {
    app,
    server: app.server,
    bot,
    ui: approvalUi,
    approvals,
    engine: app.engine,
    clock,
    config,
    redis,
    keyPrefix,
    post: (body, extraHeaders = {}) => {
      const request = signed(body, FORM, clock.now());
      return app.server.inject({
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
      await app.stop();
      if (parts.ownsKeys) await deleteKeys(redis, keyPrefix);
      await redis.quit();
    },
  };
}
