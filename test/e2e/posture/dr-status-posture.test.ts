import { expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import type { CheckResult } from '../../../src/core/check-result.js';
import type { DrillOutcome } from '../../../src/drills/drill-outcome.js';
import { FakeAwsHttp } from '../../doubles/aws-http-nock.js';
import { useGuardedApp } from '../../doubles/guarded-app.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import { ORDERS_FAILOVER_UNGUARDED, ORDERS_RESTORE, yamlFlow } from '../../doubles/runbook-fixtures.js';
import { nockResponseUrl } from '../../doubles/slack-api-nock.js';
import { signed, slashCommandBody } from '../../doubles/slack-requests.js';
import { aFailoverPlan } from '../../integration/approvals/fixtures.js';
import { until } from '../../doubles/until.js';
import { RedisMonitor, type MonitoredCommand } from '../../doubles/redis-monitor.js';
import { startSlackApp } from '../../doubles/slack-app.js';

/*
 * `/dr status` shows the DR posture (SPEC §10) as `lifeboat start` wires it: buildApp on the test
 * Redis, AWS answered at the HTTP layer, the command signed as Slack signs it. Readiness is what
 * the leader stored, never a fresh pre-flight; AWS is read in one filtered describe per region and
 * API, cached; a throttled or slow AWS is answered with what is known, within Slack's 3 s.
 */
const guarded = useGuardedApp({ allowUnusedAnswers: true });
const redis = useRedisPrefix('posture-e2e', { perTest: true });

const NEVER = 'schedule: "0 0 1 1 *"'; // the monitor never runs these checks in a test: results are applied by hand
const YAML = `
slack: { channel: C0INCIDENTS, command: /dr, operators: [U0AAA], approvers: [U0BBB] }
readiness: { every: 30m, severity: SEV2 }
checks:
  - { id: orders-lag, type: replication-lag, region: us-west-2, metric: ReplicaLag, dimensions: { DBInstanceIdentifier: orders-replica }, ${NEVER}, thresholds: { SEV3: 600s } }
  - { id: orders-backups, type: backup, region: us-east-1, dbInstance: orders-db, maxAge: 26h, copyRegion: us-west-2, ${NEVER}, severity: SEV2 }
  - { id: legacy-backups, type: backup, region: us-east-1, dbInstance: legacy-db, maxAge: 26h, ${NEVER}, severity: SEV3 }
runbooks:
  failover:
    orders: ${yamlFlow({ ...ORDERS_FAILOVER_UNGUARDED, objectives: { rto: '15m', rpo: '5m' } })}
  restore:
    orders: ${yamlFlow({ ...ORDERS_RESTORE, objectives: { rto: '30m', rpo: '5m' } })}
drills:
  orders-restore: { restore: orders, rto: 20m }
`;

const MINUTE = 60_000;

function fakeAws(clock: ManualClock): FakeAwsHttp {
  const aws = new FakeAwsHttp();
  const well = { multiAz: true, backupRetention: 7, encrypted: true, deletionProtection: true };
  aws.instance('us-east-1', 'orders-db', { status: 'available', latestRestorableTime: clock.now() - 2 * MINUTE, ...well });
  aws.backup('us-east-1', 'orders-db', { earliest: clock.now() - 7 * 86_400_000, latest: clock.now() - 2 * MINUTE });
  // The issue's database: unencrypted, single-AZ, 1-day retention, no deletion protection.
  aws.instance('us-east-1', 'legacy-db', {
    status: 'available',
    latestRestorableTime: clock.now() - 6 * MINUTE,
    multiAz: false,
    backupRetention: 1,
    encrypted: false,
    deletionProtection: false,
  });
  aws.backup('us-east-1', 'legacy-db', { earliest: clock.now() - 86_400_000, latest: clock.now() - 6 * MINUTE });
  aws.instance('us-west-2', 'orders-replica', { status: 'available', replicaSource: 'orders-db', ...well, backupRetention: 0 });
  aws.record('Z123', { name: 'orders.db.example.com.', type: 'CNAME', ttl: 60, values: ['orders-db.abc.us-east-1.rds.amazonaws.com'] });
  return aws;
}

async function startApp(clock: ManualClock, yaml = YAML): Promise<App> {
  const app = await startSlackApp({ yaml, redis, clock, guarded, authTests: 5 });
  return app;
}

function backupResult(checkId: string, at: number, ageHours: number, copyAgeHours?: number): CheckResult {
  return {
    checkId,
    startedAt: at,
    durationMs: 30,
    ok: true,
    severity: null,
    summary: `newest snapshot ${ageHours}h old`,
    measurement: {
      kind: 'backup',
      ageSeconds: ageHours * 3600,
      newestSnapshotId: `rds:${checkId}-0200`,
      ...(copyAgeHours !== undefined && { copyRegion: 'us-west-2', copyAgeSeconds: copyAgeHours * 3600 }),
    },
  };
}

function lagResult(lagSeconds: number, at: number): CheckResult {
  return {
    checkId: 'orders-lag',
    startedAt: at,
    durationMs: 40,
    ok: true,
    severity: null,
    summary: `lag ${lagSeconds}s`,
    measurement: { kind: 'replication-lag', lagSeconds, metric: 'ReplicaLag' },
  };
}

function drillOutcome(at: number): DrillOutcome {
  return {
    drill: 'orders-restore',
    runId: 'DRL-1',
    runbook: 'orders',
    region: 'us-east-1',
    source: 'orders-db',
    result: 'missed-rto',
    startedAt: at - 25 * MINUTE,
    finishedAt: at,
    restoreMs: 25 * MINUTE,
    rtoMs: 20 * MINUTE,
    reason: 'restored in 25m, slower than rto 20m',
    cleanup: [],
    summary: 'orders-restore missed its rto',
  };
}

/** The leader's readiness verdicts, stored the way its cycle stores them; then the results the monitor would have written. */
async function seed(app: App, aws: FakeAwsHttp, clock: ManualClock): Promise<void> {
  await until(async () => {
    await app.readiness.evaluateNow();
    await app.engine.flushQuietPasses();
    return (await app.store.getCheckState('readiness:restore:orders'))?.lastResult?.ok === true;
  }, 'the leader stored its readiness verdicts');
  await app.engine.apply(backupResult('orders-backups', clock.now(), 3, 5));
  await app.engine.apply(backupResult('legacy-backups', clock.now(), 20));
  await app.engine.apply(lagResult(420, clock.now()));
  await app.engine.flushQuietPasses();
  await app.backend.drills.record(drillOutcome(clock.now() - 60 * MINUTE));
  aws.calls.length = 0;
}

/** A failover of `orders` approved, run and succeeded, recorded in the store as the runner records it. */
async function succeededFailover(app: App, clock: ManualClock, detail: Record<string, unknown>): Promise<string> {
  const approvals = app.backend.approvals;
  const at = clock.now();
  const created = await approvals.create({
    plan: aFailoverPlan(),
    requester: 'U0AAA',
    requiredApprovals: 1,
    createdAt: at,
    expiresAt: at + 15 * MINUTE,
  });
  if (!created.ok) throw new Error('create refused');
  const id = created.approval.id;
  const lease = { runnerId: 'replica-x', at, leaseExpiresAt: at + MINUTE };
  await approvals.approve(id, { approverId: 'U0BBB', ...lease });
  await approvals.startRun(id, lease);
  expect(await approvals.finishRun(id, { runnerId: 'replica-x', at, outcome: 'succeeded', message: 'Failed over', detail })).toMatchObject({
    ok: true,
  });
  return id;
}

let commands = 0;
type Answer = { text: string; blocks: Array<{ text?: { text: string } }> };

async function status(app: App, clock: ManualClock, userId = 'U0ZZZ'): Promise<{ answer: Answer; ms: number }> {
  commands += 1;
  const path = `/commands/T1/${commands}/status`;
  const reply = nockResponseUrl(path);
  const request = signed(slashCommandBody('status', { userId, responsePath: path }), 'application/x-www-form-urlencoded', clock.now());
  const began = Date.now();
  const response = await app.server.inject({ method: 'POST', url: '/slack/events', headers: request.headers, payload: request.body });
  expect(response.statusCode).toBe(200);
  await until(() => reply.bodies.length === 1, '/dr status answered');
  return { answer: reply.bodies[0] as Answer, ms: Date.now() - began };
}

const section = (answer: Answer, title: string) => answer.blocks.map((b) => b.text?.text ?? '').find((t) => t.startsWith(title)) ?? '';
const lines = (answer: Answer, title: string) => section(answer, title).split('\n').slice(1);

it('shows each database and runbook against its objectives, misses first, from the stored verdicts; a second look within a minute costs AWS nothing', async () => {
  const clock = new ManualClock();
  const aws = fakeAws(clock);
  aws.install();
  const app = await startApp(clock);
  await seed(app, aws, clock);

  const { answer } = await status(app, clock); // a non-operator: status is read-only
  expect(answer.text).toBe(
    'DR posture: All 3 checks passing, no open incidents. 1 runbook misses an objective or is not ready, 1 database needs attention.',
  );
  expect(lines(answer, '*Databases*')).toEqual([
    ':warning: *single-AZ, not encrypted at rest, no deletion protection, backups kept only 1 day* — `legacy-db` instance us-east-1 · Multi-AZ: no · backup retention: 1 day · encrypted at rest: no · deletion protection: no · latest restorable 6m ago (the RPO if lost now) · newest snapshot `rds:legacy-backups-0200` 20h old (check `legacy-backups`)',
    ':white_check_mark: `orders-replica` instance us-west-2 · Multi-AZ: yes · backup retention: 0 days · encrypted at rest: yes · deletion protection: yes · replica of `orders-db` · no available snapshot (no backup check; cross-region copy not configured) · replica lag 420s (check `orders-lag`)',
    ':white_check_mark: `orders-db` instance us-east-1 · Multi-AZ: yes · backup retention: 7 days · encrypted at rest: yes · deletion protection: yes · latest restorable 2m ago (the RPO if lost now) · newest snapshot `rds:orders-backups-0200` 3h old, copy in us-west-2: 5h old (check `orders-backups`)',
  ]);
  const runbooks = lines(answer, '*Runbooks*');
  // The failover misses its RPO (420 s of lag against 5m): listed first, and says so first.
  expect(runbooks[0]).toBe(
    ':x: *misses RPO* — *failover orders* · ready (evaluated 0s ago) · RTO 15m: not measured yet (no drill or run) · RPO 5m: 7m now (replica lag, check orders-lag) — *missed*',
  );
  expect(runbooks[1]).toBe(
    ':white_check_mark: *restore orders* · ready (evaluated 0s ago) · RTO 30m: last drill DRL-1 restored in 25m — met · RPO 5m: 2m now (latest restorable time) — met',
  );
  expect(lines(answer, '*Drills*')).toEqual([
    ':x: *missed-rto* — *orders-restore* (restore orders): DRL-1 restored in 25m, RTO 20m — *missed*: restored in 25m, slower than rto 20m',
  ]);
  // One filtered describe per region and API; no cluster describe (none configured), no Route 53:
  // readiness was not evaluated again. Snapshots only where no backup check measures them (orders-replica).
  expect(aws.actions().sort()).toEqual([
    'rds:us-east-1:DescribeDBInstanceAutomatedBackups',
    'rds:us-east-1:DescribeDBInstances',
    'rds:us-west-2:DescribeDBInstanceAutomatedBackups',
    'rds:us-west-2:DescribeDBInstances',
    'rds:us-west-2:DescribeDBSnapshots',
  ]);
  expect(aws.calls.find((c) => c.region === 'us-east-1' && c.action === 'DescribeDBInstances')?.params).toMatchObject({
    'Filters.Filter.1.Name': 'db-instance-id',
    'Filters.Filter.1.Values.Value.1': 'legacy-db',
    'Filters.Filter.1.Values.Value.2': 'orders-db',
  });

  // Within the cache's minute: the same answer, and AWS is not asked again.
  aws.calls.length = 0;
  clock.advance(59_000);
  const again = await status(app, clock);
  expect(aws.calls).toEqual([]);
  expect(lines(again.answer, '*Databases*')[0]).toContain('`legacy-db` instance us-east-1');
  expect(section(again.answer, '*Not current right now*')).toBe('*Not current right now*\n:hourglass: AWS facts as read 59s ago');

  // Past it, AWS is read again.
  clock.advance(2_000);
  await status(app, clock);
  expect(aws.calls).toHaveLength(5);
});

it('a throttled and a slow AWS: answered within 3 s with what is known, naming what is unavailable; the last answer is shown with its age', async () => {
  const clock = new ManualClock();
  const aws = fakeAws(clock);
  aws.install();
  const app = await startApp(clock);
  await seed(app, aws, clock);
  aws.failures.set('DescribeDBInstances', { code: 'Throttling', status: 400 });
  aws.delays.set('DescribeDBInstanceAutomatedBackups', 4_000);

  const { answer, ms } = await status(app, clock);
  expect(ms).toBeLessThan(3_000);
  expect(section(answer, '*Not current right now*').split('\n').slice(1).sort()).toEqual([
    ':grey_question: rds:DescribeDBInstanceAutomatedBackups in us-east-1: AWS did not answer within 2s',
    ':grey_question: rds:DescribeDBInstanceAutomatedBackups in us-west-2: AWS did not answer within 2s',
    ':grey_question: rds:DescribeDBInstances in us-east-1: throttled by AWS (Throttling)',
    ':grey_question: rds:DescribeDBInstances in us-west-2: throttled by AWS (Throttling)',
  ]);
  const databases = lines(answer, '*Databases*');
  // What the checks stored is still shown; what AWS would have said is named as unavailable.
  expect(databases).toContain(
    ':grey_question: `orders-db` instance us-east-1 · AWS facts unavailable (rds:DescribeDBInstances in us-east-1: throttled by AWS (Throttling)) · newest snapshot `rds:orders-backups-0200` 3h old, copy in us-west-2: 5h old (check `orders-backups`)',
  );
  const restore = lines(answer, '*Runbooks*').find((l) => l.includes('*restore orders*'));
  expect(restore).toContain('RPO 5m: unknown (AWS did not answer)');
  expect(restore).toContain('ready (evaluated');

  // AWS answers again: read fresh. Then it throttles past the cache's minute: the last answer, with its age.
  aws.failures.clear();
  aws.delays.clear();
  await status(app, clock);
  clock.advance(2 * MINUTE);
  aws.failures.set('DescribeDBInstances', { code: 'Throttling', status: 400 });
  const stale = await status(app, clock);
  expect(section(stale.answer, '*Not current right now*')).toContain(':hourglass: AWS facts as read 2m ago');
  expect(lines(stale.answer, '*Databases*')[0]).toContain(
    '*single-AZ, not encrypted at rest, no deletion protection, backups kept only 1 day* — `legacy-db`',
  );
});

it("shows a runbook's last run however many audit entries came after it (a busy month of incidents and pages)", async () => {
  const clock = new ManualClock();
  const aws = fakeAws(clock);
  aws.install();
  const app = await startApp(clock);
  await seed(app, aws, clock);
  const run = await succeededFailover(app, clock, { elapsedMs: 6 * MINUTE, timeToRecoveryMs: 11 * MINUTE });
  for (let i = 0; i < 700; i += 100) {
    await Promise.all(
      Array.from({ length: 100 }, (_, j) =>
        app.backend.auditLog.append({
          type: 'page-delivered',
          incidentId: `INC-${i + j + 1}`,
          at: clock.now(),
          detail: 'PagerDuty accepted the trigger',
        }),
      ),
    );
  }

  const { answer } = await status(app, clock);
  const failover = lines(answer, '*Runbooks*').find((l) => l.includes('*failover orders*'));
  expect(failover).toContain(`RTO 15m: last run ${run} time to recovery 11m — met`);
});

/** Redis commands that read state; the rest of what a request does (its delivery mark) is a write. */
const READS = new Set(['get', 'hget', 'hgetall', 'mget', 'hmget', 'lrange', 'zrange', 'zrangebyscore', 'xrevrange', 'xrange', 'smembers']);

/** The Redis reads one `/dr status` makes, each as "name args", and its answer. */
async function statusReads(app: App, clock: ManualClock): Promise<{ answer: Answer; reads: MonitoredCommand[] }> {
  const monitor = await RedisMonitor.start(redis.prefix);
  try {
    await monitor.caughtUp(redis.redis);
    monitor.clear();
    const { answer } = await status(app, clock);
    await monitor.caughtUp(redis.redis);
    const reads = monitor.commands
      .filter((c) => READS.has(c.name))
      // The Slack outbox polls its ready set on a timer of its own, not for the request.
      .filter((c) => c.args[0] !== 'slack:outbox:ready');
    return { answer, reads };
  } finally {
    await monitor.stop();
  }
}

/** A read as text; the ids of a batched check-state read in sorted order, as the order is not the point. */
function readText(c: MonitoredCommand): string {
  if (c.name === 'mget') return `mget ${[...c.args].sort().join(' ')}`;
  if (c.name === 'hmget') return `hmget ${c.args[0]} ${c.args.slice(1).sort().join(' ')}`;
  return `${c.name} ${c.args.join(' ')}`;
}

it('reads each piece of state once per /dr status: the check lines and the posture share one batched read of the check states', async () => {
  const clock = new ManualClock();
  const aws = fakeAws(clock);
  aws.install();
  const app = await startApp(clock);
  await seed(app, aws, clock);
  const run = await succeededFailover(app, clock, { elapsedMs: 6 * MINUTE, timeToRecoveryMs: 11 * MINUTE });

  const { answer, reads: commands } = await statusReads(app, clock);
  // Both parts got the one read: the check lines and the posture's databases.
  expect(answer.text).toMatch(/^DR posture: All 3 checks passing/);
  expect(lines(answer, '*Databases*')).toContainEqual(expect.stringContaining('replica lag 420s (check `orders-lag`)'));

  const reads = commands.map(readText);
  const times = new Map<string, number>();
  for (const read of reads) times.set(read, (times.get(read) ?? 0) + 1);
  expect([...times].filter(([, n]) => n > 1)).toEqual([]);
  // Every part was read (once, as above): every check's state and quiet pass in one MGET and one
  // HMGET (not a GET and an HGET per check), the incidents, the silences (once, not per incident;
  // no window ends without maintenance windows), the drills, the runs and the pending approvals.
  const checkIds = ['orders-lag', 'orders-backups', 'legacy-backups', 'readiness:failover:orders', 'readiness:restore:orders'].sort();
  expect(reads.sort()).toEqual(
    [
      `mget ${checkIds.map((id) => `check:${id}`).join(' ')}`,
      `hmget check-passes ${checkIds.join(' ')}`,
      'zrange incidents:open 0 -1',
      'hgetall noise:silences',
      'lrange drill-history:orders-restore 0 0',
      'hgetall runs:last',
      'xrevrange approvals:audit + - COUNT 500',
      `hgetall approval:${run}`,
      'zrange approvals:pending 0 -1',
    ].sort(),
  );
});

it('reads the check states of 2,500 checks in one MGET and one HMGET per 1,000 checks', async () => {
  const clock = new ManualClock();
  const aws = fakeAws(clock);
  aws.install();
  const extra = Array.from(
    { length: 2_495 },
    (_, i) => `  - { id: web-${i}, type: http, url: "https://web-${i}.example.com/health", ${NEVER} }`,
  );
  const app = await startApp(clock, YAML.replace('runbooks:', `${extra.join('\n')}\nrunbooks:`));
  await seed(app, aws, clock);

  const { answer, reads } = await statusReads(app, clock);
  expect(answer.text).toMatch(/^DR posture: /);
  const stateReads = reads.filter((c) => c.name === 'mget' || c.name === 'hmget');
  expect(stateReads.map((c) => `${c.name} ${c.args.length}`)).toEqual([
    'mget 1000',
    'hmget 1001',
    'mget 1000',
    'hmget 1001',
    'mget 500',
    'hmget 501',
  ]);
  expect(reads.filter((c) => c.name === 'get' || c.name === 'hget')).toEqual([]);
});
