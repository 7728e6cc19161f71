import { z } from 'zod';
import type { EnvConfig } from './types.js';
import { LOG_FORMATS, LOG_LEVELS } from './types.js';
import { describeValue } from './describe-value.js';

/** The variables Lifeboat reads, in the order their problems are reported. */
export const ENV_VARIABLES = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'SLACK_API_URL',
  'PAGERDUTY_ROUTING_KEY',
  'PAGERDUTY_EVENTS_URL',
  'PAGERDUTY_WEBHOOK_SECRET',
  'LIFEBOAT_API_TOKEN',
  'STATUSPAGE_API_KEY',
  'STATUSPAGE_API_URL',
  'REDIS_URL',
  'LIFEBOAT_PORT',
  'LOG_LEVEL',
  'LOG_FORMAT',
] as const;
export type EnvVariable = (typeof ENV_VARIABLES)[number];

/** Shorter LIFEBOAT_API_TOKENs are accepted with a warning at start: a word or a short code can be guessed. */
export const MIN_API_TOKEN_CHARS = 24;

/** What the environment contributes to the config: `env`, and the port override. */
export interface EnvSettings {
  env: EnvConfig;
  /** LIFEBOAT_PORT, overriding server.port. */
  port?: number;
}

/**
 * The variables Lifeboat reads, trimmed (a secret mounted from a file often ends in a newline),
 * with empty ones dropped: `SLACK_BOT_TOKEN=` means unset.
 */
export function cleanEnv(env: Record<string, string | undefined>): Partial<Record<EnvVariable, string>> {
  const cleaned: Partial<Record<EnvVariable, string>> = {};
  for (const name of ENV_VARIABLES) {
    const value = env[name]?.trim();
    if (value) cleaned[name] = value;
  }
  return cleaned;
}

/** The kind of Slack token a value is, by prefix only: never the value itself. */
function slackTokenKind(value: string): string {
  if (value.startsWith('xoxb-')) return 'a bot token (xoxb-…), which belongs in SLACK_BOT_TOKEN';
  if (value.startsWith('xapp-')) return 'an app-level token (xapp-…), which belongs in SLACK_APP_TOKEN';
  if (value.startsWith('xoxp-')) return 'a user token (xoxp-…)';
  return 'not a Slack token';
}

/** A secret with a known prefix; the message names what the value looks like, never the value. */
function slackToken(prefix: string, what: string) {
  return z.string().superRefine((value, ctx) => {
    if (!value.startsWith(prefix)) {
      ctx.addIssue({ code: 'custom', message: `must be ${what} starting with ${prefix}; this value is ${slackTokenKind(value)}` });
    }
  });
}

/** A URL shown in an error line without any user:password part. */
function shownUrl(value: string): string {
  return describeValue(value.replace(/\/\/[^/@]*@/, '//…@'));
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** A base URL, normalised to end with `/` (`trailingSlash`) or without one. */
function baseUrl(protocols: readonly string[], example: string, trailingSlash: boolean) {
  const accepted = protocols.map((p) => p.replace(':', '')).join(' or ');
  return z.string().transform((value, ctx) => {
    const url = parseUrl(value);
    if (!url || !protocols.includes(url.protocol) || url.hostname === '') {
      ctx.addIssue({ code: 'custom', message: `must be an ${accepted} URL such as ${example}, got ${shownUrl(value)}` });
      return z.NEVER;
    }
    const bare = value.replace(/\/+$/, '');
    return trailingSlash ? `${bare}/` : bare;
  });
}

const pagerdutyEventsUrl = baseUrl(['https:'], 'https://events.eu.pagerduty.com', false).superRefine((value, ctx) => {
  if (value.endsWith('/v2/enqueue')) {
    ctx.addIssue({ code: 'custom', message: 'give the base URL only: /v2/enqueue is appended, e.g. https://events.pagerduty.com' });
  }
});

const redisUrl = z.string().superRefine((value, ctx) => {
  const protocol = parseUrl(value)?.protocol;
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    // never shown: a Redis URL may carry a password
    ctx.addIssue({ code: 'custom', message: 'must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379 (value not shown)' });
  }
});

const lifeboatPort = z.string().transform((value, ctx) => {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 1 && port <= 65_535)) {
    ctx.addIssue({ code: 'custom', message: `${describeValue(value)} is not a port (use a whole number 1-65535)` });
    return z.NEVER;
  }
  return port;
});

const logLevel = z.string().transform((value, ctx) => {
  const level = LOG_LEVELS.find((l) => l === value.toLowerCase());
  if (!level) {
    ctx.addIssue({ code: 'custom', message: `${describeValue(value)} is not one of ${LOG_LEVELS.join(', ')}` });
    return z.NEVER;
  }
  return level;
});

const logFormat = z.string().transform((value, ctx) => {
  const format = LOG_FORMATS.find((f) => f === value.toLowerCase());
  if (!format) {
    ctx.addIssue({ code: 'custom', message: `${describeValue(value)} is not one of ${LOG_FORMATS.join(', ')}` });
    return z.NEVER;
  }
  return format;
});

/** The environment, variable by variable; relations (bot token needs a signing secret...) are in config-rules. */
export const envSchema = z
  .object({
    SLACK_BOT_TOKEN: slackToken('xoxb-', 'a bot token').optional(),
    SLACK_SIGNING_SECRET: z.string().optional(),
    SLACK_APP_TOKEN: slackToken('xapp-', 'an app-level token').optional(),
    SLACK_API_URL: baseUrl(['https:', 'http:'], 'https://slack.com/api/', true).default('https://slack.com/api/'),
    PAGERDUTY_ROUTING_KEY: z.string().optional(),
    PAGERDUTY_EVENTS_URL: pagerdutyEventsUrl.default('https://events.pagerduty.com'),
    PAGERDUTY_WEBHOOK_SECRET: z.string().optional(),
    // Any non-empty token (SPEC §2); a short one only draws a warning at start (timeline-route.ts).
    LIFEBOAT_API_TOKEN: z.string().optional(),
    STATUSPAGE_API_KEY: z.string().optional(),
    STATUSPAGE_API_URL: baseUrl(['https:', 'http:'], 'https://api.statuspage.io/v1', false).default('https://api.statuspage.io/v1'),
    REDIS_URL: redisUrl.optional(),
    LIFEBOAT_PORT: lifeboatPort.optional(), // overrides server.port
    LOG_LEVEL: logLevel.default('info'),
    LOG_FORMAT: logFormat.optional(), // absent: pretty on a terminal, JSON otherwise
  })
  .transform(
    (e): EnvSettings => ({
      env: {
        ...(e.SLACK_BOT_TOKEN !== undefined && { slackBotToken: e.SLACK_BOT_TOKEN }),
        ...(e.SLACK_SIGNING_SECRET !== undefined && { slackSigningSecret: e.SLACK_SIGNING_SECRET }),
        ...(e.SLACK_APP_TOKEN !== undefined && { slackAppToken: e.SLACK_APP_TOKEN }),
        slackApiUrl: e.SLACK_API_URL,
        ...(e.PAGERDUTY_ROUTING_KEY !== undefined && { pagerdutyRoutingKey: e.PAGERDUTY_ROUTING_KEY }),
        pagerdutyEventsUrl: e.PAGERDUTY_EVENTS_URL,
        ...(e.PAGERDUTY_WEBHOOK_SECRET !== undefined && { pagerdutyWebhookSecret: e.PAGERDUTY_WEBHOOK_SECRET }),
        ...(e.LIFEBOAT_API_TOKEN !== undefined && { apiToken: e.LIFEBOAT_API_TOKEN }),
        ...(e.STATUSPAGE_API_KEY !== undefined && { statuspageApiKey: e.STATUSPAGE_API_KEY }),
        statuspageApiUrl: e.STATUSPAGE_API_URL,
        ...(e.REDIS_URL !== undefined && { redisUrl: e.REDIS_URL }),
        logLevel: e.LOG_LEVEL,
        ...(e.LOG_FORMAT !== undefined && { logFormat: e.LOG_FORMAT }),
      },
      ...(e.LIFEBOAT_PORT !== undefined && { port: e.LIFEBOAT_PORT }),
    }),
  );
