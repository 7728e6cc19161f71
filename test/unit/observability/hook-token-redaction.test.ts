import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/parse-config.js';
import { createLogger } from '../../../src/observability/logger.js';

const TOKEN = 'plain-hook-token-without-a-known-shape-42';

function capture(secrets: string[] = []) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', secrets, destination }), output: () => lines.join('') };
}

describe('hook tokens in logs', () => {
  it('a logged config (env included) shows no hook token: env.hookTokens is a redacted path', () => {
    const result = parseConfig(
      'runbooks:\n  failover:\n    orders:\n      region: us-west-2\n      promote: { dbInstance: r }\n      hooks: [{ name: scale, url: "https://ops.example.com/scale" }]\n',
      { LIFEBOAT_HOOK_SCALE_TOKEN: TOKEN },
    );
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.config.env.hookTokens).toEqual({ LIFEBOAT_HOOK_SCALE_TOKEN: TOKEN });
    const { logger, output } = capture();
    logger.info({ config: result.config }, 'config');
    logger.info({ env: result.config.env }, 'env');
    logger.info({ hookTokens: result.config.env.hookTokens }, 'tokens');
    expect(output()).not.toContain(TOKEN);
    expect(output()).toContain('[Redacted]');
  });

  it('a token value given as a secret (as lifeboat start does) is masked inside free text too', () => {
    const { logger, output } = capture([TOKEN]);
    logger.error({ err: new Error(`hook said: bad token ${TOKEN}`) }, `answer echoed ${TOKEN}`);
    expect(output()).not.toContain(TOKEN);
  });
});

describe('drill webhook tokens in logs', () => {
  it('a logged config shows no drill token: env.drillTokens is a redacted path', () => {
    const result = parseConfig(
      [
        'runbooks: { restore: { orders: { region: us-east-1, dbInstance: orders-db, instanceClass: db.r6g.large } } }',
        'drills: { orders-restore: { restore: orders, validate: { webhook: { url: "https://ops.example.com/validate" } } } }',
      ].join('\n'),
      { LIFEBOAT_DRILL_ORDERS_RESTORE_TOKEN: ` ${TOKEN}\n` },
    );
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.config.env.drillTokens).toEqual({ LIFEBOAT_DRILL_ORDERS_RESTORE_TOKEN: TOKEN });
    const { logger, output } = capture();
    logger.info({ config: result.config }, 'config');
    logger.info({ env: result.config.env }, 'env');
    expect(output()).not.toContain(TOKEN);
    expect(output()).toContain('[Redacted]');
  });
});
