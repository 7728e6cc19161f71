import { expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import type { CheckResult } from '../../../src/core/check-result.js';
import { FakeAwsHttp } from '../../doubles/aws-http-nock.js';
import { useGuardedApp } from '../../doubles/guarded-app.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import { ORDERS_FAILOVER_UNGUARDED, yamlFlow } from '../../doubles/runbook-fixtures.js';
import { nockResponseUrl } from '../../doubles/slack-api-nock.js';
import { signed, slashCommandBody } from '../../doubles/slack-requests.js';
import { until } from '../../doubles/until.js';
import { startSlackApp } from '../../doubles/slack-app.js';

/*
 * SPEC §10: the newest snapshot of every database a check or runbook names, not only of those a
 * backup check watches. A failover target and a restore source with no backup check are read from
 * AWS in one filtered snapshot describe per region and API, within the posture's 2 s deadline and
 * 60 s cache; a database with a backup check keeps its check's measurement and costs no describe.
 */
const guarded = useGuardedApp({ allowUnusedAnswers: true });
const redis = useRedisPrefix('posture-snapshots-e2e', { perTest: true });

const NEVER = 'schedule: "0 0 1 1 *"'; // the monitor never runs these checks in a test
const YAML = `
slack: { channel: C0INCIDENTS, command: /dr, operators: [U0AAA], approvers: [U0BBB] }
checks:
  - { id: orders-backups, type: backup, region: us-east-1, dbInstance: orders-db, maxAge: 26h, ${NEVER}, severity: SEV2 }
runbooks:
  failover:
    orders: ${yamlFlow(ORDERS_FAILOVER_UNGUARDED)}
  restore:
    billing: { region: us-east-1, dbCluster: billing-main, instanceClass: db.r6g.large }
`;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const well = { multiAz: true, backupRetention: 7, encrypted: true, deletionProtection: true };

function fakeAws(clock: ManualClock): FakeAwsHttp {
  const aws = new FakeAwsHttp();
  aws.instance('us-east-1', 'orders-db', { status: 'available', latestRestorableTime: clock.now() - 2 * MINUTE, ...well });
  aws.backup('us-east-1', 'orders-db', { earliest: clock.now() - 7 * 86_400_000, latest: clock.now() - 2 * MINUTE });
  // orders-db's snapshots are the backup check's business: the posture must not list them.
  aws.snapshot('us-east-1', { kind: 'instance', db: 'orders-db', id: 'rds:orders-db-from-aws', status: 'available', created: clock.now() });
  aws.instance('us-west-2', 'orders-replica', { status: 'available', replicaSource: 'orders-db', ...well, backupRetention: 1 });
  // The newest available one counts; a newer one still being created, or another database's, does not.
  for (const [id, ageHours, status] of [
    ['orders-replica-manual-1', 30, 'available'],
    ['rds:orders-replica-2026-12-07-03-00', 6, 'available'],
    ['rds:orders-replica-2026-12-07-08-00', 1, 'creating'],
  ] as const) {
    aws.snapshot('us-west-2', { kind: 'instance', db: 'orders-replica', id, status, created: clock.now() - ageHours * HOUR });
  }
  aws.snapshot('us-west-2', { kind: 'instance', db: 'other-db', id: 'rds:other-db-now', status: 'available', created: clock.now() });
  // Named only by the restore runbook, and without any snapshot.
  aws.cluster('us-east-1', 'billing-main', { status: 'available', latest: clock.now() - MINUTE, ...well });
  return aws;
}

async function startApp(clock: ManualClock): Promise<App> {
  const app = await startSlackApp({ yaml: YAML, redis, clock, guarded, authTests: 5 });
  return app;
}

function backupResult(at: number): CheckResult {
  return {
    checkId: 'orders-backups',
    startedAt: at,
    durationMs: 30,
    ok: true,
    severity: null,
    summary: 'newest snapshot 3h old',
    measurement: { kind: 'backup', ageSeconds: 3 * 3600, newestSnapshotId: 'rds:orders-db-0200' },
  };
}

let commands = 0;
type Answer = { text: string; blocks: Array<{ text?: { text: string } }> };

async function status(app: App, clock: ManualClock): Promise<{ answer: Answer; ms: number }> {
  commands += 1;
  const path = `/commands/T1/${commands}/snapshots`;
  const reply = nockResponseUrl(path);
  const request = signed(
    slashCommandBody('status', { userId: 'U0ZZZ', responsePath: path }),
    'application/x-www-form-urlencoded',
    clock.now(),
  );
  const began = Date.now();
  const response = await app.server.inject({ method: 'POST', url: '/slack/events', headers: request.headers, payload: request.body });
  expect(response.statusCode).toBe(200);
  await until(() => reply.bodies.length === 1, '/dr status answered');
  return { answer: reply.bodies[0] as Answer, ms: Date.now() - began };
}

const section = (answer: Answer, title: string) => answer.blocks.map((b) => b.text?.text ?? '').find((t) => t.startsWith(title)) ?? '';
const lineOf = (answer: Answer, db: string) =>
  section(answer, '*Databases*')
    .split('\n')
    .find((l) => l.includes(`\`${db}\` instance `) || l.includes(`\`${db}\` cluster `)) ?? '';

async function started(clock: ManualClock): Promise<{ app: App; aws: FakeAwsHttp }> {
  const aws = fakeAws(clock);
  aws.install();
  const app = await startApp(clock);
  // Results land only under the leader's lease: applied until this replica holds it.
  await until(async () => {
    await app.engine.apply(backupResult(clock.now()));
    await app.engine.flushQuietPasses();
    return (await app.store.getCheckState('orders-backups'))?.lastResult?.ok === true;
  }, 'the backup check result stored');
  aws.calls.length = 0;
  return { app, aws };
}

it('shows the newest snapshot of a failover target and a restore source no backup check watches, read in one filtered describe per region', async () => {
  const clock = new ManualClock();
  const { app, aws } = await started(clock);

  const { answer } = await status(app, clock);
  expect(lineOf(answer, 'orders-replica')).toBe(
    ':warning: *backups kept only 1 day* — `orders-replica` instance us-west-2 · Multi-AZ: yes · backup retention: 1 day · encrypted at rest: yes · deletion protection: yes · replica of `orders-db` · newest snapshot `rds:orders-replica-2026-12-07-03-00` 6h old (no backup check; cross-region copy not configured)',
  );
  expect(lineOf(answer, 'billing-main')).toBe(
    ':white_check_mark: `billing-main` cluster us-east-1 · Multi-AZ: yes · backup retention: 7 days · encrypted at rest: yes · deletion protection: yes · latest restorable 1m ago (the RPO if lost now) · no available snapshot (no backup check; cross-region copy not configured)',
  );
  // The backup check's measurement, not AWS' list: one source of truth per database.
  expect(lineOf(answer, 'orders-db')).toContain('· newest snapshot `rds:orders-db-0200` 3h old (check `orders-backups`)');

  const snapshotCalls = aws.calls.filter((c) => c.action.endsWith('Snapshots')).sort((x, y) => x.action.localeCompare(y.action));
  expect(snapshotCalls.map((c) => ({ region: c.region, params: c.params }))).toEqual([
    {
      region: 'us-east-1',
      params: {
        Action: 'DescribeDBClusterSnapshots',
        Version: '2014-10-31',
        'Filters.Filter.1.Name': 'db-cluster-id',
        'Filters.Filter.1.Values.Value.1': 'billing-main',
        MaxRecords: '100',
      },
    },
    {
      region: 'us-west-2',
      params: {
        Action: 'DescribeDBSnapshots',
        Version: '2014-10-31',
        'Filters.Filter.1.Name': 'db-instance-id',
        'Filters.Filter.1.Values.Value.1': 'orders-replica',
        MaxRecords: '100',
      },
    },
  ]);

  // Cached with the other describes: a second look within the minute asks AWS nothing.
  aws.calls.length = 0;
  clock.advance(59_000);
  const again = await status(app, clock);
  expect(aws.calls).toEqual([]);
  expect(lineOf(again.answer, 'orders-replica')).toContain('newest snapshot `rds:orders-replica-2026-12-07-03-00` 6h old');
});

it('a throttled or slow snapshot describe is named under Not current right now, and the line says the snapshot is unavailable', async () => {
  const clock = new ManualClock();
  const { app, aws } = await started(clock);
  aws.failures.set('DescribeDBSnapshots', { code: 'Throttling', status: 400 });
  aws.delays.set('DescribeDBClusterSnapshots', 4_000);

  const { answer, ms } = await status(app, clock);
  expect(ms).toBeLessThan(3_000);
  expect(section(answer, '*Not current right now*').split('\n').slice(1).sort()).toEqual([
    ':grey_question: rds:DescribeDBClusterSnapshots in us-east-1: AWS did not answer within 2s',
    ':grey_question: rds:DescribeDBSnapshots in us-west-2: throttled by AWS (Throttling)',
  ]);
  expect(lineOf(answer, 'orders-replica')).toMatch(
    / · replica of `orders-db` · newest snapshot unavailable \(rds:DescribeDBSnapshots in us-west-2: throttled by AWS \(Throttling\)\)$/,
  );
  expect(lineOf(answer, 'billing-main')).toMatch(
    / · newest snapshot unavailable \(rds:DescribeDBClusterSnapshots in us-east-1: AWS did not answer within 2s\)$/,
  );
  // The other describes answered: the rest of each line is current.
  expect(lineOf(answer, 'billing-main')).toContain('latest restorable 1m ago');
});
