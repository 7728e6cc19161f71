import { beforeEach, describe, expect, it } from 'vitest';
import { DescribeDBInstancesCommand, PromoteReadReplicaCommand } from '@aws-sdk/client-rds';
import { ChangeResourceRecordSetsCommand, GetChangeCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import type { FailoverRequest } from '../../../src/core/action-request.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { cname, commandNames, dbInstance, harness } from './fixtures.js';
import { ORDERS_REPLICA_ENDPOINT } from '../../doubles/runbook-fixtures.js';

const h = harness();
const request: FailoverRequest = { kind: 'failover', runbook: 'orders', dryRun: false, allowDataLoss: false };
const OLD = 'orders-db.abc.us-east-1.rds.amazonaws.com';
const NEW = ORDERS_REPLICA_ENDPOINT;
const replica = dbInstance('orders-replica', 'available', { ReadReplicaSourceDBInstanceIdentifier: 'orders-db' });

/** ListResourceRecordSets from orders.db.example.com.: its CNAME, then the next name in the zone. */
function mockListRecords(records = [cname('orders.db.example.com.', OLD), cname('payments.db.example.com.', 'x.example.com')]) {
  h.r53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: records, IsTruncated: false, MaxItems: 20 });
}

/** ChangeResourceRecordSets answering a PENDING change with the /change/ prefix Route 53 uses. */
function mockChangeRecords() {
  h.r53
    .on(ChangeResourceRecordSetsCommand)
    .resolves({ ChangeInfo: { Id: '/change/C2682N5HXP0BZ4', Status: 'PENDING', SubmittedAt: new Date(MANUAL_CLOCK_START) } });
}

/** GetChange answering each status in turn. */
function mockGetChange(...statuses: Array<'PENDING' | 'INSYNC'>) {
  let stub = h.r53.on(GetChangeCommand);
  for (const Status of statuses)
    stub = stub.resolvesOnce({ ChangeInfo: { Id: '/change/C2682N5HXP0BZ4', Status, SubmittedAt: new Date(MANUAL_CLOCK_START) } });
}

beforeEach(() => {
  h.reset();
  h.lag.set('orders-lag', 12, MANUAL_CLOCK_START - 30_000);
});

describe('RDS replica failover: plan', () => {
  it('plans PromoteReadReplica, a wait, the DNS UPSERT replacing the current record, and GetChange until INSYNC', async () => {
    h.west.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-replica' }).resolves({ DBInstances: [replica] });
    mockListRecords();

    const plan = await h.planner.plan(request);

    const previous = { name: 'orders.db.example.com.', type: 'CNAME', ttl: 60, values: [OLD] };
    expect(plan.calls).toEqual([
      {
        id: 'promote',
        service: 'rds',
        operation: 'PromoteReadReplica',
        region: 'us-west-2',
        input: { DBInstanceIdentifier: 'orders-replica' },
        description: 'Promote read replica orders-replica to a standalone primary (irreversible)',
        irreversible: true,
      },
      {
        id: 'wait-promoted',
        service: 'rds',
        operation: 'DescribeDBInstances',
        region: 'us-west-2',
        input: { DBInstanceIdentifier: 'orders-replica' },
        description: 'Wait until orders-replica is standalone and available (up to 1h)',
        wait: { until: 'promoted', timeoutMs: 3_600_000 },
      },
      {
        id: 'dns-upsert',
        service: 'route53',
        operation: 'ChangeResourceRecordSets',
        input: {
          HostedZoneId: 'Z123',
          ChangeBatch: {
            Comment: 'Lifeboat failover orders (plan plan-1)',
            Changes: [
              {
                Action: 'UPSERT',
                ResourceRecordSet: { Name: 'orders.db.example.com.', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: NEW }] },
              },
            ],
          },
        },
        description: `Point orders.db.example.com. CNAME at ${NEW} (TTL 60s), replacing CNAME ${OLD} (TTL 60s)`,
        replaces: [previous],
      },
      {
        id: 'dns-insync',
        service: 'route53',
        operation: 'GetChange',
        input: {},
        description: 'Wait until the DNS change is INSYNC on every Route 53 server (up to 15m)',
        wait: { until: 'INSYNC', after: 'dns-upsert', timeoutMs: 900_000 },
      },
    ]);
    expect(plan.preflight.map(({ name, ok, observed, requirement }) => ({ name, ok, observed, requirement }))).toEqual([
      {
        name: 'replica lag (orders-lag)',
        ok: true,
        observed: 'lag 12s, measured 30s ago',
        requirement: 'lag <= 5m, measured within the last 10m',
      },
      {
        name: 'target state',
        ok: true,
        observed: 'orders-replica is available, replicating from orders-db',
        requirement: 'orders-replica is a read replica in state available',
      },
      {
        name: 'DNS record',
        ok: true,
        observed: `orders.db.example.com. is CNAME ${OLD} (TTL 60s); the UPSERT replaces it with ${NEW} (TTL 60s)`,
        requirement: 'orders.db.example.com. has no routing policy or conflicting record, and is unchanged since the plan',
      },
    ]);
    // What DNS held is frozen into the check the runner re-runs.
    expect(plan.preflight[2]?.check).toMatchObject({ kind: 'dns-record', expected: previous });
    expect(plan).toMatchObject({
      id: 'plan-1',
      title: 'Failover orders: promote orders-replica (us-west-2)',
      subject: 'orders',
      resources: ['runbook:failover:orders', 'rds:us-west-2:instance:orders-replica', 'route53:Z123:orders.db.example.com.'],
      destructive: true,
      createdAt: MANUAL_CLOCK_START,
    });
    expect(plan.warnings).toEqual([
      'Irreversible: promoting orders-replica ends its replication for good; failing back needs a new read replica.',
      // RDS's documented default for PromoteReadReplica's BackupRetentionPeriod ("Default: 1").
      'No backupRetention on this runbook: PromoteReadReplica leaves orders-replica with its default of 1 day of automated backups.',
      'Clients may keep resolving orders.db.example.com. to the old value for up to its TTL (60s) after the change.',
    ]);
    expect(h.r53.commandCalls(ListResourceRecordSetsCommand).map((c) => c.args[0].input)).toEqual([
      { HostedZoneId: 'Z123', StartRecordName: 'orders.db.example.com.', MaxItems: 20 },
    ]);
    // Planning only reads.
    expect(commandNames(h.west)).toEqual(['DescribeDBInstancesCommand']);
    expect(commandNames(h.r53)).toEqual(['ListResourceRecordSetsCommand']);
  });

  it('refuses a replica that is backing-up (PromoteReadReplica cannot promote it then)', async () => {
    h.west.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ ...replica, DBInstanceStatus: 'backing-up' }] });
    mockListRecords();

    await expect(h.planner.plan(request)).rejects.toMatchObject({
      code: 'LIFEBOAT_PREFLIGHT_FAILED',
      message:
        'Failover orders: promote orders-replica (us-west-2) refused: target state: orders-replica is backing-up (needs orders-replica is a read replica in state available). Nothing was changed.',
    });
  });

  it('refuses a DNS name held by a weighted record set (routing policy), which an UPSERT would not replace', async () => {
    h.west.on(DescribeDBInstancesCommand).resolves({ DBInstances: [replica] });
    mockListRecords([{ ...cname('orders.db.example.com.', OLD), SetIdentifier: 'east', Weight: 100 }]);

    const plan = await h.planner.plan({ ...request, dryRun: true });

    expect(plan.preflight[2]).toMatchObject({
      ok: false,
      code: 'LIFEBOAT_DNS_CONFLICT',
      observed:
        "orders.db.example.com. CNAME uses a routing policy (SetIdentifier east); a simple record cannot replace a routing-policy set (give the runbook's record its setIdentifier and weight or failover)",
    });
  });

  it('refuses a CNAME where the name already has an A record (a CNAME cannot coexist with other records)', async () => {
    h.west.on(DescribeDBInstancesCommand).resolves({ DBInstances: [replica] });
    mockListRecords([{ Name: 'orders.db.example.com.', Type: 'A', TTL: 300, ResourceRecords: [{ Value: '192.0.2.10' }] }]);

    const plan = await h.planner.plan({ ...request, dryRun: true });

    expect(plan.preflight[2]).toMatchObject({
      ok: false,
      code: 'LIFEBOAT_DNS_CONFLICT',
      observed: 'orders.db.example.com. already has a record of type A, which a CNAME record cannot coexist with',
    });
    expect(plan.calls[2]?.replaces).toEqual([null]); // no CNAME to replace
  });
});

describe('RDS replica failover: run', () => {
  it('executes exactly the plan: promote, wait until standalone, capture and UPSERT DNS, poll GetChange until INSYNC', async () => {
    h.west
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-replica' })
      .resolvesOnce({ DBInstances: [replica] }) // plan
      .resolvesOnce({ DBInstances: [replica] }) // pre-flight again before executing
      .resolvesOnce({ DBInstances: [{ ...replica, DBInstanceStatus: 'modifying' }] })
      .resolvesOnce({ DBInstances: [dbInstance('orders-replica', 'modifying')] })
      .resolves({ DBInstances: [dbInstance('orders-replica', 'available', { Endpoint: { Address: NEW, Port: 5432 } })] });
    h.west.on(PromoteReadReplicaCommand).resolves({ DBInstance: { ...replica, DBInstanceStatus: 'modifying' } });
    mockListRecords();
    mockChangeRecords();
    mockGetChange('PENDING', 'INSYNC');
    const plan = await h.planner.plan(request);
    h.journal.begin('run-1', plan, MANUAL_CLOCK_START);

    const outcome = await h.runner.run('run-1', plan);

    expect(outcome).toMatchObject({
      runId: 'run-1',
      planId: 'plan-1',
      action: 'failover',
      status: 'succeeded',
      elapsedMs: 20_000,
      dataLossWindowSeconds: 12,
      previousDnsRecords: [{ name: 'orders.db.example.com.', type: 'CNAME', ttl: 60, values: [OLD] }],
    });
    expect(outcome.summary).toBe(
      `Failover orders succeeded in 20s (measured RTO). Data-loss window: replica lag 12s at cut-over. DNS updated; the previous value was CNAME ${OLD} (TTL 60s) (kept for failback). New primary: ${NEW}:5432. Recovery not verified (the runbook has no verify step).`,
    );
    expect(h.west.commandCalls(PromoteReadReplicaCommand).map((c) => c.args[0].input)).toEqual([
      { DBInstanceIdentifier: 'orders-replica' },
    ]);
    expect(commandNames(h.west)).toEqual([
      'DescribeDBInstancesCommand', // plan
      'DescribeDBInstancesCommand', // pre-flight re-run
      'PromoteReadReplicaCommand',
      'DescribeDBInstancesCommand', // modifying, still a replica
      'DescribeDBInstancesCommand', // modifying, standalone
      'DescribeDBInstancesCommand', // available
    ]);
    expect(h.r53.commandCalls(ChangeResourceRecordSetsCommand).map((c) => c.args[0].input)).toEqual([plan.calls[2]?.input]);
    expect(h.r53.commandCalls(GetChangeCommand).map((c) => c.args[0].input)).toEqual([{ Id: 'C2682N5HXP0BZ4' }, { Id: 'C2682N5HXP0BZ4' }]);
    expect(commandNames(h.r53)).toEqual([
      'ListResourceRecordSetsCommand', // plan
      'ListResourceRecordSetsCommand', // pre-flight re-run
      'ListResourceRecordSetsCommand', // previous record captured just before the change
      'ChangeResourceRecordSetsCommand',
      'GetChangeCommand',
      'GetChangeCommand',
    ]);
    expect(h.sleeps).toEqual([5_000, 10_000, 5_000]); // backoff between polls; no real sleeping
    expect(h.journal.trace).toEqual([
      'started:promote',
      'done:promote',
      'started:wait-promoted',
      'done:wait-promoted',
      'started:dns-upsert',
      'done:dns-upsert',
      'started:dns-insync',
      'done:dns-insync',
      'finished:succeeded',
    ]);
    expect(h.journal.runs.get('run-1')?.steps.find((s) => s.stepId === 'dns-upsert')?.detail).toEqual({
      changeId: 'C2682N5HXP0BZ4',
      status: 'PENDING',
      previous: [{ name: 'orders.db.example.com.', type: 'CNAME', ttl: 60, values: [OLD] }],
      message: `orders.db.example.com. CNAME now ${NEW} (was CNAME ${OLD} (TTL 60s)); change C2682N5HXP0BZ4 PENDING`,
    });
    expect(h.reporter.trace()).toEqual([
      'step-started:promote',
      'step-done:promote',
      'step-started:wait-promoted',
      'step-done:wait-promoted',
      'step-started:dns-upsert',
      'step-done:dns-upsert',
      'step-started:dns-insync',
      'step-done:dns-insync',
      'finished:succeeded',
    ]);
    expect(h.reporter.events[3]).toMatchObject({ message: `orders-replica is available at ${NEW}:5432 (waited 15s)`, elapsedMs: 15_000 });
    const metrics = await h.metrics.registry.getMetricsAsJSON();
    const total = metrics.find((m) => m.name === 'lifeboat_actions_total');
    expect(total?.values).toContainEqual(expect.objectContaining({ labels: { action: 'failover', outcome: 'succeeded' }, value: 1 }));
    const duration = metrics.find((m) => m.name === 'lifeboat_action_duration_seconds');
    expect(duration?.values).toContainEqual(
      expect.objectContaining({
        metricName: 'lifeboat_action_duration_seconds_sum',
        labels: { action: 'failover', outcome: 'succeeded', runbook: 'orders' },
        value: 20,
      }),
    );
    const dataLoss = metrics.find((m) => m.name === 'lifeboat_failover_data_loss_seconds');
    expect(dataLoss?.values).toContainEqual(
      expect.objectContaining({ metricName: 'lifeboat_failover_data_loss_seconds_sum', labels: { runbook: 'orders' }, value: 12 }),
    );
    // No verify step: recovery was not verified, so there is no time to recovery to observe.
    const recovery = metrics.find((m) => m.name === 'lifeboat_recovery_seconds');
    expect(recovery?.values ?? []).toEqual([]);
  });

  it('runs the plan after a JSON round trip through the store, unchanged', async () => {
    h.west
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [replica] })
      .resolvesOnce({ DBInstances: [replica] })
      .resolves({ DBInstances: [dbInstance('orders-replica', 'available')] });
    h.west.on(PromoteReadReplicaCommand).resolves({ DBInstance: replica });
    mockListRecords();
    mockChangeRecords();
    mockGetChange('INSYNC');
    const stored = JSON.parse(JSON.stringify(await h.planner.plan(request)));

    const outcome = await h.runner.run('run-2', stored);

    expect(outcome.status).toBe('succeeded');
    expect(h.r53.commandCalls(ChangeResourceRecordSetsCommand).map((c) => c.args[0].input)).toEqual([stored.calls[2].input]);
  });
});
