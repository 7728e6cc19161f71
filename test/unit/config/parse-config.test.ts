import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/parse-config.js';
import type { Config } from '../../../src/config/types.js';

/** The example from SPEC §3, verbatim. */
const SPEC_EXAMPLE = readFileSync(new URL('./fixtures/spec-example.yaml', import.meta.url), 'utf8');

function valid(yaml: string, env: Record<string, string | undefined> = {}): Config {
  const result = parseConfig(yaml, env);
  if (!result.ok) throw new Error(`expected a valid config, got:\n${result.errors.join('\n')}`);
  return result.config;
}

const DEFAULT_ENV: Config['env'] = {
  slackApiUrl: 'https://slack.com/api/',
  pagerdutyEventsUrl: 'https://events.pagerduty.com',
  statuspageApiUrl: 'https://api.statuspage.io/v1',
  logLevel: 'info',
};

describe('parseConfig on valid configs', () => {
  it('reads the SPEC §3 example into exactly these typed values (durations in ms)', () => {
    const expected: Config = {
      server: { port: 3000 },
      slack: {
        channel: 'C0INCIDENTS',
        command: '/dr',
        operators: ['U0AAA', 'U0BBB', 'U0CCC'],
        approvers: ['U0BBB', 'U0CCC'],
        approvals: 1,
        approvalTtlMs: 900_000,
        archiveChannelsAfterMs: 86_400_000,
        incidentChannels: 'SEV1',
      },
      pagerduty: { pageAt: 'SEV2', escalateUnackedAfterMs: 900_000 },
      statuspage: { provider: 'builtin', pageId: 'abc123', components: { api: 'cmp_1' }, showMonitorIncidents: false },
      monitor: { concurrency: 64, leaseTtlMs: 15_000 },
      retention: { incidentsMs: 400 * 86_400_000, auditMs: 400 * 86_400_000 },
      readiness: { everyMs: 30 * 60_000, severity: 'SEV3' },
      checks: [
        {
          type: 'http',
          id: 'api',
          everyMs: 15_000,
          timeoutMs: 5_000,
          severity: 'SEV1',
          failAfter: 2,
          recoverAfter: 2,
          component: 'api',
          url: 'https://api.example.com/health',
          method: 'GET',
          expect: { status: [200], bodyContains: 'ok' },
          maxBodyBytes: 1_048_576,
        },
        {
          type: 'replication-lag',
          id: 'orders-lag',
          everyMs: 60_000,
          timeoutMs: 10_000,
          severity: 'SEV2', // the worst threshold
          failAfter: 1,
          recoverAfter: 1,
          region: 'us-west-2',
          metric: 'ReplicaLag',
          dimensions: { DBInstanceIdentifier: 'orders-replica' },
          thresholdsMs: { SEV3: 60_000, SEV2: 300_000 },
          missingData: 'SEV3',
        },
        {
          type: 'backup',
          id: 'orders-backups',
          schedule: '*/15 * * * *',
          timeoutMs: 30_000,
          severity: 'SEV2',
          failAfter: 1,
          recoverAfter: 1,
          region: 'us-east-1',
          dbInstance: 'orders-db',
          maxAgeMs: 93_600_000,
          copyRegion: 'us-west-2',
        },
      ],
      runbooks: {
        failover: {
          orders: {
            region: 'us-west-2',
            promote: { dbInstance: 'orders-replica' },
            dns: [
              {
                hostedZoneId: 'Z123',
                name: 'orders.db.example.com',
                type: 'CNAME',
                value: 'orders-replica.abc.us-west-2.rds.amazonaws.com',
                ttl: 60,
              },
            ],
            guard: { lagCheck: 'orders-lag', maxLagMs: 300_000 },
          },
        },
        restore: {
          orders: {
            region: 'us-east-1',
            dbInstance: 'orders-db',
            instanceClass: 'db.r6g.large',
            subnetGroup: 'prod-db',
            securityGroups: ['sg-0abc'],
            overrides: {},
          },
        },
      },
      drills: {
        'orders-restore': {
          restore: 'orders',
          schedule: '0 3 * * 1',
          validate: { webhook: { url: 'https://ops.example.com/validate-restore', timeoutMs: 300_000 } },
          keepForMs: 0,
          rtoMs: 1_800_000,
        },
        // no region in the SPEC: the restore runbook and the backup check naming orders-db say us-east-1
        'orders-multi-az': { multiAzFailover: { dbInstance: 'orders-db' }, region: 'us-east-1' },
      },
      posture: { schedule: '0 9 * * 1' },
      maintenance: [
        { checks: ['api'], start: Date.parse('2027-01-10T02:00:00Z'), end: Date.parse('2027-01-10T04:00:00Z'), reason: 'DB upgrade' },
      ],
      env: DEFAULT_ENV,
    };
    // No credentials at all: the SPEC example is valid as local mode would read it.
    expect(valid(SPEC_EXAMPLE)).toStrictEqual(expected);
  });

  it('fills every default for a one-check file', () => {
    const config = valid(`
checks:
  - id: web
    type: http
    url: http://127.0.0.1:8080/health
`);
    expect(config).toStrictEqual({
      server: { port: 3000 },
      slack: { command: '/dr', operators: [], approvers: [], approvals: 1, approvalTtlMs: 900_000, archiveChannelsAfterMs: 86_400_000 },
      pagerduty: { pageAt: 'SEV2' },
      statuspage: { provider: 'builtin', components: {}, showMonitorIncidents: false },
      monitor: { concurrency: 64, leaseTtlMs: 15_000 },
      retention: { incidentsMs: 400 * 86_400_000, auditMs: 400 * 86_400_000 },
      readiness: { everyMs: 30 * 60_000, severity: 'SEV3' },
      checks: [
        {
          type: 'http',
          id: 'web',
          everyMs: 60_000,
          timeoutMs: 5_000,
          severity: 'SEV2',
          failAfter: 1,
          recoverAfter: 1,
          url: 'http://127.0.0.1:8080/health',
          method: 'GET',
          expect: { status: [200] },
          maxBodyBytes: 1_048_576,
        },
      ],
      runbooks: { failover: {}, restore: {} },
      env: DEFAULT_ENV,
    } satisfies Config);
  });

  it('treats empty sections (`slack:` with nothing under it) as all defaults', () => {
    const config = valid('server:\nslack:\npagerduty:\nstatuspage:\nmonitor:\nchecks:\nrunbooks:\n  failover:\n');
    expect(config.server.port).toBe(3000);
    expect(config.checks).toStrictEqual([]);
    expect(config.runbooks).toStrictEqual({ failover: {}, restore: {} });
    expect(config.demo).toBeUndefined();
  });

  it('reads retention in days, and refuses one shorter than a day', () => {
    expect(valid('retention: { incidents: 90d, audit: 730d }\n').retention).toEqual({
      incidentsMs: 90 * 86_400_000,
      auditMs: 730 * 86_400_000,
    });
    const result = parseConfig('retention: { incidents: 12h, audit: 1y }\n', {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      expect.stringMatching(/^retention\.incidents: .*at least 1d/),
      expect.stringMatching(/^retention\.audit: /),
    ]);
  });

  it('reads readiness, and refuses an interval under a minute or over 24 days, or an unknown severity', () => {
    expect(valid('readiness: { every: 10m, severity: SEV2 }\n').readiness).toEqual({ everyMs: 600_000, severity: 'SEV2' });
    const result = parseConfig('readiness: { every: 30s, severity: SEV9 }\n', {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      expect.stringMatching(/^readiness\.every: .*at least 1m/),
      expect.stringMatching(/^readiness\.severity: /),
    ]);
    expect(parseConfig('readiness: { every: 30d }\n', {})).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^readiness\.every: .*at most 24d/)],
    });
  });

  it('reads pagerduty.dedupPrefix and refuses one with spaces or over 64 characters', () => {
    expect(valid('pagerduty: { dedupPrefix: prod-eu- }\n').pagerduty).toEqual({ pageAt: 'SEV2', dedupPrefix: 'prod-eu-' });
    for (const bad of ['"prod eu"', 'x'.repeat(65)]) {
      expect(parseConfig(`pagerduty: { dedupPrefix: ${bad} }\n`, {})).toEqual({
        ok: false,
        errors: [
          expect.stringMatching(/^pagerduty\.dedupPrefix: .*is not a valid dedup prefix \(1 to 64 visible ASCII characters, no spaces\)/),
        ],
      });
    }
  });

  it('defaults operators to the approvers', () => {
    expect(valid('slack: { approvers: [U0BBB, S0ONCALL] }').slack.operators).toStrictEqual(['U0BBB', 'S0ONCALL']);
  });

  it('gives a lag check the worst threshold as severity and the mildest as missingData by default', () => {
    const [check] = valid(`
checks:
  - id: lag
    type: replication-lag
    region: eu-west-1
    metric: AuroraGlobalDBReplicationLag
    dimensions: { DBClusterIdentifier: orders }
    thresholds: { SEV4: 10s, SEV1: 10m, SEV3: 30s }
`).checks;
    expect(check).toMatchObject({ severity: 'SEV1', missingData: 'SEV4', timeoutMs: 10_000 });
    expect(check?.type === 'replication-lag' && check.thresholdsMs).toStrictEqual({ SEV1: 600_000, SEV3: 30_000, SEV4: 10_000 });
  });

  it('reads an Aurora global-cluster promotion and a cluster restore', () => {
    const { runbooks } = valid(`
runbooks:
  failover:
    orders-global:
      region: eu-west-1
      promote: { globalCluster: orders-global, targetCluster: "arn:aws:rds:eu-west-1:123456789012:cluster:orders-eu" }
  restore:
    orders:
      region: us-east-1
      dbCluster: orders-cluster
      instanceClass: db.r6g.large
`);
    expect(runbooks.failover['orders-global']).toStrictEqual({
      region: 'eu-west-1',
      promote: { globalCluster: 'orders-global', targetCluster: 'arn:aws:rds:eu-west-1:123456789012:cluster:orders-eu' },
    });
    expect(runbooks.restore.orders).toStrictEqual({
      region: 'us-east-1',
      dbCluster: 'orders-cluster',
      instanceClass: 'db.r6g.large',
      securityGroups: [],
      overrides: {},
    });
  });

  it('accepts `every` on a backup check and `schedule` on an http check', () => {
    const checks = valid(`
checks:
  - { id: snap, type: backup, region: us-east-1, dbCluster: c, maxAge: 1d, every: 30m }
  - { id: web, type: http, url: "https://example.com", schedule: "*/30 * * * * *", method: HEAD }
`).checks;
    expect(checks.map((c) => [c.everyMs, c.schedule])).toStrictEqual([
      [1_800_000, undefined],
      [undefined, '*/30 * * * * *'],
    ]);
  });

  it.each([
    ['a short every alone: four fifths of it', 'type: http, url: "https://example.com", every: 2s', 1_600],
    ['a sub-second every', 'type: http, url: "https://example.com", every: 500ms', 400],
    ['an every whose four fifths are above the http default', 'type: http, url: "https://example.com", every: 10s', 5_000],
    [
      'no every: four fifths of the 60s default are above every type default',
      'type: backup, region: us-east-1, dbInstance: d, maxAge: 1d',
      30_000,
    ],
    [
      'a lag check with a short every',
      'type: replication-lag, region: us-west-2, metric: ReplicaLag, dimensions: { DBInstanceIdentifier: r }, thresholds: { SEV2: 60s }, every: 5s',
      4_000,
    ],
    [
      'a cron schedule keeps the type default',
      'type: backup, region: us-east-1, dbInstance: d, maxAge: 1d, schedule: "*/2 * * * * *"',
      30_000,
    ],
    ['an explicit timeout wins', 'type: http, url: "https://example.com", every: 2s, timeout: 1s', 1_000],
  ])('defaults the timeout to the smaller of the type default and four fifths of every: %s', (_name, fields, timeoutMs) => {
    expect(valid(`checks:\n  - { id: c, ${fields} }\n`).checks[0]?.timeoutMs).toBe(timeoutMs);
  });

  it('turns on the demo target with its defaults for a bare `demo:`, and reads its durations', () => {
    expect(valid('demo:').demo).toStrictEqual({ port: 3099, healthyForMs: 30_000, failingForMs: 20_000 });
    expect(valid('demo: { port: 4000, healthyFor: 15s, failingFor: 1m }').demo).toStrictEqual({
      port: 4000,
      healthyForMs: 15_000,
      failingForMs: 60_000,
    });
  });

  it('keeps monitor incidents off the built-in page unless statuspage.showMonitorIncidents is true', () => {
    expect(valid('statuspage: { provider: builtin }').statuspage.showMonitorIncidents).toBe(false);
    expect(valid('statuspage: { showMonitorIncidents: false }').statuspage.showMonitorIncidents).toBe(false);
    expect(valid('statuspage: { showMonitorIncidents: true }').statuspage).toStrictEqual({
      provider: 'builtin',
      components: {},
      showMonitorIncidents: true,
    });
  });

  it('lets atlassian say showMonitorIncidents: false (it is only refused when true)', () => {
    const config = valid('statuspage: { provider: atlassian, pageId: p, showMonitorIncidents: false }', { STATUSPAGE_API_KEY: 'k' });
    expect(config.statuspage).toStrictEqual({ provider: 'atlassian', pageId: 'p', components: {}, showMonitorIncidents: false });
  });

  it('lets LIFEBOAT_PORT override server.port', () => {
    expect(valid('server: { port: 8080 }', { LIFEBOAT_PORT: '9090' }).server.port).toBe(9090);
  });

  it('reads the example configs shipped in examples/', () => {
    // production.yaml posts to Atlassian Statuspage and the posture report to Slack: their keys come from the environment.
    const examples = {
      'examples/lifeboat.yaml': {},
      'examples/production.yaml': { STATUSPAGE_API_KEY: 'sp-key', SLACK_BOT_TOKEN: 'xoxb-1-2', SLACK_SIGNING_SECRET: 'secret' },
    };
    for (const [file, env] of Object.entries(examples)) {
      const text = readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8');
      expect(parseConfig(text, env), file).toMatchObject({ ok: true });
    }
  });
});
