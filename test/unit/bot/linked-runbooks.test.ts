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
