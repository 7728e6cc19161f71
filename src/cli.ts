import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { buildApp, type App } from './app.js';
import { configJsonSchema } from './config/config-json-schema.js';
import { loadConfig, resolveConfigPath } from './config/load-config.js';
import type { Config } from './config/types.js';
import { createLogger, redisUrlSecrets, type Logger } from './observability/logger.js';

const USAGE = `usage: lifeboat <command> [--config FILE]

commands:
  start          run the service: HTTP server, monitor, Slack bot
  check-config   validate a config file; exit 0 when valid, else 1 with one line per problem
  schema         print the config file's JSON Schema (for editors: deploy/lifeboat.schema.json)

The config file is --config FILE, else $LIFEBOAT_CONFIG, else ./lifeboat.yaml.`;

/** SPEC: SIGTERM exits 0 within 10 s; leave headroom for the process to exit. */
const SHUTDOWN_LIMIT_MS = 9_000;

interface ParsedArgs {
  command: string | undefined;
  configPath: string | undefined;
  problems: string[];
}

/** Parses `lifeboat <command> [--config FILE]`. */
export function parseArgs(argv: string[]): ParsedArgs {
  const parsed: ParsedArgs = { command: undefined, configPath: undefined, problems: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--config' || arg === '-c') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('-')) parsed.problems.push(`${arg} needs a file path`);
      else parsed.configPath = value;
      i += 1;
    } else if (arg.startsWith('--config=')) {
      parsed.configPath = arg.slice('--config='.length);
    } else if (arg === '--help' || arg === '-h') {
      parsed.command = 'help';
    } else if (arg.startsWith('-')) {
      parsed.problems.push(`unknown option ${arg}`);
    } else if (parsed.command === undefined) {
      parsed.command = arg;
    } else {
      parsed.problems.push(`unexpected argument ${arg}`);
    }
  }
  return parsed;
}

/** Runs the CLI; resolves with the exit code (for `start`, once the service has stopped). */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = parseArgs(argv);
  if (args.problems.length > 0) {
    for (const problem of args.problems) process.stderr.write(`lifeboat: ${problem}\n`);
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (args.command === undefined || args.command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return args.command === 'help' ? 0 : 2;
  }
  if (args.command === 'schema') {
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return 0;
  }
  if (args.command !== 'start' && args.command !== 'check-config') {
    process.stderr.write(`lifeboat: unknown command "${args.command}"\n${USAGE}\n`);
    return 2;
  }

  const path = resolveConfigPath(args.configPath, env);
  const result = await loadConfig({ path, env });
  if (!result.ok) {
    // Exactly one `path.to.field: what is wrong` line per problem (SPEC §1), nothing else.
    for (const line of result.errors) process.stderr.write(`${line}\n`);
    return 1;
  }
  if (args.command === 'check-config') {
    const { config } = result;
    process.stdout.write(
      `${path}: valid (${config.checks.length} checks, ${Object.keys(config.runbooks.failover).length} failover and ${Object.keys(config.runbooks.restore).length} restore runbooks)\n`,
    );
    return 0;
  }
  return start(result.config, path);
}

async function start(config: Config, path: string): Promise<number> {
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

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  // Exit explicitly: a client that failed to close must not keep a stopped service alive.
  process.exit(await main(process.argv.slice(2)));
}
