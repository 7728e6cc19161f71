import { z } from 'zod';
import { closestMatch } from './closest-match.js';
import type { ConfigPath } from './config-issue.js';

/** Key names that hold secrets, normalised (lowercase, no separators), by config section. */
const SECRET_KEYS: Record<string, Record<string, string | undefined>> = {
  slack: {
    token: 'SLACK_BOT_TOKEN',
    bottoken: 'SLACK_BOT_TOKEN',
    apptoken: 'SLACK_APP_TOKEN',
    signingsecret: 'SLACK_SIGNING_SECRET',
    secret: 'SLACK_SIGNING_SECRET',
  },
  pagerduty: {
    routingkey: 'PAGERDUTY_ROUTING_KEY',
    integrationkey: 'PAGERDUTY_ROUTING_KEY',
    apikey: 'PAGERDUTY_ROUTING_KEY',
    token: 'PAGERDUTY_ROUTING_KEY',
  },
  statuspage: { apikey: 'STATUSPAGE_API_KEY', token: 'STATUSPAGE_API_KEY' },
  '*': {
    bottoken: 'SLACK_BOT_TOKEN',
    apptoken: 'SLACK_APP_TOKEN',
    signingsecret: 'SLACK_SIGNING_SECRET',
    routingkey: 'PAGERDUTY_ROUTING_KEY',
    redisurl: 'REDIS_URL',
    token: undefined,
    apikey: undefined,
    secret: undefined,
    password: undefined,
  },
};

/** The environment variable a secret-looking key belongs in; null when the key is not secret-looking. */
function secretVariable(path: ConfigPath, key: string): string | null | undefined {
  const normalised = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  const section = SECRET_KEYS[String(path[0])];
  if (section && path.length === 2 && normalised in section) return section[normalised];
  const anywhere = SECRET_KEYS['*'] ?? {};
  return normalised in anywhere ? anywhere[normalised] : null;
}

/** The message for a key that is not part of the schema at `path` (the path ends with the key). */
export function unknownFieldMessage(path: ConfigPath, known: readonly string[]): string {
  const key = String(path[path.length - 1]);
  const variable = secretVariable(path, key);
  if (variable !== null) {
    return variable
      ? `secrets belong in the environment, not in the config file: remove this and set ${variable}`
      : 'secrets belong in the environment, not in the config file: remove this';
  }
  const suggestion = closestMatch(key, known);
  return suggestion ? `unknown field (did you mean "${suggestion}"?)` : `unknown field (known: ${known.join(', ')})`;
}

export interface StrictObjectOptions {
  /** Replaces the default "unknown field" message, e.g. for maps keyed by severity. */
  unknownKey?: (key: string) => string;
}

/**
 * z.object that rejects every key not in `shape`, one issue per key at the key's own path
 * (z.strictObject reports them all at once on the parent), with a did-you-mean suggestion.
 */
export function strictObject<Shape extends z.ZodRawShape>(shape: Shape, options: StrictObjectOptions = {}) {
  const known = Object.keys(shape);
  const unknownKey = z.custom<unknown>(() => false, {
    error: (issue) => {
      const path = issue.path ?? [];
      return options.unknownKey ? options.unknownKey(String(path[path.length - 1])) : unknownFieldMessage(path, known);
    },
  });
  return z.object(shape).catchall(unknownKey);
}
