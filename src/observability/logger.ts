import { pino, type Logger, type DestinationStream, type LevelWithSilent } from 'pino';
import { prettyFactory } from 'pino-pretty';
import type { LogFormat } from '../config/types.js';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear in a log object. Secrets must never reach logs,
 * even when someone logs a whole config, env or request by mistake.
 */
export const REDACTED_PATHS = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'routingKey',
  'apiKey',
  'password',
  'authorization',
  'Authorization',
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.routingKey',
  '*.apiKey',
  '*.password',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'headers["x-slack-signature"]',
  'req.headers.authorization',
  'req.headers["x-slack-signature"]',
  'env.slackBotToken',
  'env.slackSigningSecret',
  'env.slackAppToken',
  'env.pagerdutyRoutingKey',
  'env.statuspageApiKey',
  'env.redisUrl',
  'env.hookTokens',
  'hookTokens',
  '*.hookTokens',
  '*.env.hookTokens', // a whole config logged: config.env.hookTokens
  'env.drillTokens',
  'drillTokens',
  '*.drillTokens',
  '*.env.drillTokens',
  'routing_key',
  '*.routing_key',
];

/** Deepest a logged object is walked to scrub strings; deeper values are replaced. */
const MAX_SCRUB_DEPTH = 6;

/** Values of these shapes are masked inside free text (messages, error strings) too. */
const SECRET_PATTERNS: RegExp[] = [
  /xox[abposr]-[A-Za-z0-9-]+/g, // Slack bot/user/app tokens
  /xapp-[A-Za-z0-9-]+/g,
  // Password in a Redis URL, up to the last '@' before the host (a password may contain '@').
  /(redis(?:s)?:\/\/[^:@/\s]*:)\S+@/g,
  // A response_url answers as the user for 30 minutes: as good as a token while it lives.
  /https:\/\/hooks\.slack\.com\/[^\s"'\\]+/g,
  /(response_url\\?"?\s*[:=]\s*\\?"?)[^\s"\\,}]+/g,
];

/** Masks token-shaped substrings in a string. */
export function maskSecrets(text: string): string {
  return SECRET_PATTERNS.reduce(
    (masked, pattern) =>
      masked.replace(pattern, (match, prefix?: string) => {
        if (typeof prefix !== 'string' || !match.startsWith(prefix)) return '[Redacted]';
        return match.endsWith('@') ? `${prefix}[Redacted]@` : `${prefix}[Redacted]`;
      }),
    text,
  );
}

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Extra literal secret values to mask wherever they appear (the configured tokens themselves). */
  secrets?: string[];
  destination?: DestinationStream;
  /** `pretty` renders each (already scrubbed) line for a person; default `json`. */
  format?: LogFormat;
  /** Colours in pretty lines (a terminal that supports them). */
  colorize?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const literalSecrets = (options.secrets ?? []).filter((s) => s.length >= 6);
  const scrub = (text: string): string => literalSecrets.reduce((out, secret) => out.split(secret).join('[Redacted]'), maskSecrets(text));
  // Every string at any depth: a secret logged inside a nested object or array must not slip by.
  const scrubDeep = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return scrub(value);
    if (value instanceof Error) return scrubDeep(serializeError(value), depth);
    if (value === null || typeof value !== 'object') return value;
    if (depth >= MAX_SCRUB_DEPTH) return '[Too deep]';
    if (Array.isArray(value)) return value.map((item) => scrubDeep(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = scrubDeep(item, depth + 1);
    return out;
  };
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'lifeboat' },
      redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
      hooks: {
        // Messages and error strings are free text: scrub them as well as structured fields.
        logMethod(args, method) {
          const cleaned = args.map((arg) => (typeof arg === 'string' ? scrub(arg) : arg));
          method.apply(this, cleaned as Parameters<typeof method>);
        },
      },
      formatters: {
        log: (object) => scrubDeep(object, 0) as Record<string, unknown>,
      },
      serializers: {
        // Only what explains the error: clients hang request details on their errors (ioredis puts
        // the AUTH command, password included, in `command.args`).
        err: serializeError,
        error: serializeError,
      },
    },
    // Last line of defence, on the finished JSON line: covers what the hooks above never see
    // (child bindings, values pino serialises itself).
    scrubbingDestination(formatted(options.destination ?? pino.destination({ dest: 1, sync: true }), options), scrub),
  );
}

/**
 * JSON lines as they are, or rendered for a person. Rendering happens after scrubbing (the
 * scrubbing destination wraps this one), so pretty lines carry no secret either.
 */
function formatted(destination: DestinationStream, options: Pick<LoggerOptions, 'format' | 'colorize'>): DestinationStream {
  if (options.format !== 'pretty') return destination;
  const pretty = prettyFactory({ colorize: options.colorize ?? false, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
  return { write: (line: string) => destination.write(pretty(line)) };
}

function scrubbingDestination(destination: DestinationStream, scrub: (text: string) => string): DestinationStream {
  return { write: (line: string) => destination.write(scrub(line)) };
}

function serializeError(err: unknown): unknown {
  // Already reduced by the log formatter (which runs first), or not an error at all.
  if (!(err instanceof Error)) return err;
  const { code, cause } = err as Error & { code?: unknown; cause?: unknown };
  return {
    type: err.name,
    message: err.message,
    ...(err.stack ? { stack: err.stack } : {}),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(cause instanceof Error ? { cause: { type: cause.name, message: cause.message } } : {}),
  };
}

/** Literal secrets in a Redis URL (its password and user name), to mask wherever they appear. */
export function redisUrlSecrets(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const parsed = new URL(url);
    return [parsed.password, parsed.username]
      .map((part) => decodeURIComponent(part))
      .filter((part) => part.length > 0 && part !== 'default');
  } catch {
    return [];
  }
}

/** A logger that writes nothing, for tests and benches. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
