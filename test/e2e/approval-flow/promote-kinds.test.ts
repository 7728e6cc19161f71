import { describe, expect, it } from 'vitest';
import { dbInstance, describedInstances, httpAwsClients, nockRds, nockRoute53, type SimpleRecord } from '../../doubles/aws-http.js';
import { nockAurora, type FakeCluster, type MutationReply } from '../../doubles/aurora-nock.js';
import { ORDERS_REPLICA_ENDPOINT } from '../../doubles/runbook-fixtures.js';
import { nockPostMessage } from '../../doubles/slack-api-nock.js';
import { startServiceFlow } from './approval-flow-harness.js';
import { approveAndRunFailover, slash } from './flow-requests.js';
import { useApprovalFlow } from './use-approval-flow.js';

/*
 * The promote kinds beyond a replica instance, and a runbook without one, each requested in Slack,
 * approved and run through the wiring users run (buildApp), with RDS and Route 53 answered at the
 * HTTP layer.
 */

const WEST_CLUSTER_ENDPOINT = 'orders-west.cluster-abc.us-west-2.rds.amazonaws.com';
const WEST_ARN = 'arn:aws:rds:us-west-2:123456789012:cluster:orders-west';
const EAST_ARN = 'arn:aws:rds:us-east-1:123456789012:cluster:orders-east';
const DNS = { hostedZoneId: 'Z123', name: 'orders.db.example.com', type: 'CNAME', ttl: 60 };

const RUNBOOKS = {
  // A cross-region Aurora read replica cluster, kept 7 days of backups once promoted.
  'orders-cluster': {
    region: 'us-west-2',
    promote: { dbCluster: 'orders-west' },
    backupRetention: 7,
    dns: { ...DNS, value: WEST_CLUSTER_ENDPOINT },
  },
  // The in-region Aurora writer move.
  'orders-writer': { region: 'us-west-2', promote: { failoverCluster: 'orders-aurora', targetInstance: 'orders-aurora-2' } },
  // DNS only: the database behind the name already takes writes.
  'orders-dns': { region: 'us-west-2', dns: { ...DNS, value: ORDERS_REPLICA_ENDPOINT } },
  // An Aurora global database switched over to its us-west-2 secondary, kept 7 days of backups.
  'orders-global': {
    region: 'us-west-2',
    promote: { globalCluster: 'orders-global', targetCluster: WEST_ARN },
    backupRetention: 7,
    dns: { ...DNS, value: WEST_CLUSTER_ENDPOINT },
  },
  // A replica instance promoted with 14 days of backups in the same call.
  'orders-retained': { region: 'us-west-2', promote: { dbInstance: 'orders-replica' }, backupRetention: 14 },
};

const flow = useApprovalFlow(() => startServiceFlow({ failoverRunbooks: RUNBOOKS }, httpAwsClients()));

const OLD_PRIMARY = 'orders-db.abc.us-east-1.rds.amazonaws.com';

/** Route 53 holding the old primary until a change writes the new one; `onChange` sees each change arrive. */
function route53(onChange: () => void = () => undefined) {
  let record: SimpleRecord = { name: 'orders.db.example.com.', type: 'CNAME', ttl: 60, value: OLD_PRIMARY };
  const changes = nockRoute53({
    records: () => [record],
    change: (written) => {
      onChange();
      record = written;
      return 'accept';
    },
  });
  return { changes, record: () => record };
}

/** The west replica cluster of the us-east-1 primary, keeping 1 day of backups. */
function westReplica(): FakeCluster {
  return {
    status: 'available',
    replicationSource: 'arn:aws:rds:us-east-1:123456789012:cluster:orders-east',
    members: ['orders-west-1'],
    backupRetention: 1,
    endpoint: WEST_CLUSTER_ENDPOINT,
  };
}

const approveAndRun = (runbook: string) => approveAndRunFailover(flow, runbook);

describe('promote: { dbCluster } (a cross-region Aurora read replica cluster)', () => {
  it('promotes the cluster, waits until it no longer replicates, sets its backup retention, then moves DNS', async () => {
    const rds = nockAurora('us-west-2', { clusters: { 'orders-west': westReplica() } });
    const dns = route53();

    const { plan, thread } = await approveAndRun('orders-cluster');

    expect(plan).toContain('Failover orders-cluster: promote cluster orders-west (us-west-2)');
    expect(plan).toContain('PromoteReadReplicaDBCluster');
    expect(plan).toContain('ModifyDBCluster');
    expect((await flow.approvals.get('APR-1'))?.state).toBe('succeeded');
    expect(rds.sent('PromoteReadReplicaDBCluster')).toEqual([{ DBClusterIdentifier: 'orders-west' }]);
    expect(rds.sent('ModifyDBCluster')).toEqual([
      { DBClusterIdentifier: 'orders-west', BackupRetentionPeriod: '7', ApplyImmediately: 'true' },
    ]);
    const order = rds.received.map((r) => r.action).filter((a) => a !== 'DescribeDBClusters' && a !== 'DescribeDBInstances');
    expect(order).toEqual(['PromoteReadReplicaDBCluster', 'ModifyDBCluster']);
    expect(rds.clusters.get('orders-west')).toMatchObject({ status: 'available', backupRetention: 7 });
    expect(rds.clusters.get('orders-west')?.replicationSource).toBeUndefined();
    expect(dns.record().value).toBe(WEST_CLUSTER_ENDPOINT);
    expect(thread.join('\n')).toContain('cluster orders-west is standalone and available');
    expect(thread.join('\n')).toContain('cluster orders-west is available with 7 days of backups');
  });

  it('a promotion AWS accepted but never answered (503) is read back, not sent again, and the run goes on', async () => {
    const reply = (action: string): MutationReply =>
      action === 'PromoteReadReplicaDBCluster' ? { accepted: true, answer: 'unavailable' } : { accepted: true, answer: 'ok' };
    const rds = nockAurora('us-west-2', { clusters: { 'orders-west': westReplica() }, reply });
    route53();

    const { thread } = await approveAndRun('orders-cluster');

    expect(rds.sent('PromoteReadReplicaDBCluster')).toHaveLength(1);
    expect((await flow.approvals.get('APR-1'))?.state).toBe('succeeded');
    expect(thread.join('\n')).toContain(
      "PromoteReadReplicaDBCluster: AWS's answer was lost (ServiceUnavailable: Service unavailable (HTTP 503)); reading back, cluster orders-west is promoting (promotion under way): it took effect, and it was not sent again",
    );
  });

  it('a promotion AWS did not act on stops the run before DNS, unsent a second time', async () => {
    const rds = nockAurora('us-west-2', {
      clusters: { 'orders-west': westReplica() },
      reply: () => ({ accepted: false, answer: 'unavailable' }),
    });
    const dns = route53();

    const { thread } = await approveAndRun('orders-cluster');

    expect(rds.sent('PromoteReadReplicaDBCluster')).toHaveLength(1);
    expect(rds.sent('ModifyDBCluster')).toEqual([]);
    expect((await flow.approvals.get('APR-1'))?.state).toBe('failed');
    expect(dns.changes).toEqual([]);
    expect(thread.join('\n')).toContain(
      'cluster orders-west is still an available read replica of arn:aws:rds:us-east-1:123456789012:cluster:orders-east: it shows no effect',
    );
  });

  it('refuses a cluster that is no longer a read replica, saying so', async () => {
    const { replicationSource: _source, ...standalone } = westReplica();
    const rds = nockAurora('us-west-2', { clusters: { 'orders-west': standalone } });
    route53();

    const posts = nockPostMessage(30);
    const replies = await slash(flow, 'failover orders-cluster');

    expect(JSON.stringify(replies)).toContain('cluster orders-west is available and not a read replica (already promoted?)');
    expect(posts.calls).toEqual([]);
    expect(rds.sent('PromoteReadReplicaDBCluster')).toEqual([]);
  });
});

describe('promote: { failoverCluster, targetInstance } (the in-region Aurora writer move)', () => {
  const aurora = (): FakeCluster => ({ status: 'available', members: ['orders-aurora-1', 'orders-aurora-2'], backupRetention: 7 });

  it('fails the cluster over to the target and waits until it is the writer', async () => {
    const rds = nockAurora('us-west-2', {
      clusters: { 'orders-aurora': aurora() },
      instances: { 'orders-aurora-1': 'available', 'orders-aurora-2': 'available' },
    });

    const { plan, thread } = await approveAndRun('orders-writer');

    expect(plan).toContain('Failover orders-writer: move the writer of orders-aurora to orders-aurora-2 (us-west-2)');
    // The cluster's instances share its storage: no replica lag to guard, so no warning about one.
    expect(plan).not.toContain('No lag guard');
    expect((await flow.approvals.get('APR-1'))?.state).toBe('succeeded');
    expect(rds.sent('FailoverDBCluster')).toEqual([
      { DBClusterIdentifier: 'orders-aurora', TargetDBInstanceIdentifier: 'orders-aurora-2' },
    ]);
    expect(rds.sent('ModifyDBCluster')).toEqual([]);
    expect(rds.clusters.get('orders-aurora')).toMatchObject({ status: 'available', writer: 'orders-aurora-2' });
    expect(thread.join('\n')).toContain('orders-aurora-2 is the writer of cluster orders-aurora, available');
  });

  it('refuses when the target is already the writer', async () => {
    const rds = nockAurora('us-west-2', {
      clusters: { 'orders-aurora': { ...aurora(), writer: 'orders-aurora-2' } },
      instances: { 'orders-aurora-1': 'available', 'orders-aurora-2': 'available' },
    });

    nockPostMessage(30);
    const replies = await slash(flow, 'failover orders-writer');

    expect(JSON.stringify(replies)).toContain('orders-aurora-2 is already the writer of cluster orders-aurora');
    expect(rds.sent('FailoverDBCluster')).toEqual([]);
  });
});

describe('backupRetention on promote: { globalCluster, targetCluster }', () => {
  it('switches over, then sets the retention on the new primary cluster before DNS moves', async () => {
    const rds = nockAurora('us-west-2', {
      clusters: { 'orders-west': { status: 'available', members: ['orders-west-1'], backupRetention: 1, endpoint: WEST_CLUSTER_ENDPOINT } },
      globals: { 'orders-global': { members: [EAST_ARN, WEST_ARN], writer: EAST_ARN } },
    });
    let retentionAtCutOver: number | undefined;
    const dns = route53(() => {
      retentionAtCutOver = rds.clusters.get('orders-west')?.backupRetention;
    });

    const { plan, thread } = await approveAndRun('orders-global');

    expect(plan).toContain('Failover orders-global: switch over orders-global to orders-west (us-west-2)');
    expect((await flow.approvals.get('APR-1'))?.state).toBe('succeeded');
    const order = rds.received.map((r) => r.action).filter((a) => !a.startsWith('Describe'));
    expect(order).toEqual(['SwitchoverGlobalCluster', 'ModifyDBCluster']);
    expect(rds.sent('ModifyDBCluster')).toEqual([
      { DBClusterIdentifier: 'orders-west', BackupRetentionPeriod: '7', ApplyImmediately: 'true' },
    ]);
    expect(rds.globals.get('orders-global')?.writer).toBe(WEST_ARN);
    expect(retentionAtCutOver).toBe(7);
    expect(dns.record().value).toBe(WEST_CLUSTER_ENDPOINT);
    expect(thread.join('\n')).toContain('cluster orders-west is available with 7 days of backups');
  });
});

describe('a runbook without promote', () => {
  it('moves DNS only, touching no database', async () => {
    const rds = nockRds('us-west-2', (action) => ({ error: { status: 400, code: 'InvalidAction', message: `not expected: ${action}` } }));
    const dns = route53();

    const { plan } = await approveAndRun('orders-dns');

    expect(plan).toContain('Failover orders-dns: DNS only, no database promotion (us-west-2)');
    expect((await flow.approvals.get('APR-1'))?.state).toBe('succeeded');
    expect(rds).toEqual([]);
    expect(dns.changes).toHaveLength(1);
    expect(dns.record().value).toBe(ORDERS_REPLICA_ENDPOINT);
  });
});

describe('backupRetention on promote: { dbInstance }', () => {
  it('is sent with PromoteReadReplica itself', async () => {
    let promoted = false;
    const sent: Array<Record<string, string>> = [];
    nockRds('us-west-2', (action, params) => {
      if (action === 'PromoteReadReplica') {
        sent.push(params);
        promoted = true;
        return { result: { DBInstance: dbInstance({ id: 'orders-replica', status: 'modifying', replicaOf: 'orders-db' }) } };
      }
      const db = promoted
        ? dbInstance({ id: 'orders-replica', status: 'available', endpoint: ORDERS_REPLICA_ENDPOINT })
        : dbInstance({ id: 'orders-replica', status: 'available', replicaOf: 'orders-db' });
      return { result: describedInstances(db) };
    });

    const { plan } = await approveAndRun('orders-retained');

    expect(plan).toContain('keeping 14 days of automated backups');
    expect((await flow.approvals.get('APR-1'))?.state).toBe('succeeded');
    expect(sent).toEqual([expect.objectContaining({ DBInstanceIdentifier: 'orders-replica', BackupRetentionPeriod: '14' })]);
  });
});
