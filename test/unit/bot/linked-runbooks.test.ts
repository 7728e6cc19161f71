import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { linkedRunbooks } from '../../../src/bot/linked-runbooks.js';
import { parseConfig } from '../../../src/config/parse-config.js';

describe('linkedRunbooks', () => {
  const yaml = readFileSync(new URL('../config/fixtures/spec-example.yaml', import.meta.url), 'utf8');
  const parsed = parseConfig(yaml, {});
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const config = parsed.config;
  it.each([
    ['orders-lag', { failover: ['orders'], restore: [] }],
    ['orders-backups', { failover: [], restore: ['orders'] }],
    ['api', { failover: [], restore: [] }],
  ])('%s links %j', (checkId, links) => {
    expect(linkedRunbooks(config, checkId)).toEqual(links);
  });
});

describe('linkedRunbooks with verify steps', () => {
  it('an incident on a check offers the runbooks whose recovery it verifies, once each', () => {
    const base = readFileSync(new URL('../config/fixtures/spec-example.yaml', import.meta.url), 'utf8');
    const parsed = parseConfig(base, {});
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const { failover, restore } = parsed.config.runbooks;
    const config = {
      ...parsed.config,
      runbooks: {
        failover: {
          ...failover,
          orders: {
            ...(failover.orders as NonNullable<typeof failover.orders>),
            verify: { checks: ['api', 'orders-lag'], withinMs: 600_000 },
          },
        },
        restore: {
          ...restore,
          orders: {
            ...(restore.orders as NonNullable<typeof restore.orders>),
            verify: { checks: ['api', 'orders-backups'], withinMs: 900_000 },
          },
        },
      },
    };
    expect(linkedRunbooks(config, 'api')).toEqual({ failover: ['orders'], restore: ['orders'] });
    expect(linkedRunbooks(config, 'orders-lag')).toEqual({ failover: ['orders'], restore: [] });
    expect(linkedRunbooks(config, 'orders-backups')).toEqual({ failover: [], restore: ['orders'] });
  });
});
