import nock from 'nock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/parse-config.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { assessPosture } from '../../../src/posture/posture.js';
import { namedDatabases } from '../../../src/posture/posture-databases.js';
import { PostureReader } from '../../../src/posture/posture-reader.js';
import { FakeAwsHttp } from '../../doubles/aws-http-nock.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { guardNetwork } from '../../doubles/slack-api-nock.js';
import { testClients } from '../aws/aws-fixtures.js';

/*
 * The DR posture's AWS reads over the real SDK, answered at the HTTP layer: which databases the
 * config names (clusters, global targets by ARN), what DescribeDBClusters says about them, a
 * database AWS does not know, and a describe that answers after the deadline filling the cache.
 */
const HOUR = 3_600_000;
const network = guardNetwork();
afterEach(() => {
  nock.cleanAll();
  expect(network.unmatched).toEqual([]);
  network.reset();
});
afterAll(() => {
  nock.enableNetConnect();
});

const YAML = `
checks:
  - { id: aurora-backups, type: backup, region: eu-west-1, dbCluster: aurora-main, maxAge: 26h }
  - { id: aurora-lag, type: replication-lag, region: eu-west-1, metric: AuroraReplicaLag, dimensions: { DBClusterIdentifier: Aurora-Main }, thresholds: { SEV3: 60s } }
runbooks:
  failover:
    global: { region: us-east-1, promote: { globalCluster: orders-global, targetCluster: "arn:aws:rds:us-east-2:123456789012:cluster:orders-east2" } }
    writer: { region: eu-west-1, promote: { failoverCluster: aurora-main, targetInstance: aurora-main-2 } }
  restore:
    gone: { region: eu-west-1, dbInstance: gone-db, instanceClass: db.r6g.large, objectives: { rpo: 5m } }
`;

function config() {
  const result = parseConfig(YAML, {});
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config;
}

describe('the DR posture reader', () => {
  it('names each database once, reads clusters with DescribeDBClusters, and says which AWS does not know', async () => {
    const clock = new ManualClock();
    const aws = new FakeAwsHttp();
    aws.cluster('eu-west-1', 'aurora-main', {
      status: 'available',
      latest: clock.now() - 30_000,
      multiAz: true,
      backupRetention: 14,
      encrypted: true,
      deletionProtection: true,
    });
    aws.cluster('us-east-2', 'orders-east2', {
      status: 'available',
      multiAz: false,
      backupRetention: 1,
      encrypted: false,
      deletionProtection: false,
    });
    aws.install();
    const cfg = config();
    const databases = namedDatabases(cfg);
    // The lag check names the cluster in another case: one database, as RDS compares identifiers.
    expect(databases.map((d) => [d.kind, d.region, d.id, d.backupChecks, d.lagChecks])).toEqual([
      ['cluster', 'eu-west-1', 'aurora-main', ['aurora-backups'], ['aurora-lag']],
      ['cluster', 'us-east-2', 'orders-east2', [], []],
      ['instance', 'eu-west-1', 'gone-db', [], []],
    ]);
    const reader = new PostureReader({ clients: testClients(), clock, logger: silentLogger() });
    const read = await reader.read(databases);
    expect(aws.actions().sort()).toEqual([
      'rds:eu-west-1:DescribeDBClusters',
      'rds:eu-west-1:DescribeDBInstanceAutomatedBackups',
      'rds:eu-west-1:DescribeDBInstances',
      'rds:us-east-2:DescribeDBClusters',
    ]);
    expect(read.problems).toEqual([]);
    const posture = assessPosture({ config: cfg, aws: read, states: new Map(), drills: [], runs: new Map(), nowMs: clock.now() });
    expect(posture.databases.map((d) => [d.db.id, d.attention, d.rpoMs])).toEqual([
      ['orders-east2', ['single-AZ', 'not encrypted at rest', 'no deletion protection', 'backups kept only 1 day'], undefined],
      ['gone-db', ['not found in AWS'], undefined],
      ['aurora-main', [], 30_000],
    ]);
    const gone = posture.runbooks.find((r) => r.runbook === 'gone');
    expect(gone?.currentRpo).toEqual({ ms: null, why: 'the source was not found' });
    expect(gone?.rpo).toEqual({ objectiveMs: 300_000, measuredMs: null, missed: false });
  });

  it('answers at its deadline without what is late; the late answer fills the cache for the next read', async () => {
    const clock = new ManualClock();
    const aws = new FakeAwsHttp();
    aws.cluster('eu-west-1', 'aurora-main', { status: 'available', multiAz: true });
    aws.delays.set('DescribeDBClusters', 300);
    aws.install();
    const reader = new PostureReader({ clients: testClients(), clock, logger: silentLogger(), deadlineMs: 50 });
    const databases = namedDatabases(config()).filter((d) => d.region === 'eu-west-1');
    const first = await reader.read(databases);
    expect(first.problems).toContain('rds:DescribeDBClusters in eu-west-1: AWS did not answer within 0.05s');
    expect(first.unavailable.get('cluster:eu-west-1:aurora-main')).toBe(
      'rds:DescribeDBClusters in eu-west-1: AWS did not answer within 0.05s',
    );
    // Polled, not a fixed wait: on a busy machine the late answer can land well after its 300 ms.
    // A read before it lands joins the describe in flight, so polling sends nothing of its own.
    await expect.poll(async () => (await reader.read(databases)).problems, { timeout: 10_000 }).toEqual([]);
    const clusterCalls = () => aws.calls.filter((c) => c.action === 'DescribeDBClusters').length;
    expect(clusterCalls()).toBe(1);
    const second = await reader.read(databases);
    expect(clusterCalls()).toBe(1);
    expect(second.problems).toEqual([]);
    expect(second.facts.get('cluster:eu-west-1:aurora-main')).toMatchObject({ multiAz: true, status: 'available' });
  });

  it('reads the newest available snapshot of 150 databases no backup check watches in two filtered DescribeDBSnapshots', async () => {
    const clock = new ManualClock();
    const aws = new FakeAwsHttp();
    const ids = Array.from({ length: 150 }, (_, i) => `db-${String(i).padStart(3, '0')}`);
    aws.snapshot('eu-west-1', {
      kind: 'instance',
      db: 'db-000',
      id: 'rds:db-000-old',
      status: 'available',
      created: clock.now() - 30 * HOUR,
    });
    aws.snapshot('eu-west-1', {
      kind: 'instance',
      db: 'db-000',
      id: 'rds:db-000-new',
      status: 'available',
      created: clock.now() - 6 * HOUR,
    });
    aws.snapshot('eu-west-1', { kind: 'instance', db: 'db-000', id: 'rds:db-000-failed', status: 'failed', created: clock.now() - HOUR });
    aws.snapshot('eu-west-1', {
      kind: 'instance',
      db: 'db-149',
      id: 'db-149-manual',
      status: 'available',
      created: clock.now() - 2 * HOUR,
    });
    aws.install();
    const refs = ids.map((id) => ({ kind: 'instance' as const, region: 'eu-west-1', id: id === 'db-149' ? 'DB-149' : id }));
    const reader = new PostureReader({ clients: testClients(), clock, logger: silentLogger() });
    const read = await reader.read(refs, refs);
    const describes = aws.calls.filter((c) => c.action === 'DescribeDBSnapshots');
    // 100 identifiers a request, as the other describes: 150 databases, two requests, not 150.
    expect(describes.map((c) => Object.keys(c.params).filter((k) => k.includes('Values.Value')).length)).toEqual([100, 50]);
    expect(describes.every((c) => c.params['Filters.Filter.1.Name'] === 'db-instance-id' && c.params.MaxRecords === '100')).toBe(true);
    expect(read.snapshots?.get('instance:eu-west-1:db-000')).toEqual({ id: 'rds:db-000-new', at: clock.now() - 6 * HOUR });
    expect(read.snapshots?.get('instance:eu-west-1:db-149')).toEqual({ id: 'db-149-manual', at: clock.now() - 2 * HOUR });
    expect(read.snapshots?.get('instance:eu-west-1:db-001')).toBeNull();
    expect(read.snapshots?.size).toBe(150);
    expect(read.snapshotsUnavailable?.size).toBe(0);
  });
});
