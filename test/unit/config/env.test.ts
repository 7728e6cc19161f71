import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/parse-config.js';
import type { EnvConfig } from '../../../src/config/types.js';

const FILE = 'slack: { channel: C0INCIDENTS, approvers: [U0BBB] }\nstatuspage: { provider: builtin }\n';

function envOf(env: Record<string, string | undefined>): EnvConfig {
  const result = parseConfig(FILE, env);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config.env;
}

function errorsOf(env: Record<string, string | undefined>, file = FILE): string[] {
  const result = parseConfig(file, env);
  return result.ok ? [] : result.errors;
}

describe('environment: values', () => {
  it('defaults every endpoint and the log level when nothing is set', () => {
    expect(envOf({})).toStrictEqual({
      slackApiUrl: 'https://slack.com/api/',
      pagerdutyEventsUrl: 'https://events.pagerduty.com',
      statuspageApiUrl: 'https://api.statuspage.io/v1',
      logLevel: 'info',
    });
  });

  it('accepts any non-empty LIFEBOAT_API_TOKEN, a short one included (SPEC §2 sets no length; start-up warns)', () => {
    expect(envOf({ LIFEBOAT_API_TOKEN: 'x' }).apiToken).toBe('x');
    expect(envOf({ LIFEBOAT_API_TOKEN: '  ' }).apiToken).toBeUndefined(); // blank reads as unset: the route stays off
  });

  it('reads secrets and endpoints, normalising trailing slashes and the log level case', () => {
    expect(
      envOf({
        SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
        SLACK_SIGNING_SECRET: 'sign',
        SLACK_API_URL: 'http://127.0.0.1:4010/api',
        PAGERDUTY_ROUTING_KEY: 'routing',
        PAGERDUTY_EVENTS_URL: 'https://events.eu.pagerduty.com/',
        STATUSPAGE_API_KEY: 'sp',
        STATUSPAGE_API_URL: 'http://127.0.0.1:4011/v1/',
        REDIS_URL: 'rediss://:pw@redis.internal:6380/0',
        LOG_LEVEL: 'DEBUG',
      }),
    ).toStrictEqual({
      slackBotToken: 'xoxb-1-2-abc',
      slackSigningSecret: 'sign',
      slackApiUrl: 'http://127.0.0.1:4010/api/',
      pagerdutyRoutingKey: 'routing',
      pagerdutyEventsUrl: 'https://events.eu.pagerduty.com',
      statuspageApiKey: 'sp',
      statuspageApiUrl: 'http://127.0.0.1:4011/v1',
      redisUrl: 'rediss://:pw@redis.internal:6380/0',
      logLevel: 'debug',
    });
  });

  it('treats an empty variable as unset and trims whitespace (secrets mounted from files end in a newline)', () => {
    expect(envOf({ SLACK_BOT_TOKEN: '', REDIS_URL: '  ', PAGERDUTY_ROUTING_KEY: 'routing\n' })).toStrictEqual({
      pagerdutyRoutingKey: 'routing',
      slackApiUrl: 'https://slack.com/api/',
      pagerdutyEventsUrl: 'https://events.pagerduty.com',
      statuspageApiUrl: 'https://api.statuspage.io/v1',
      logLevel: 'info',
    });
  });

  it('accepts Socket Mode (bot + app token) without a signing secret', () => {
    expect(envOf({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' })).toMatchObject({ slackAppToken: 'xapp-1' });
  });
});

describe('environment: error lines', () => {
  it.each([
    [
      { PAGERDUTY_EVENTS_URL: 'http://events.pagerduty.com' },
      'env.PAGERDUTY_EVENTS_URL: must be an https URL such as https://events.eu.pagerduty.com, got "http://events.pagerduty.com"',
    ],
    [
      { PAGERDUTY_EVENTS_URL: 'https://events.pagerduty.com/v2/enqueue' },
      'env.PAGERDUTY_EVENTS_URL: give the base URL only: /v2/enqueue is appended, e.g. https://events.pagerduty.com',
    ],
    [
      { SLACK_API_URL: 'slack.com/api' },
      'env.SLACK_API_URL: must be an https or http URL such as https://slack.com/api/, got "slack.com/api"',
    ],
    [
      { STATUSPAGE_API_URL: 'ftp://x' },
      'env.STATUSPAGE_API_URL: must be an https or http URL such as https://api.statuspage.io/v1, got "ftp://x"',
    ],
    [{ LIFEBOAT_PORT: '80a' }, 'env.LIFEBOAT_PORT: "80a" is not a port (use a whole number 1-65535)'],
    [{ LIFEBOAT_PORT: '65536' }, 'env.LIFEBOAT_PORT: "65536" is not a port (use a whole number 1-65535)'],
    [{ LOG_LEVEL: 'verbose' }, 'env.LOG_LEVEL: "verbose" is not one of fatal, error, warn, info, debug, trace, silent'],
    [
      { REDIS_URL: 'localhost:6379' },
      'env.REDIS_URL: must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379 (value not shown)',
    ],
    [
      { SLACK_BOT_TOKEN: 'xoxp-user-token', SLACK_SIGNING_SECRET: 's' },
      'env.SLACK_BOT_TOKEN: must be a bot token starting with xoxb-; this value is a user token (xoxp-…)',
    ],
    [
      { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-2' },
      'env.SLACK_APP_TOKEN: must be an app-level token starting with xapp-; this value is a bot token (xoxb-…), which belongs in SLACK_BOT_TOKEN',
    ],
    [
      { SLACK_BOT_TOKEN: 'xoxb-1' },
      'env.SLACK_SIGNING_SECRET: required when SLACK_BOT_TOKEN is set (it verifies every request from Slack); or set SLACK_APP_TOKEN for Socket Mode',
    ],
    [
      { SLACK_APP_TOKEN: 'xapp-1' },
      'env.SLACK_BOT_TOKEN: required when SLACK_APP_TOKEN is set (Socket Mode still posts with the bot token)',
    ],
  ])('%j -> one line', (env, line) => {
    expect(errorsOf(env)).toStrictEqual([line]);
  });

  it('never echoes a secret value, whichever variable or field it lands in', () => {
    const secrets = {
      SLACK_BOT_TOKEN: 'xapp-SECRET-app-token-1',
      SLACK_APP_TOKEN: 'xoxb-SECRET-bot-token-2',
      REDIS_URL: 'http://admin:SECRET-redis-pw@redis:6379',
      PAGERDUTY_EVENTS_URL: 'http://user:SECRET-proxy-pw@proxy:8080',
    };
    const file = 'slack: { channel: "xoxb-SECRET-pasted-token", approvers: [U0BBB] }\npagerduty: { routingKey: SECRET-routing }\n';
    const errors = errorsOf(secrets, file);
    expect(errors.length).toBeGreaterThanOrEqual(5);
    for (const line of errors) expect(line).not.toMatch(/SECRET/);
  });
});
