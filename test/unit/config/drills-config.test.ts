import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/parse-config.js';

const RUNBOOKS = `runbooks:
  restore:
    orders: { region: us-east-1, dbInstance: orders-db, instanceClass: db.r6g.large }
`;

function errorsOf(yaml: string): string[] {
  const result = parseConfig(yaml, {});
  return result.ok ? [] : result.errors;
}

describe('drills config', () => {
  it('reads a restore drill with its schedule, webhook, keepFor and rto (durations in ms)', () => {
    const result = parseConfig(
      `${RUNBOOKS}drills:
  orders-restore:
    restore: orders
    schedule: "0 3 * * 1"
    validate: { webhook: { url: https://ops.example.com/validate, timeout: 2m } }
    keepFor: 10m
    rto: 30m
  orders-quick: { restore: orders, keepFor: 0s }
`,
      {},
    );
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.config.drills).toEqual({
      'orders-restore': {
        restore: 'orders',
        schedule: '0 3 * * 1',
        validate: { webhook: { url: 'https://ops.example.com/validate', timeoutMs: 120_000 } },
        keepForMs: 600_000,
        rtoMs: 1_800_000,
      },
      'orders-quick': { restore: 'orders', keepForMs: 0 },
    });
  });

  it('leaves drills out of a config without them', () => {
    const result = parseConfig(RUNBOOKS, {});
    expect(result.ok && result.config.drills).toBe(undefined);
  });

  it('names an unknown runbook, with a suggestion and the known ones', () => {
    expect(errorsOf(`${RUNBOOKS}drills:\n  d: { restore: order }\n`)).toEqual([
      'drills.d.restore: "order" is not a restore runbook (did you mean "orders"?); restore runbooks: orders',
    ]);
    expect(errorsOf('drills:\n  d: { restore: orders }\n')).toEqual([
      'drills.d.restore: "orders" is not a restore runbook; no restore runbooks are configured',
    ]);
  });

  it('refuses a bad cron, a bad name, a missing restore and a bad webhook', () => {
    const errors = errorsOf(
      `${RUNBOOKS}drills:
  a: { restore: orders, schedule: "every monday" }
  Bad Name: { restore: orders }
  c: { keepFor: 0s }
  d: { restore: orders, validate: { webhook: { url: "ftp://x" } } }
  e: { restore: orders, keepFor: 2d }
  f: { restore: orders, keepFor: 5 }
`,
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^drills\.a\.schedule: "every monday" is not a cron expression/),
        expect.stringMatching(/^drills\["Bad Name"\]: "Bad Name" is not a valid runbook name/),
        'drills.c.restore: required: the restore runbook to drill (runbooks.restore.<name>)',
        expect.stringMatching(/^drills\.d\.validate\.webhook\.url: "ftp:\/\/x" is not an http\(s\) URL/),
        'drills.e.keepFor: must be at most 24h',
        'drills.f.keepFor: 5 is not a duration (use 0s, 15m, 2h)',
      ]),
    );
    expect(errors).toHaveLength(6);
  });

  it('refuses a multiAzFailover drill as not supported yet', () => {
    expect(errorsOf(`${RUNBOOKS}drills:\n  az: { multiAzFailover: { dbInstance: orders-db } }\n`)).toEqual([
      'drills.az.multiAzFailover: Multi-AZ failover drills are not supported yet: only restore drills (restore: <restore runbook>) run in this version',
    ]);
  });
});
