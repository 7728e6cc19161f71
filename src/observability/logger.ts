import { pino, type Logger, type DestinationStream, type LevelWithSilent } from 'pino';

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
];

/** Values of these shapes are masked inside free text (messages, error strings) too. */
const SECRET_PATTERNS: RegExp[] = [
  /xox[abposr]-[A-Za-z0-9-]+/g, // Slack bot/user/app tokens
  /xapp-[A-Za-z0-9-]+/g,
  /(redis(?:s)?:\/\/[^:@/\s]*:)[^@\s]+@/g, // password in a Redis URL
];

/** Masks token-shaped substrings in a string. */
export function maskSecrets(text: string): string {
  return SECRET_PATTERNS.reduce(
    (masked, pattern) =>
      masked.replace(pattern, (match, prefix?: string) =>
        typeof prefix === 'string' && match.startsWith(prefix) ? `${prefix}[Redacted]@` : '[Redacted]',
      ),
    text,
  );
}

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Extra literal secret values to mask wherever they appear (the configured tokens themselves). */
  secrets?: string[];
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const literalSecrets = (options.secrets ?? []).filter((s) => s.length >= 6);
  const scrub = (text: string): string =>
    literalSecrets.reduce((out, secret) => out.split(secret).join('[Redacted]'), maskSecrets(text));
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
        // Top-level string fields are free text too (a reason, an upstream error message).
        log(object) {
          const scrubbed: Record<string, unknown> = {};
          for (const [key, value] of Object.entries(object)) scrubbed[key] = typeof value === 'string' ? scrub(value) : value;
          return scrubbed;
        },
      },
      serializers: {
        err: (err: unknown) => {
          const serialized = pino.stdSerializers.err(err as Error);
          return { ...serialized, message: scrub(serialized.message ?? ''), stack: scrub(serialized.stack ?? '') };
        },
      },
    },
    options.destination,
  );
}

/** A logger that writes nothing, for tests and benches. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
