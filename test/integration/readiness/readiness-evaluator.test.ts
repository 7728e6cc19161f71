import nock from 'nock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/parse-config.js';
import type { Config } from '../../../src/config/types.js';
import { IncidentEngine } from '../../../src/incidents/incident-engine.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { Metrics } from '../../../src/observability/metrics.js';
import { BatchedRdsReads } from '../../../src/readiness/batched-rds-reads.js';
import { BatchedRoute53Reads } from '../../../src/readiness/batched-route53-reads.js';
import { ReadinessEvaluator } from '../../../src/readiness/readiness-evaluator.js';
import { planDisplayRefusal } from '../../../src/bot/approvals/blocks/plan-display-refusal.js';
import { FakeAwsHttp } from '../../doubles/aws-http-nock.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import { OVERSIZED_FAILOVER, OVERSIZED_REPLICA } from '../../doubles/oversized-runbook.js';
import { lag } from '../../doubles/results.js';
import { ORDERS_FAILOVER, ORDERS_LAG_CHECK, ORDERS_RESTORE, yamlFlow } from '../../doubles/runbook-fixtures.js';
import { guardNetwork } from '../../doubles/slack-api-nock.js';
import { testBackend } from '../../doubles/test-backend.js';
import { testClients } from '../aws/aws-fixtures.js';

// Every runbook's pre-flight through the real planner, over the real SDK, answered at the HTTP layer.
const network = guardNetwork();
const redis = useRedisPrefix('readiness-evaluator', { perTest: true });

const ORDERS_2 = {
  region: 'us-west-2',
  promote: { dbInstance: 'orders-replica-2' },
  dns: {
    hostedZoneId: 'Z123',
    name: 'orders-2.db.example.com',
    type: 'CNAME',
    value: 'orders-replica-2.abc.us-west-2.rds.amazonaws.com',
    ttl: 60,
  },
};
const YAML = `
checks:
  - ${yamlFlow(ORDERS_LAG_CHECK)}
runbooks:
  failover:
    orders: ${yamlFlow(ORDERS_FAILOVER)}
    orders-2: ${yamlFlow(ORDERS_2)}
  restore:
    orders: ${yamlFlow(ORDERS_RESTORE)}
`;

function config(): Config {
  const result = parseConfig(YAML, {});
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config;
}

let aws: FakeAwsHttp;
let clock: ManualClock;
let metrics: Metrics;
let evaluator: ReadinessEvaluator;
let engine: IncidentEngine;
const clients = testClients();

beforeEach(async () => {
  clock = new ManualClock();
  metrics = new Metrics();
  const backend = testBackend(redis.redis, redis.prefix, clock);
  engine = new IncidentEngine({
    store: backend.store,
    clock,
    logger: silentLogger(),
    policies: new Map([['orders-lag', { failAfter: 1, recoverAfter: 1 }]]),
    fencing: { mode: 'unfenced' },
  });
  evaluator = new ReadinessEvaluator({ config: config(), clients, store: backend.store, clock, metrics, logger: silentLogger() });
  aws = new FakeAwsHttp();
  aws.instance('us-west-2', 'orders-replica', { status: 'available', replicaSource: 'orders-db' });
  aws.instance('us-west-2', 'orders-replica-2', { status: 'available', replicaSource: 'orders-db-2' });
  aws.instance('us-east-1', 'orders-db', { status: 'available', latestRestorableTime: clock.now() - 120_000 });
  aws.backup('us-east-1', 'orders-db', { earliest: clock.now() - 7 * 86_400_000, latest: clock.now() - 120_000 });
  aws.record('Z123', { name: 'orders.db.example.com.', type: 'CNAME', ttl: 60, values: ['orders-db.abc.us-east-1.rds.amazonaws.com'] });
  aws.record('Z123', { name: 'orders-2.db.example.com.', type: 'CNAME', ttl: 60, values: ['orders-db-2.abc.us-east-1.rds.amazonaws.com'] });
  aws.record('Z123', { name: 'www.example.com.', type: 'A', ttl: 300, values: ['192.0.2.10'] });
  aws.install();
  // The guard's lag, as the monitor would have written it a minute ago.
  await engine.apply(lag(12, null, 'orders-lag', clock.now() - 60_000));
  await engine.flushQuietPasses(); // a pass: written with the leader's batch, as it would be by now
});
afterEach(() => {
  expect(network.unmatched).toEqual([]);
  network.reset();
});
afterAll(() => {
  clients.destroy();
  nock.enableNetConnect();
});

const gauge = async (kind: string, runbook: string) =>
  (await metrics.runbookReady.get()).values.find((v) => v.labels.kind === kind && v.labels.runbook === runbook)?.value;

describe('readiness evaluation', () => {
  it('finds every runbook ready with fewer AWS calls than runbooks: describes batched per region, one zone listing', async () => {
    const report = await evaluator.evaluate();
    expect(report.runbooks).toEqual([
      { kind: 'failover', runbook: 'orders', status: 'ready' },
      { kind: 'failover', runbook: 'orders-2', status: 'ready' },
      { kind: 'restore', runbook: 'orders', status: 'ready' },
    ]);
    expect(aws.actions().sort()).toEqual([
      'rds:us-east-1:DescribeDBInstanceAutomatedBackups',
      'rds:us-east-1:DescribeDBInstances',
      'rds:us-west-2:DescribeDBInstances',
      'route53:ListResourceRecordSets',
    ]);
    const west = aws.calls.find((c) => c.region === 'us-west-2');
    expect(west?.params).toMatchObject({
      'Filters.Filter.1.Name': 'db-instance-id',
      'Filters.Filter.1.Values.Value.1': 'orders-replica',
      'Filters.Filter.1.Values.Value.2': 'orders-replica-2',
    });
    // The restore's new identifier is looked up in the same batch as its source.
    const east = aws.calls.find((c) => c.region === 'us-east-1' && c.action === 'DescribeDBInstances');
    expect(Object.values(east?.params ?? {})).toEqual(expect.arrayContaining(['orders-db', expect.stringMatching(/^orders-db-restore-/)]));
    // Two names in Z123: the zone is listed once rather than read name by name.
    expect(aws.calls.find((c) => c.service === 'route53')?.params).toEqual({ zone: 'Z123', maxitems: '300' });
    expect(await gauge('failover', 'orders')).toBe(1);
    expect(await gauge('restore', 'orders')).toBe(1);
  });

  it('a replica promoted out of band and a record retyped by hand make their runbooks not ready, naming the failing check', async () => {
    aws.instance('us-west-2', 'orders-replica', { status: 'available' });
    aws.record('Z123', { name: 'orders-2.db.example.com.', type: 'A', ttl: 60, values: ['192.0.2.20'] });
    aws.zones.set(
      'Z123',
      (aws.zones.get('Z123') ?? []).filter((r) => !(r.name === 'orders-2.db.example.com.' && r.type === 'CNAME')),
    );
    const report = await evaluator.evaluate();
    expect(report.runbooks).toEqual([
      {
        kind: 'failover',
        runbook: 'orders',
        status: 'not-ready',
        failing: 'target state',
        reason:
          'target state: orders-replica is available and not a read replica (already promoted?) (needs orders-replica is a read replica in state available)',
      },
      {
        kind: 'failover',
        runbook: 'orders-2',
        status: 'not-ready',
        failing: 'DNS record',
        reason:
          'DNS record: orders-2.db.example.com. already has a record of type A, which a CNAME record cannot coexist with (needs orders-2.db.example.com. has no routing policy or conflicting record, and is unchanged since the plan)',
      },
      { kind: 'restore', runbook: 'orders', status: 'ready' },
    ]);
    expect(await gauge('failover', 'orders')).toBe(0);
    expect(await gauge('failover', 'orders-2')).toBe(0);
  });

  it('replica lag above the guard makes the failover not ready', async () => {
    await engine.apply(lag(900, 'SEV2', 'orders-lag', clock.now() - 30_000));
    const orders = (await evaluator.evaluate()).runbooks[0];
    expect(orders).toMatchObject({ kind: 'failover', runbook: 'orders', status: 'not-ready', failing: 'replica lag (orders-lag)' });
    expect(orders?.status === 'not-ready' && orders.reason).toContain('lag 900s, measured 30s ago');
  });

  it('throttling is reported as unknown, says so, and leaves the last verdict in the gauge', async () => {
    await evaluator.evaluate();
    aws.failures.set('DescribeDBInstances', { code: 'Throttling', status: 400 });
    const report = await evaluator.evaluate();
    expect(report.runbooks.map((r) => r.status)).toEqual(['unknown', 'unknown', 'unknown']);
    const reason = report.runbooks[0]?.status === 'unknown' ? report.runbooks[0].reason : '';
    expect(reason).toContain('target state: could not check: AWS said Throttling; AWS is throttling rds:DescribeDBInstances');
    expect(await gauge('failover', 'orders')).toBe(1);
  });

  it('a missing permission is reported as unknown naming the permission, unless another check fails outright', async () => {
    aws.failures.set('ListResourceRecordSets', { code: 'AccessDenied', status: 403 });
    const report = await evaluator.evaluate();
    expect(report.runbooks[1]).toEqual({
      kind: 'failover',
      runbook: 'orders-2',
      status: 'unknown',
      reason: 'DNS record: could not check: AWS said AccessDenied; check that the IAM policy allows route53:ListResourceRecordSets',
    });
    aws.instance('us-west-2', 'orders-replica', { status: 'backing-up', replicaSource: 'orders-db' });
    const orders = (await evaluator.evaluate()).runbooks[0];
    expect(orders).toMatchObject({ status: 'not-ready', failing: 'target state' });
  });

  it('an Aurora restore runbook: its cluster and both new identifiers in one filtered describe each; backups off make it not ready', async () => {
    const backend = testBackend(redis.redis, redis.prefix, clock);
    const aurora = parseConfig(
      `runbooks:\n  restore:\n    orders-aurora: { region: us-east-1, dbCluster: orders-east, instanceClass: db.r6g.large }\n`,
      {},
    );
    if (!aurora.ok) throw new Error(aurora.errors.join('\n'));
    const evaluate = () =>
      new ReadinessEvaluator({ config: aurora.config, clients, store: backend.store, clock, metrics, logger: silentLogger() }).evaluate();
    aws.cluster('us-east-1', 'orders-east', { status: 'available', earliest: clock.now() - 86_400_000, latest: clock.now() - 60_000 });
    expect((await evaluate()).runbooks).toEqual([{ kind: 'restore', runbook: 'orders-aurora', status: 'ready' }]);
    expect(aws.actions().sort()).toEqual(['rds:us-east-1:DescribeDBClusters', 'rds:us-east-1:DescribeDBInstances']);
    const clusters = aws.calls.find((c) => c.action === 'DescribeDBClusters');
    expect(clusters?.params).toMatchObject({ 'Filters.Filter.1.Name': 'db-cluster-id', 'Filters.Filter.1.Values.Value.1': 'orders-east' });
    expect(clusters?.params['Filters.Filter.1.Values.Value.2']).toMatch(/^orders-east-restore-/);

    aws.cluster('us-east-1', 'orders-east', { status: 'available' });
    expect((await evaluate()).runbooks[0]).toMatchObject({ status: 'not-ready', failing: 'restore window' });
  });

  it('one name in a zone is read on its own, as a request reads it', async () => {
    const single = new BatchedRoute53Reads(() => clients.route53());
    const records = await single.recordsNamed('/hostedzone/Z123', 'orders.db.example.com');
    expect(records.map((r) => r.values)).toEqual([['orders-db.abc.us-east-1.rds.amazonaws.com']]);
    expect(aws.calls.map((c) => c.params)).toEqual([{ zone: 'Z123', name: 'orders.db.example.com.', maxitems: '20' }]);
  });

  it('the readiness gateways refuse every change: evaluation cannot mutate', async () => {
    const rds = new BatchedRdsReads(clients);
    const route53 = new BatchedRoute53Reads(() => clients.route53());
    await expect(rds.promoteReadReplica()).rejects.toThrow(/read-only: PromoteReadReplica/);
    await expect(rds.restoreDbInstanceToPointInTime()).rejects.toThrow(/read-only/);
    await expect(route53.changeRecordSets()).rejects.toThrow(/read-only: ChangeResourceRecordSets/);
    expect(aws.calls).toEqual([]);
  });

  it('a hook whose token variable is set but empty makes its runbook not ready, as a request would be refused', async () => {
    const hooked = { ...ORDERS_2, hooks: [{ name: 'scale-dr-api', url: 'https://ops.example.com/scale' }] };
    const result = parseConfig(YAML.replace(`orders-2: ${yamlFlow(ORDERS_2)}`, `orders-2: ${yamlFlow(hooked)}`), {
      LIFEBOAT_HOOK_SCALE_DR_API_TOKEN: ' ',
    });
    if (!result.ok) throw new Error(result.errors.join('\n'));
    const hookTokens = result.config.env.hookTokens ?? {};
    const store = testBackend(redis.redis, redis.prefix, clock).store;
    const report = await new ReadinessEvaluator({
      config: result.config,
      clients,
      store,
      clock,
      metrics,
      logger: silentLogger(),
      hookTokens,
    }).evaluate();
    expect(report.runbooks).toEqual([
      { kind: 'failover', runbook: 'orders', status: 'ready' },
      expect.objectContaining({ kind: 'failover', runbook: 'orders-2', status: 'not-ready', failing: 'hook token' }),
      { kind: 'restore', runbook: 'orders', status: 'ready' },
    ]);
    expect(await gauge('failover', 'orders-2')).toBe(0);
  });

  it('a runbook whose plan cannot be shown whole in Slack is not ready with the refusal a request gets; the others stay ready', async () => {
    const result = parseConfig(YAML.replace(`    orders-2: ${yamlFlow(ORDERS_2)}`, `$&\n    big: ${yamlFlow(OVERSIZED_FAILOVER)}`), {});
    if (!result.ok) throw new Error(result.errors.join('\n'));
    aws.instance('us-west-2', OVERSIZED_REPLICA, { status: 'available', replicaSource: 'big-db' });
    const store = testBackend(redis.redis, redis.prefix, clock).store;
    const evaluator = new ReadinessEvaluator({
      config: result.config,
      clients,
      store,
      clock,
      metrics,
      logger: silentLogger(),
      displayRefusal: planDisplayRefusal,
    });
    const report = await evaluator.evaluate();
    expect(report.runbooks.map((r) => [r.runbook, r.status])).toEqual([
      ['orders', 'ready'],
      ['orders-2', 'ready'],
      ['big', 'not-ready'],
      ['orders', 'ready'],
    ]);
    const big = report.runbooks[2];
    expect(big).toMatchObject({ kind: 'failover', runbook: 'big', failing: 'plan display' });
    const reason = big?.status === 'not-ready' ? big.reason : '';
    // The words planDisplayRefusal gives a requester of `/dr failover big`, whole.
    expect(reason).toMatch(
      /^Failover big: promote big-replica \(us-west-2\) refused: the plan \(\d+ steps, \d+ characters in \d+ sections\) cannot be shown whole in Slack: its approval message needs \d+ blocks and Slack allows 50 in one message/,
    );
    expect(reason).toMatch(/nothing was requested and nothing changed\. Shorten the text to publish, or split the change\.$/);
    expect(await gauge('failover', 'big')).toBe(0);
    expect(await gauge('failover', 'orders')).toBe(1);
  });
});
