import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskSecrets, redisUrlSecrets } from '../../../src/observability/logger.js';

function capture(secrets: string[] = [], format: 'json' | 'pretty' = 'json') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ level: 'debug', secrets, destination, format });
  return { logger, output: () => lines.join('') };
}

const BOT_TOKEN = 'xoxb-1234567890-abcdefghijkl';
const APP_TOKEN = 'xapp-1-A0000-1234-abcdef';
const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdef012345';

describe('createLogger never writes a secret', () => {
  it('redacts secret fields wherever they sit in a logged object', () => {
    const { logger, output } = capture();
    logger.info(
      {
        env: {
          slackBotToken: BOT_TOKEN,
          slackSigningSecret: SIGNING_SECRET,
          pagerdutyRoutingKey: ROUTING_KEY,
          redisUrl: 'redis://:hunter22@redis:6379',
        },
      },
      'config',
    );
    logger.info({ headers: { authorization: 'OAuth sp-key-123456' }, apiKey: 'sp-key-123456' }, 'request');
    const text = output();
    for (const secret of [BOT_TOKEN, SIGNING_SECRET, ROUTING_KEY, 'hunter22', 'sp-key-123456']) expect(text).not.toContain(secret);
    expect(text).toContain('[Redacted]');
  });

  it('masks token-shaped strings and Redis passwords inside messages', () => {
    const { logger, output } = capture();
    logger.warn(`Slack rejected ${BOT_TOKEN} and ${APP_TOKEN}`);
    logger.warn('cannot reach redis://default:s3cretpw@10.0.0.5:6379/0');
    logger.warn({ reason: `invalid_auth for ${BOT_TOKEN}` }, 'slack auth failed');
    const text = output();
    expect(text).not.toContain(BOT_TOKEN);
    expect(text).not.toContain(APP_TOKEN);
    expect(text).not.toContain('s3cretpw');
    expect(text).toContain('redis://default:[Redacted]@10.0.0.5:6379/0');
  });

  it('masks the configured secret values inside messages and error stacks', () => {
    const { logger, output } = capture([SIGNING_SECRET, ROUTING_KEY]);
    logger.error({ err: new Error(`signature mismatch with secret ${SIGNING_SECRET}`) }, `paging with ${ROUTING_KEY} failed`);
    const text = output();
    expect(text).not.toContain(SIGNING_SECRET);
    expect(text).not.toContain(ROUTING_KEY);
    expect(text).toContain('signature mismatch with secret [Redacted]');
  });
});

describe('createLogger scrubs secrets wherever they sit', () => {
  it('at any depth, in arrays, in child bindings, and under snake_case keys', () => {
    const { logger, output } = capture([ROUTING_KEY]);
    logger.info({ config: { env: { nested: { token: 'x', value: BOT_TOKEN } } }, list: [`key ${ROUTING_KEY}`] }, 'dump');
    logger.child({ binding: BOT_TOKEN }).info({ routing_key: 'plain-value-123' }, 'child');
    const text = output();
    expect(text).not.toContain(BOT_TOKEN);
    expect(text).not.toContain(ROUTING_KEY);
    expect(text).not.toContain('plain-value-123');
  });

  it("keeps only an error's type, message, stack and code: a client's request details never reach the log", () => {
    const { logger, output } = capture();
    const err = Object.assign(new Error('WRONGPASS invalid username-password pair'), {
      code: 'WRONGPASS',
      command: { name: 'auth', args: ['Hunter2-rotated'] },
    });
    logger.error({ err }, 'redis refused');
    logger.error({ error: err }, 'logged under error');
    const text = output();
    expect(text).not.toContain('Hunter2-rotated');
    expect(text).toContain('"code":"WRONGPASS"');
    expect(text).toContain('"message":"WRONGPASS invalid username-password pair"');
  });
});

describe('maskSecrets and redisUrlSecrets', () => {
  it('masks a Redis password that contains @', () => {
    expect(maskSecrets('cannot reach redis://:p@ssW0rd@redis.internal:6379/0')).toBe(
      'cannot reach redis://:[Redacted]@redis.internal:6379/0',
    );
  });

  it('masks response_urls, which act as the user for 30 minutes', () => {
    expect(maskSecrets('got {"response_url":"https://hooks.slack.com/commands/T1/42/abc","text":"ack"}')).toBe(
      'got {"response_url":"[Redacted]","text":"ack"}',
    );
    expect(maskSecrets('respond to https://hooks.slack.com/actions/T1/9/xyz now')).toBe('respond to [Redacted] now');
    expect(maskSecrets('{\\"response_url\\":\\"https://hooks.slack.test/commands/1\\"}')).toBe('{\\"response_url\\":\\"[Redacted]\\"}');
  });

  it("lists a Redis URL's password and user name as literal secrets", () => {
    expect(redisUrlSecrets('redis://lifeboat:s3cr%40t@redis:6379')).toEqual(['s3cr@t', 'lifeboat']);
    expect(redisUrlSecrets('redis://127.0.0.1:6379')).toEqual([]);
    expect(redisUrlSecrets(undefined)).toEqual([]);
  });
});

describe('pretty logs, for a person at a terminal', () => {
  it('renders level, message and fields as a readable line, not JSON', () => {
    const { logger, output } = capture([], 'pretty');
    logger.info({ incidentId: 'INC-4', checkId: 'api' }, 'INC-4 opened: api SEV2');
    const text = output();
    expect(text).toMatch(/INFO.*INC-4 opened: api SEV2/);
    expect(text).toContain('incidentId: "INC-4"');
    expect(text.trimStart().startsWith('{')).toBe(false);
    expect(text).not.toContain('"msg"');
  });

  it('carries no secret either: lines are scrubbed before they are rendered', () => {
    const { logger, output } = capture([SIGNING_SECRET], 'pretty');
    logger.info(
      { env: { slackBotToken: BOT_TOKEN }, headers: { authorization: 'Bearer abcdef123456' } },
      `secret ${SIGNING_SECRET} and ${APP_TOKEN}`,
    );
    logger.error({ err: new Error(`cannot reach redis://default:s3cretpw@10.0.0.5:6379`) }, 'store down');
    const text = output();
    for (const secret of [BOT_TOKEN, APP_TOKEN, SIGNING_SECRET, 'abcdef123456', 's3cretpw']) expect(text).not.toContain(secret);
    expect(text).toContain('[Redacted]');
  });
});
