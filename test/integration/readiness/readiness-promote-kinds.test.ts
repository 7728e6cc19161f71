import nock from 'nock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/parse-config.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { Metrics } from '../../../src/observability/metrics.js';
import { ReadinessEvaluator } from '../../../src/readiness/readiness-evaluator.js';
import { nockAurora, type FakeCluster } from '../../doubles/aurora-nock.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import { yamlFlow } from '../../doubles/runbook-fixtures.js';
import { guardNetwork } from '../../doubles/slack-api-nock.js';
import { testBackend } from '../../doubles/test-backend.js';
import { testClients } from '../aws/aws-fixtures.js';

// The cluster promote kinds' pre-flight, read-only through readiness's batched describes, answered at the HTTP layer.
const network = guardNetwork();
const redis = useRedisPrefix('readiness-promote-kinds', { perTest: true });
const clients = testClients();

const YAML = `
runbooks:
  failover:
    west: ${yamlFlow({ region: 'us-west-2', promote: { dbCluster: 'orders-west' }, backupRetention: 7 })}
    writer: ${yamlFlow({ region: 'us-west-2', promote: { failoverCluster: 'orders-aurora', targetInstance: 'orders-aurora-2' } })}
`;

function evaluator(): ReadinessEvaluator {
  const result = parseConfig(YAML, {});
  if (!result.ok) throw new Error(result.errors.join('\n'));
  const clock = new ManualClock();
  const store = testBackend(redis.redis, redis.prefix, clock).store;
  return new ReadinessEvaluator({ config: result.config, clients, store, clock, metrics: new Metrics(), logger: silentLogger() });
}

const REPLICA: FakeCluster = { status: 'available', replicationSource: 'orders-east', members: ['orders-west-1'], backupRetention: 1 };
const AURORA: FakeCluster = { status: 'available', members: ['orders-aurora-1', 'orders-aurora-2'], backupRetention: 7 };
const INSTANCES = { 'orders-aurora-1': 'available', 'orders-aurora-2': 'available' };

afterEach(() => {
  expect(network.unmatched).toEqual([]);
  network.reset();
});
afterAll(() => {
  clients.destroy();
  nock.enableNetConnect();
});

describe('readiness of the cluster promote kinds', () => {
  it('finds both ready, changing nothing', async () => {
    const rds = nockAurora('us-west-2', { clusters: { 'orders-west': REPLICA, 'orders-aurora': AURORA }, instances: INSTANCES });

    const report = await evaluator().evaluate();

    expect(report.runbooks).toEqual([
      { kind: 'failover', runbook: 'west', status: 'ready' },
      { kind: 'failover', runbook: 'writer', status: 'ready' },
    ]);
    expect(new Set(rds.received.map((r) => r.action))).toEqual(new Set(['DescribeDBClusters', 'DescribeDBInstances']));
  });

  it('a replica cluster promoted out of band and a writer already moved make them not ready', async () => {
    const { replicationSource: _source, ...promoted } = REPLICA;
    nockAurora('us-west-2', {
      clusters: { 'orders-west': promoted, 'orders-aurora': { ...AURORA, writer: 'orders-aurora-2' } },
      instances: INSTANCES,
    });

    const report = await evaluator().evaluate();

    expect(report.runbooks.map((r) => [r.runbook, r.status])).toEqual([
      ['west', 'not-ready'],
      ['writer', 'not-ready'],
    ]);
    expect(JSON.stringify(report)).toContain('cluster orders-west is available and not a read replica (already promoted?)');
    expect(JSON.stringify(report)).toContain('orders-aurora-2 is already the writer of cluster orders-aurora');
  });
});
