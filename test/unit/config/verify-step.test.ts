import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/parse-config.js';

/** A config with one HTTP check `api`, a lag check, and runbooks whose verify steps are `failover` / `restore`. */
function config(verify: { failover?: string; restore?: string }): string {
  return `
checks:
  - { id: api, type: http, url: "https://api.example.com/health", every: 15s }
  - { id: orders-lag, type: replication-lag, region: us-west-2, metric: ReplicaLag, dimensions: { DBInstanceIdentifier: orders-replica }, thresholds: { SEV2: 300s } }
runbooks:
  failover:
    orders:
      region: us-west-2
      promote: { dbInstance: orders-replica }
${verify.failover ? `      verify: ${verify.failover}\n` : ''}  restore:
    orders:
      region: us-east-1
      dbInstance: orders-db
      instanceClass: db.r6g.large
${verify.restore ? `      verify: ${verify.restore}\n` : ''}`;
}

function errors(yaml: string): string[] {
  const result = parseConfig(yaml, {});
  return result.ok ? [] : result.errors;
}

describe('a runbook verify step in config', () => {
  it('reads checks and within (ms) on failover and restore runbooks; within defaults to 10m', () => {
    const result = parseConfig(config({ failover: '{ checks: [api, orders-lag], within: 90s }', restore: '{ checks: [api] }' }), {});
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.config.runbooks.failover.orders?.verify).toEqual({ checks: ['api', 'orders-lag'], withinMs: 90_000 });
    expect(result.config.runbooks.restore.orders?.verify).toEqual({ checks: ['api'], withinMs: 600_000 });
    expect(result.config.runbooks.restore.orders?.overrides).toEqual({});
  });

  it.each([
    [
      { failover: '{ checks: [apii] }' },
      'runbooks.failover.orders.verify.checks[0]: "apii" is not a check id (did you mean "api"?); known checks: api, orders-lag',
    ],
    [
      { restore: '{ checks: [api, web] }' },
      'runbooks.restore.orders.verify.checks[1]: "web" is not a check id; known checks: api, orders-lag',
    ],
    [{ failover: '{ checks: [api], within: 3h }' }, 'runbooks.failover.orders.verify.within: must be at most 2h'],
    [{ failover: '{ checks: [] }' }, 'runbooks.failover.orders.verify.checks: name at least one check (e.g. checks: [api])'],
    [{ failover: '{ checks: [api, api] }' }, 'runbooks.failover.orders.verify.checks: names a check twice'],
    [{ restore: '{ checks: [api], within: soon }' }, 'runbooks.restore.orders.verify.within'],
  ])('refuses %o, naming the field: %s', (verify, line) => {
    expect(errors(config(verify)).join('\n')).toContain(line);
  });

  it('refuses an unknown key in verify', () => {
    expect(errors(config({ failover: '{ checks: [api], timeout: 5m }' })).join('\n')).toContain('runbooks.failover.orders.verify.timeout');
  });
});
