import { buildApp, type App } from './app.js';
import type { Config } from './config/types.js';
import { collectGarbageNow } from './observability/full-gc.js';
import { createLogger, redisUrlSecrets, type Logger } from './observability/logger.js';

/** SPEC: SIGTERM exits 0 within 10 s; leave headroom for the process to exit. */
const SHUTDOWN_LIMIT_MS = 9_000;

/** `lifeboat start`: builds and runs the service until SIGTERM or SIGINT; resolves with the exit code. */
export async function startService(config: Config, path: string): Promise<number> {
  const env = config.env;
  // People at a terminal get readable lines; pipes, files and log collectors get JSON.
  const interactive = process.stdout.isTTY === true;
  const logger = createLogger({
    level: env.logLevel,
    format: env.logFormat ?? (interactive ? 'pretty' : 'json'),
    colorize: interactive,
    secrets: [
      ...[
        env.slackBotToken,
        env.slackSigningSecret,
        env.slackAppToken,
        env.pagerdutyRoutingKey,
        env.pagerdutyWebhookSecret,
        env.apiToken,
        env.statuspageApiKey,
        env.redisUrl,
      ].filter((s): s is string => typeof s === 'string'),
      ...redisUrlSecrets(env.redisUrl),
      ...Object.values(env.hookTokens ?? {}),
      ...Object.values(env.drillTokens ?? {}),
    ],
  });
  describeMode(config, path, logger);

  let app: App;
  try {
    app = buildApp({ config, logger });
  } catch (err) {
    logger.fatal({ err }, 'could not build the service');
    return 1;
  }
  try {
    await app.start(config.server.port);
  } catch (err) {
    logger.fatal(
      { err, port: config.server.port },
      `could not start: is port ${config.server.port} free? (set server.port or LIFEBOAT_PORT)`,
    );
    await app.stop().catch(() => undefined);
    return 1;
  }
  // The config's parse garbage is unreachable now; collecting it here keeps V8 from sizing the
  // heap after it (see full-gc.ts): what lets RSS at 20,000 checks stay near the live set.
  if (collectGarbageNow()) logger.debug({ heapUsedBytes: process.memoryUsage().heapUsed }, 'start-up garbage collected');
  const base = `http://localhost:${config.server.port}`;
  const urls = [
    ...(config.statuspage.provider === 'builtin' ? [`${base}/status`] : []),
    `${base}/metrics`,
    `${base}/readyz`,
    `${base}/healthz`,
  ];
  logger.info({ urls }, `lifeboat is up: open ${urls.join(' ')}`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down: no new work, finishing what is in flight');
      const limit = setTimeout(() => {
        logger.warn({ limitMs: SHUTDOWN_LIMIT_MS }, 'shutdown limit reached; exiting with work unfinished');
        resolve(0);
      }, SHUTDOWN_LIMIT_MS);
      limit.unref();
      app.stop().then(
        () => {
          clearTimeout(limit);
          logger.info('stopped');
          resolve(0);
        },
        (err: unknown) => {
          clearTimeout(limit);
          logger.error({ err }, 'error while shutting down');
          resolve(0);
        },
      );
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  });
}

/** Says plainly what runs and what is off, so nobody mistakes local mode for production. */
function describeMode(config: Config, path: string, logger: Logger): void {
  const env = config.env;
  const parts = {
    config: path,
    store: env.redisUrl ? 'redis' : 'memory (single replica, lost on restart)',
    slack: env.slackBotToken ? (env.slackAppToken ? 'socket mode' : 'http') : 'off (no SLACK_BOT_TOKEN)',
    pagerduty: env.pagerdutyRoutingKey ? 'on' : 'off (no PAGERDUTY_ROUTING_KEY)',
    statuspage: config.statuspage.provider,
  };
  const local = !env.redisUrl && !env.slackBotToken && !env.pagerdutyRoutingKey;
  logger.info(parts, local ? 'starting in LOCAL MODE: in-memory store, Slack and PagerDuty off' : 'starting');
}
