import { createHash } from 'node:crypto';
import { App, SocketModeReceiver, type Receiver } from '@slack/bolt';
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { ReadinessProbe } from '../server/readiness.js';
import { boltLogger } from './bolt-logger.js';
import { FastifySlackReceiver, STORE_DOWN_TEXT } from './fastify-slack-receiver.js';
import { installedOnly } from './installed-app.js';
import { DEFAULT_OUTBOX_RETRY } from './outbox/outbox-retry.js';
import { SlackOutboxService } from './outbox/slack-outbox-service.js';
import type { SlackOutbox } from './outbox/slack-outbox.js';
import { Permissions } from './permissions.js';
import { isReadOnlyCommand } from './read-only-command.js';
import { DELIVERY_TTL_MS, type SeenDeliveries } from './seen-deliveries.js';
import { SlackConnection } from './slack-connection.js';
import type { SlackGateway } from './slack-gateway.js';
import { tellStoreDown } from './tell-store-down.js';
import { isRecord } from './untyped-fields.js';
import { WebClientSlackGateway } from './web-client-slack-gateway.js';

/** What the Slack transport needs: config, and the backend's delivery record and outbox. */
export interface SlackPlatformDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
  /** Slack deliveries already taken in (the backend's): retries are acked, not acted on twice. */
  seen: SeenDeliveries;
  /** The backend's outbox: every post and update is delivered from it. */
  outbox: SlackOutbox;
  /**
   * Test seams: a gateway of your own, instant waits for retries (the outbox then retries
   * transient failures at once; rate limits and failures a person must fix keep their waits),
   * no network retries in the client.
   */
  gateway?: SlackGateway;
  sleep?: (ms: number) => Promise<void>;
  webApiNetworkRetries?: number;
}

/**
 * Slack as a transport, before any feature is on it: Bolt on our fastify receiver (HTTP) or
 * Socket Mode, the Web API gateway, the outbox and who may do what. The bot's commands and the
 * approval flow register their listeners on `boltApp` and post through `outbox`.
 */
export interface SlackPlatform {
  /** Register on the fastify server: `server.register(platform.routes)` (POST /slack/events). */
  routes: FastifyPluginAsync;
  /** Add to /readyz. */
  readiness: ReadinessProbe;
  boltApp: App;
  gateway: SlackGateway;
  /** Every Slack post and update goes through it; features register the kinds they deliver. */
  outbox: SlackOutboxService;
  permissions: Permissions;
  mode: 'http' | 'socket';
  /**
   * Checks the token (auth.test), starts delivering the outbox and, in Socket Mode, opens the
   * WebSocket in the background.
   */
  start(): Promise<void>;
  /** Stops taking Slack work and waits (bounded) for queued messages and running listeners. */
  stop(): Promise<void>;
  /**
   * Resolves once no listener is running and no Slack work is due at the clock's now (tests;
   * bounded by `timeoutMs`): work waiting for a later retry or a rate-limit pause stays queued.
   */
  idle(timeoutMs?: number): Promise<void>;
}

/** Longest stop() waits for queued Slack work, so SIGTERM still exits within 10 s. */
export const STOP_DRAIN_MS = 4_000; // 4 seconds

/** Builds the Slack transport. Requires SLACK_BOT_TOKEN; the caller leaves Slack out when it is absent. */
export function createSlackPlatform(deps: SlackPlatformDeps): SlackPlatform {
  const { config, clock, metrics, seen } = deps;
  const logger = deps.logger.child({ component: 'slack' });
  const token = config.env.slackBotToken;
  if (!token) throw new Error('createSlackPlatform needs SLACK_BOT_TOKEN; leave Slack out when it is off');

  const gateway =
    deps.gateway ??
    new WebClientSlackGateway({
      token,
      apiUrl: config.env.slackApiUrl,
      logger,
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      ...(deps.webApiNetworkRetries !== undefined ? { networkRetries: deps.webApiNetworkRetries } : {}),
    });
  const permissions = new Permissions({ operators: config.slack.operators, approvers: config.slack.approvers, gateway, clock, logger });
  const connection = new SlackConnection(gateway, clock, logger);

  const socketMode = Boolean(config.env.slackAppToken);
  const httpReceiver = new FastifySlackReceiver({
    signingSecret: config.env.slackSigningSecret,
    seen,
    clock,
    logger,
    metrics,
    // The answer already went out; tell the person their command did not run.
    onStoreDown: (body) => tellStoreDown(body, gateway, logger),
  });
  const socketReceiver = socketMode
    ? new SocketModeReceiver({
        appToken: config.env.slackAppToken as string,
        logger: boltLogger(logger.child({ slackClient: 'socket-mode' })),
        // apps.connections.open goes to SLACK_API_URL too.
        installerOptions: { clientOptions: { slackApiUrl: config.env.slackApiUrl } },
      })
    : null;
  const receiver: Receiver = socketReceiver ?? httpReceiver;

  const boltApp = new App({
    receiver,
    // Our own authorize: no auth.test at construction, and the token never leaves this module.
    authorize: async () => {
      const identity = connection.botIdentity;
      return { botToken: token, ...(identity ? { botUserId: identity.userId, botId: identity.botId, teamId: identity.teamId } : {}) };
    },
    logger: boltLogger(logger.child({ slackClient: 'bolt' })),
    clientOptions: { slackApiUrl: config.env.slackApiUrl },
    ignoreSelf: false,
    convoStore: false,
  });
  // First of all middleware: nothing below runs for a payload from another workspace or app.
  boltApp.use(
    installedOnly({
      installed: () => connection.installedApp,
      learn: () => connection.learnIdentitySoon(),
      logger,
      ackRefused: socketMode,
    }),
  );
  if (socketMode) useSocketModeDedupe(boltApp, seen, gateway, logger);

  // The outbox never waits out a rate limit inside a call: a 429 fails at once and the method is
  // paused in the store, for every lane and replica, while the worker delivers other lanes.
  const outboxGateway =
    deps.gateway ??
    new WebClientSlackGateway({
      token,
      apiUrl: config.env.slackApiUrl,
      logger,
      clock,
      maxRateLimitWaitMs: 0,
      ...(deps.webApiNetworkRetries !== undefined ? { networkRetries: deps.webApiNetworkRetries } : {}),
    });
  const outbox = new SlackOutboxService({
    outbox: deps.outbox,
    gateway: outboxGateway,
    clock,
    logger: logger.child({ component: 'slack-outbox' }),
    metrics,
    ...(deps.sleep ? { retry: { ...DEFAULT_OUTBOX_RETRY, baseMs: 0, maxMs: 0 } } : {}),
  });

  if (socketReceiver) {
    for (const state of ['connecting', 'connected', 'reconnecting', 'disconnecting', 'disconnected']) {
      socketReceiver.client.on(state, () => {
        connection.setSocketState(state);
        logger.info({ state }, `Slack Socket Mode ${state}`);
      });
    }
    connection.setSocketState('not started');
  }

  const socketModeRoutes: FastifyPluginAsync = async (fastify) => {
    // Socket Mode receives everything over the WebSocket; HTTP deliveries are not expected.
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
    fastify.post('/slack/events', async (_request, reply) => reply.code(404).send({ error: 'socket_mode' }));
  };

  return {
    routes: socketMode ? socketModeRoutes : httpReceiver.routes,
    readiness: connection.probe,
    boltApp,
    gateway,
    outbox,
    permissions,
    mode: socketMode ? 'socket' : 'http',
    async start() {
      await connection.verify();
      outbox.start();
      if (socketReceiver) {
        // In the background: a Slack outage at boot must not hold up the monitor or /healthz.
        void boltApp.start().catch((err: unknown) => {
          logger.error({ err }, 'Slack Socket Mode could not start; check SLACK_APP_TOKEN (xapp-…, connections:write)');
        });
      }
      logger.info({ mode: socketMode ? 'socket' : 'http', channel: config.slack.channel }, 'Slack bot started');
    },
    async stop() {
      if (socketReceiver) await boltApp.stop().catch((err: unknown) => logger.warn({ err }, 'Slack Socket Mode did not close cleanly'));
      // Listeners still running may enqueue: let them finish, then stop the outbox (what waits stays in the store).
      await httpReceiver.drain(STOP_DRAIN_MS / 2);
      await outbox.stop(STOP_DRAIN_MS / 2);
    },
    async idle(timeoutMs = 10_000) {
      // Listeners enqueue outbox work and outbox work never starts listeners: two passes settle.
      for (let pass = 0; pass < 2; pass++) {
        await httpReceiver.drain(timeoutMs);
        await outbox.idle(timeoutMs);
      }
    },
  };
}

/**
 * Socket Mode retries arrive over the WebSocket, not our HTTP route: the same delivery check
 * runs as the first middleware (key: the payload's hash), acking duplicates without acting. When
 * the store cannot record the delivery it fails closed like the HTTP path, and tells the person;
 * read-only slash commands still go on (a retried read answered twice is harmless).
 */
function useSocketModeDedupe(app: App, seen: SeenDeliveries, gateway: SlackGateway, logger: Logger): void {
  app.use(async (args) => {
    const key = createHash('sha256').update(JSON.stringify(args.body)).digest('hex');
    let verdict: boolean | 'store-down';
    try {
      verdict = await seen.firstSeen(key, DELIVERY_TTL_MS);
    } catch (err) {
      logger.error({ err }, 'cannot record a Slack delivery in the store; not acting on it. Check REDIS_URL and Redis');
      verdict = 'store-down';
    }
    const body: Record<string, unknown> = isRecord(args.body) ? args.body : {};
    if (verdict === true || (verdict === 'store-down' && isReadOnlyCommand(body))) {
      await args.next();
      return;
    }
    const ack = 'ack' in args && typeof args.ack === 'function' ? (args.ack as (response?: unknown) => Promise<void>) : undefined;
    if (verdict === false) {
      await ack?.();
      return;
    }
    const inAck = storeDownAck(body);
    await ack?.(inAck ?? undefined);
    if (!inAck) await tellStoreDown(body, gateway, logger);
  });
}

/**
 * In Socket Mode the ack itself can carry the answer (`accepts_response_payload`): a slash
 * command's ephemeral text, or a modal's field error (errors must name an input block of the
 * view, so the first one in its state). Null: answer some other way (tellStoreDown).
 */
function storeDownAck(body: Record<string, unknown>): Record<string, unknown> | null {
  if (typeof body.command === 'string') return { response_type: 'ephemeral', text: STORE_DOWN_TEXT };
  if (body.type !== 'view_submission') return null;
  const values = (body.view as { state?: { values?: unknown } } | undefined)?.state?.values;
  const blockId = typeof values === 'object' && values !== null ? Object.keys(values)[0] : undefined;
  return blockId ? { response_action: 'errors', errors: { [blockId]: STORE_DOWN_TEXT } } : null;
}
