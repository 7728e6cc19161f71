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
        'drills.c.restore: required: the restore runbook to drill (runbooks.restore.<name>), or multiAzFailover: { dbInstance | dbCluster }',
        expect.stringMatching(/^drills\.d\.validate\.webhook\.url: "ftp:\/\/x" is not an http\(s\) URL/),
        'drills.e.keepFor: must be at most 24h',
        'drills.f.keepFor: 5 is not a duration (use 0s, 15m, 2h)',
      ]),
    );
    expect(errors).toHaveLength(6);
  });

  it('reads Multi-AZ failover drills: an RDS instance with verify and rto, an Aurora cluster with and without a target', () => {
    const result = parseConfig(
      `${RUNBOOKS}checks:
  - { id: api, type: http, url: https://api.example.com/health, every: 30s, severity: SEV2 }
drills:
  orders-multi-az:
    multiAzFailover: { dbInstance: orders-db }
    region: us-east-1
    verify: { checks: [api], within: 5m }
    rto: 3m
  aurora-a: { multiAzFailover: { dbCluster: orders-aurora, targetInstance: orders-aurora-2 }, region: us-west-2 }
  aurora-b: { multiAzFailover: { dbCluster: orders-aurora }, region: us-west-2 }
`,
      {},
    );
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.config.drills).toEqual({
      'orders-multi-az': {
        multiAzFailover: { dbInstance: 'orders-db' },
        region: 'us-east-1',
        verify: { checks: ['api'], withinMs: 300_000 },
        rtoMs: 180_000,
      },
      'aurora-a': { multiAzFailover: { dbCluster: 'orders-aurora', targetInstance: 'orders-aurora-2' }, region: 'us-west-2' },
      'aurora-b': { multiAzFailover: { dbCluster: 'orders-aurora' }, region: 'us-west-2' },
    });
  });

  it('refuses a scheduled Multi-AZ drill (disruptive: on demand with two-person approval only), naming the path', () => {
    expect(
      errorsOf(`${RUNBOOKS}drills:\n  az: { multiAzFailover: { dbInstance: orders-db }, region: us-east-1, schedule: "0 3 * * 1" }\n`),
    ).toEqual([
      'drills.az.schedule: a Multi-AZ failover drill is disruptive (writes stop while the database fails over), so it only runs on demand (/dr drill) with two-person approval and typed confirmation: remove schedule',
    ]);
  });

  it('names every other Multi-AZ mistake by its path', () => {
    const errors = errorsOf(
      `${RUNBOOKS}checks:
  - { id: api, type: http, url: https://api.example.com/health, every: 30s, severity: SEV2 }
drills:
  a: { multiAzFailover: { dbInstance: billing-db } }
  b: { multiAzFailover: { dbInstance: orders-db, dbCluster: orders-aurora }, region: us-east-1 }
  c: { multiAzFailover: {}, region: us-east-1 }
  d: { multiAzFailover: { dbInstance: orders-db, targetInstance: x }, region: us-east-1 }
  e: { multiAzFailover: { dbInstance: orders-db }, region: us-east-1, restore: orders }
  f: { multiAzFailover: { dbInstance: orders-db }, region: us-east-1, keepFor: 0s, validate: { webhook: { url: https://x.example.com } } }
  g: { multiAzFailover: { dbInstance: orders-db }, region: us-east-1, verify: { checks: [apii] } }
  h: { multiAzFailover: { dbInstance: orders-db }, region: mars }
  i: { restore: orders, region: us-east-1, verify: { checks: [api] } }
  j: { multiAzFailover: { dbInstance: orders-db, standby: yes }, region: us-east-1 }
`,
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        'drills.a.region: required: no backup check, replication-lag check, restore or failover runbook names billing-db, so its region cannot be inferred; give region',
        'drills.b.multiAzFailover: give exactly one of dbInstance (an RDS Multi-AZ instance) or dbCluster (an Aurora cluster)',
        'drills.c.multiAzFailover: give exactly one of dbInstance (an RDS Multi-AZ instance) or dbCluster (an Aurora cluster)',
        'drills.d.multiAzFailover.targetInstance: only an Aurora drill (dbCluster) has a target instance; an RDS Multi-AZ instance fails over to its standby',
        'drills.e.restore: a drill is either a restore drill (restore) or a Multi-AZ failover drill (multiAzFailover), not both',
        'drills.f.validate: only restore drills have validate; a Multi-AZ failover drill checks recovery with verify: { checks: [...], within }',
        'drills.f.keepFor: only restore drills have keepFor; a Multi-AZ failover drill checks recovery with verify: { checks: [...], within }',
        'drills.g.verify.checks[0]: "apii" is not a check id (did you mean "api"?); known checks: api',
        expect.stringMatching(/^drills\.h\.region: /),
        'drills.i.region: only Multi-AZ failover drills have region; a restore drill takes both from its runbook and checks the restored database with validate',
        'drills.i.verify: only Multi-AZ failover drills have verify; a restore drill takes both from its runbook and checks the restored database with validate',
        expect.stringMatching(/^drills\.j\.multiAzFailover.*standby/),
      ]),
    );
    expect(errors).toHaveLength(12);
  });

  describe('a Multi-AZ drill without region takes the region of the entries naming its database', () => {
    const drillOf = (yaml: string, target: string) => {
      const result = parseConfig(`${yaml}drills:\n  az: { multiAzFailover: ${target} }\n`, {});
      if (!result.ok) throw new Error(result.errors.join('\n'));
      return result.config.drills?.az;
    };
    it.each([
      ['a restore runbook (SPEC §3)', RUNBOOKS, '{ dbInstance: orders-db }', 'us-east-1'],
      [
        'a backup check, ids compared as RDS does (case-insensitively)',
        'checks:\n  - { id: b, type: backup, region: eu-west-1, dbCluster: Orders-Aurora, maxAge: 26h }\n',
        '{ dbCluster: orders-aurora }',
        'eu-west-1',
      ],
      [
        'a replication-lag check dimension',
        'checks:\n  - { id: l, type: replication-lag, region: us-west-2, metric: ReplicaLag, dimensions: { DBInstanceIdentifier: orders-replica }, thresholds: { SEV2: 60s } }\n',
        '{ dbInstance: orders-replica }',
        'us-west-2',
      ],
      [
        'a failover runbook promoting it',
        'runbooks:\n  failover:\n    orders: { region: us-west-2, promote: { dbInstance: orders-replica } }\n',
        '{ dbInstance: orders-replica }',
        'us-west-2',
      ],
      [
        'a failover runbook moving the writer in it',
        'runbooks:\n  failover:\n    aurora: { region: eu-central-1, promote: { failoverCluster: orders-aurora, targetInstance: orders-aurora-2 } }\n',
        '{ dbCluster: orders-aurora }',
        'eu-central-1',
      ],
    ])('from %s', (_name, yaml, target, region) => {
      expect(drillOf(yaml, target)).toEqual({ multiAzFailover: expect.any(Object), region });
    });

    const DISAGREE = `${RUNBOOKS}checks:\n  - { id: b, type: backup, region: us-west-2, dbInstance: orders-db, maxAge: 26h }\n`;
    it('refuses when the entries naming it disagree, naming them; an explicit region settles it', () => {
      expect(errorsOf(`${DISAGREE}drills:\n  az: { multiAzFailover: { dbInstance: orders-db } }\n`)).toEqual([
        'drills.az.region: required: the entries naming orders-db disagree on its region (us-west-2 in checks[0], us-east-1 in runbooks.restore.orders), so it cannot be inferred; give region',
      ]);
      expect(drillOf(DISAGREE, '{ dbInstance: orders-db }, region: us-west-2')).toMatchObject({ region: 'us-west-2' });
    });

    it('does not look at an instance for a cluster drill, or the other way round', () => {
      expect(errorsOf(`${RUNBOOKS}drills:\n  az: { multiAzFailover: { dbCluster: orders-db } }\n`)).toEqual([
        expect.stringMatching(/^drills\.az\.region: required: no backup check, .* names orders-db, so its region cannot be inferred/),
      ]);
    });
  });
});
