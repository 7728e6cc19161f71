import { beforeEach, describe, expect, it } from 'vitest';
import {
  CreateDBInstanceCommand,
  DBClusterNotFoundFault,
  DBInstanceNotFoundFault,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBClusterToPointInTimeCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  RestoreDBInstanceToPointInTimeCommand,
} from '@aws-sdk/client-rds';
import { planRestore } from '../../../src/actions/plan-restore.js';
import type { RestoreRunbook } from '../../../src/config/types.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { commandNames, dbCluster, dbInstance, harness } from './fixtures.js';
import {
  CLUSTER_TARGET,
  HOUR,
  TARGET,
  WRITER,
  mockClusterAbsent,
  mockInstanceAbsent,
  mockPreDeploySnapshot,
  mockSourcesLive,
  mockSourceInstanceWindow,
  notFound,
  restore,
} from './restore-fixtures.js';

const h = harness();

beforeEach(() => h.reset());

describe('restore from a snapshot', () => {
  it('restores an instance from a DB snapshot into a derived identifier, waits until available, and reports the endpoint', async () => {
    mockSourcesLive(h);
    mockPreDeploySnapshot(h);
    h.east
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: TARGET })
      .rejectsOnce(new DBInstanceNotFoundFault({ message: 'not found', ...notFound })) // plan: free
      .rejectsOnce(new DBInstanceNotFoundFault({ message: 'not found', ...notFound })) // pre-flight again: free
      .resolvesOnce({ DBInstances: [dbInstance(TARGET, 'creating')] })
      .resolvesOnce({ DBInstances: [dbInstance(TARGET, 'backing-up')] })
      .resolves({
        DBInstances: [dbInstance(TARGET, 'available', { Endpoint: { Address: `${TARGET}.abc.us-east-1.rds.amazonaws.com`, Port: 5432 } })],
      });
    h.east.on(RestoreDBInstanceFromDBSnapshotCommand).resolves({ DBInstance: dbInstance(TARGET, 'creating') });

    const plan = await h.planner.plan(restore({ type: 'snapshot', snapshotId: 'pre-deploy' }));

    expect(plan.calls).toEqual([
      {
        id: 'restore',
        service: 'rds',
        operation: 'RestoreDBInstanceFromDBSnapshot',
        region: 'us-east-1',
        input: {
          DBInstanceIdentifier: TARGET,
          DBSnapshotIdentifier: 'pre-deploy',
          DBInstanceClass: 'db.r6g.large',
          DBSubnetGroupName: 'prod-db',
          VpcSecurityGroupIds: ['sg-0abc'],
        },
        description: `Restore instance ${TARGET} (db.r6g.large) from snapshot pre-deploy`,
      },
      {
        id: 'wait-restored',
        service: 'rds',
        operation: 'DescribeDBInstances',
        region: 'us-east-1',
        input: { DBInstanceIdentifier: TARGET },
        description: `Wait until ${TARGET} is available (up to 6h)`,
        wait: { until: 'available', timeoutMs: 6 * HOUR },
      },
    ]);
    expect(plan.preflight.map(({ name, ok, observed }) => ({ name, ok, observed }))).toEqual([
      { name: 'snapshot', ok: true, observed: 'snapshot pre-deploy is available, taken 2026-11-21 09:00:00 UTC from orders-db' },
      { name: 'new identifier', ok: true, observed: `${TARGET} is free` },
    ]);
    expect(plan).toMatchObject({
      title: `Restore orders: orders-db from snapshot pre-deploy as ${TARGET} (us-east-1)`,
      destructive: false,
      resources: ['runbook:restore:orders', 'rds:us-east-1:instance:orders-db', `rds:us-east-1:instance:${TARGET}`],
    });
    expect(h.east.commandCalls(DescribeDBSnapshotsCommand).map((c) => c.args[0].input)).toEqual([{ DBSnapshotIdentifier: 'pre-deploy' }]);

    const outcome = await h.runner.run('run-1', plan);

    expect(h.east.commandCalls(RestoreDBInstanceFromDBSnapshotCommand).map((c) => c.args[0].input)).toEqual([
      {
        DBInstanceIdentifier: TARGET,
        DBSnapshotIdentifier: 'pre-deploy',
        DBInstanceClass: 'db.r6g.large',
        DBSubnetGroupName: 'prod-db',
        VpcSecurityGroupIds: ['sg-0abc'],
      },
    ]);
    expect(outcome).toMatchObject({ status: 'succeeded', elapsedMs: 15_000, endpoint: `${TARGET}.abc.us-east-1.rds.amazonaws.com:5432` });
    expect(outcome.summary).toBe(
      `Restore orders succeeded in 15s. Endpoint: ${TARGET}.abc.us-east-1.rds.amazonaws.com:5432. Recovery not verified (the runbook has no verify step).`,
    );
    expect(outcome.dataLossWindowSeconds).toBeUndefined();
  });

  it('describes an automated rds: snapshot with SnapshotType automated, as the API requires', async () => {
    mockSourcesLive(h);
    h.east.on(DescribeDBSnapshotsCommand).resolves({
      DBSnapshots: [{ DBSnapshotIdentifier: 'rds:orders-db-2026-11-21-06-10', DBInstanceIdentifier: 'orders-db', Status: 'available' }],
    });
    mockInstanceAbsent(h, TARGET);

    await h.planner.plan(restore({ type: 'snapshot', snapshotId: 'rds:orders-db-2026-11-21-06-10' }));

    expect(h.east.commandCalls(DescribeDBSnapshotsCommand).map((c) => c.args[0].input)).toEqual([
      { DBSnapshotIdentifier: 'rds:orders-db-2026-11-21-06-10', SnapshotType: 'automated' },
    ]);
  });

  it('restores an Aurora cluster from a cluster snapshot with its engine and version, then creates and waits for its writer', async () => {
    mockSourcesLive(h);
    h.east.on(DescribeDBClusterSnapshotsCommand).resolves({
      DBClusterSnapshots: [
        {
          DBClusterSnapshotIdentifier: 'nightly',
          DBClusterIdentifier: 'orders-east',
          Status: 'available',
          Engine: 'aurora-postgresql',
          EngineVersion: '16.4',
        },
      ],
    });
    h.east
      .on(DescribeDBClustersCommand, { DBClusterIdentifier: CLUSTER_TARGET })
      .rejectsOnce(new DBClusterNotFoundFault({ message: 'not found', ...notFound }))
      .rejectsOnce(new DBClusterNotFoundFault({ message: 'not found', ...notFound }))
      .resolvesOnce({ DBClusters: [dbCluster(CLUSTER_TARGET, 'creating')] })
      .resolves({
        DBClusters: [
          dbCluster(CLUSTER_TARGET, 'available', { Endpoint: `${CLUSTER_TARGET}.cluster-abc.us-east-1.rds.amazonaws.com`, Port: 5432 }),
        ],
      });
    h.east
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: WRITER })
      .rejectsOnce(new DBInstanceNotFoundFault({ message: 'not found', ...notFound }))
      .rejectsOnce(new DBInstanceNotFoundFault({ message: 'not found', ...notFound }))
      .resolvesOnce({ DBInstances: [dbInstance(WRITER, 'creating')] })
      .resolves({
        DBInstances: [dbInstance(WRITER, 'available', { Endpoint: { Address: `${WRITER}.abc.us-east-1.rds.amazonaws.com`, Port: 5432 } })],
      });
    h.east.on(RestoreDBClusterFromSnapshotCommand).resolves({ DBCluster: dbCluster(CLUSTER_TARGET, 'creating') });
    h.east.on(CreateDBInstanceCommand).resolves({ DBInstance: dbInstance(WRITER, 'creating') });

    const plan = await h.planner.plan(restore({ type: 'snapshot', snapshotId: 'nightly' }, 'orders-aurora'));
    const outcome = await h.runner.run('run-1', plan);

    // Read at plan time and again just before executing.
    expect(h.east.commandCalls(DescribeDBClusterSnapshotsCommand).map((c) => c.args[0].input)).toEqual([
      { DBClusterSnapshotIdentifier: 'nightly' },
      { DBClusterSnapshotIdentifier: 'nightly' },
    ]);
    expect(h.east.commandCalls(RestoreDBClusterFromSnapshotCommand).map((c) => c.args[0].input)).toEqual([
      {
        DBClusterIdentifier: CLUSTER_TARGET,
        SnapshotIdentifier: 'nightly',
        Engine: 'aurora-postgresql',
        EngineVersion: '16.4',
        DBSubnetGroupName: 'prod-db',
        VpcSecurityGroupIds: ['sg-0abc', 'sg-0def'],
      },
    ]);
    expect(h.east.commandCalls(CreateDBInstanceCommand).map((c) => c.args[0].input)).toEqual([
      { DBInstanceIdentifier: WRITER, DBClusterIdentifier: CLUSTER_TARGET, DBInstanceClass: 'db.r6g.xlarge', Engine: 'aurora-postgresql' },
    ]);
    expect(plan.calls.map((c) => c.id)).toEqual(['restore', 'wait-cluster', 'create-writer', 'wait-writer']);
    expect(plan.resources).toEqual([
      'runbook:restore:orders-aurora',
      'rds:us-east-1:cluster:orders-east',
      `rds:us-east-1:cluster:${CLUSTER_TARGET}`,
      `rds:us-east-1:instance:${WRITER}`,
    ]);
    // The writer is created only once the restored cluster is available.
    expect(commandNames(h.east).slice(-6)).toEqual([
      'RestoreDBClusterFromSnapshotCommand',
      'DescribeDBClustersCommand',
      'DescribeDBClustersCommand',
      'CreateDBInstanceCommand',
      'DescribeDBInstancesCommand',
      'DescribeDBInstancesCommand',
    ]);
    expect(outcome).toMatchObject({ status: 'succeeded', endpoint: `${CLUSTER_TARGET}.cluster-abc.us-east-1.rds.amazonaws.com:5432` });
  });
});

describe('point-in-time restore', () => {
  it('restores an instance to the requested time inside the restorable window (RestoreTime as a UTC Date)', async () => {
    mockSourceInstanceWindow(h);
    h.east
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: TARGET })
      .rejectsOnce(new DBInstanceNotFoundFault({ message: 'not found', ...notFound }))
      .rejectsOnce(new DBInstanceNotFoundFault({ message: 'not found', ...notFound }))
      .resolves({ DBInstances: [dbInstance(TARGET, 'available')] });
    h.east.on(RestoreDBInstanceToPointInTimeCommand).resolves({ DBInstance: dbInstance(TARGET, 'creating') });

    const plan = await h.planner.plan(restore({ type: 'time', time: '2026-11-21T06:10:00Z' }));
    const outcome = await h.runner.run('run-1', plan);

    expect(plan.calls[0]?.input).toEqual({
      SourceDBInstanceIdentifier: 'orders-db',
      TargetDBInstanceIdentifier: TARGET,
      RestoreTime: '2026-11-21T06:10:00.000Z',
      DBInstanceClass: 'db.r6g.large',
      DBSubnetGroupName: 'prod-db',
      VpcSecurityGroupIds: ['sg-0abc'],
    });
    expect(plan.preflight[0]).toMatchObject({
      name: 'restore window',
      ok: true,
      observed: '2026-11-21 06:10:00 UTC is within the restorable window 2026-11-14 12:00:00 UTC to 2026-11-21 11:55:00 UTC',
    });
    expect(h.east.commandCalls(DescribeDBInstanceAutomatedBackupsCommand).map((c) => c.args[0].input)).toContainEqual({
      DBInstanceIdentifier: 'orders-db',
    });
    expect(h.east.commandCalls(RestoreDBInstanceToPointInTimeCommand).map((c) => c.args[0].input)).toEqual([
      {
        SourceDBInstanceIdentifier: 'orders-db',
        TargetDBInstanceIdentifier: TARGET,
        RestoreTime: new Date('2026-11-21T06:10:00Z'),
        DBInstanceClass: 'db.r6g.large',
        DBSubnetGroupName: 'prod-db',
        VpcSecurityGroupIds: ['sg-0abc'],
      },
    ]);
    expect(outcome.status).toBe('succeeded');
  });

  it('restores an instance with --latest as UseLatestRestorableTime, reporting the latest restorable time', async () => {
    mockSourceInstanceWindow(h);
    mockInstanceAbsent(h, TARGET);

    const plan = await h.planner.plan(restore({ type: 'latest' }));

    expect(plan.calls[0]?.input).toEqual({
      SourceDBInstanceIdentifier: 'orders-db',
      TargetDBInstanceIdentifier: TARGET,
      UseLatestRestorableTime: true,
      DBInstanceClass: 'db.r6g.large',
      DBSubnetGroupName: 'prod-db',
      VpcSecurityGroupIds: ['sg-0abc'],
    });
    expect(plan.preflight[0]).toMatchObject({ ok: true, observed: 'latest restorable time 2026-11-21 11:55:00 UTC (5m ago)' });
  });

  it('ends with the runbook verify step, after the restored instance is available', async () => {
    mockSourceInstanceWindow(h);
    mockInstanceAbsent(h, TARGET);
    const runbook = { ...(h.config.runbooks.restore.orders as RestoreRunbook), verify: { checks: ['api'], withinMs: 15 * 60_000 } };

    const plan = await planRestore(restore({ type: 'latest' }), runbook, { ...h.live, checks: h.config.checks });

    expect(plan.calls.map((c) => c.id)).toEqual(['restore', 'wait-restored', 'verify']);
    expect(plan.calls.at(-1)).toMatchObject({
      operation: 'Verify',
      input: { checks: [{ check: 'api', passes: 'GET https://api.example.com/health answers 200, within 5s' }], within: '15m' },
      wait: { until: 'verified', timeoutMs: 15 * 60_000 },
    });
  });

  it('restores an Aurora cluster with --latest via RestoreDBClusterToPointInTime, then creates its writer', async () => {
    h.east.on(DescribeDBClustersCommand, { DBClusterIdentifier: 'orders-east' }).resolves({
      DBClusters: [
        dbCluster('orders-east', 'available', {
          EarliestRestorableTime: new Date(MANUAL_CLOCK_START - 24 * HOUR),
          LatestRestorableTime: new Date(MANUAL_CLOCK_START - 60_000),
        }),
      ],
    });
    h.east
      .on(DescribeDBClustersCommand, { DBClusterIdentifier: CLUSTER_TARGET })
      .rejectsOnce(new DBClusterNotFoundFault({ message: 'not found', ...notFound }))
      .rejectsOnce(new DBClusterNotFoundFault({ message: 'not found', ...notFound }))
      .resolves({
        DBClusters: [dbCluster(CLUSTER_TARGET, 'available', { Endpoint: 'c.cluster-abc.us-east-1.rds.amazonaws.com', Port: 5432 })],
      });
    h.east
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: WRITER })
      .rejectsOnce(new DBInstanceNotFoundFault({ message: 'not found', ...notFound }))
      .rejectsOnce(new DBInstanceNotFoundFault({ message: 'not found', ...notFound }))
      .resolves({ DBInstances: [dbInstance(WRITER, 'available')] });
    h.east.on(RestoreDBClusterToPointInTimeCommand).resolves({ DBCluster: dbCluster(CLUSTER_TARGET, 'creating') });
    h.east.on(CreateDBInstanceCommand).resolves({ DBInstance: dbInstance(WRITER, 'creating') });

    const plan = await h.planner.plan(restore({ type: 'latest' }, 'orders-aurora'));
    const outcome = await h.runner.run('run-1', plan);

    expect(h.east.commandCalls(RestoreDBClusterToPointInTimeCommand).map((c) => c.args[0].input)).toEqual([
      {
        DBClusterIdentifier: CLUSTER_TARGET,
        SourceDBClusterIdentifier: 'orders-east',
        UseLatestRestorableTime: true,
        DBSubnetGroupName: 'prod-db',
        VpcSecurityGroupIds: ['sg-0abc', 'sg-0def'],
      },
    ]);
    expect(h.east.commandCalls(CreateDBInstanceCommand).map((c) => c.args[0].input)).toEqual([
      { DBInstanceIdentifier: WRITER, DBClusterIdentifier: CLUSTER_TARGET, DBInstanceClass: 'db.r6g.xlarge', Engine: 'aurora-postgresql' },
    ]);
    expect(outcome).toMatchObject({ status: 'succeeded', endpoint: 'c.cluster-abc.us-east-1.rds.amazonaws.com:5432' });
  });

  it('restores a cluster to a time with RestoreToTime', async () => {
    h.east.on(DescribeDBClustersCommand, { DBClusterIdentifier: 'orders-east' }).resolves({
      DBClusters: [
        dbCluster('orders-east', 'available', {
          EarliestRestorableTime: new Date(MANUAL_CLOCK_START - 24 * HOUR),
          LatestRestorableTime: new Date(MANUAL_CLOCK_START - 60_000),
        }),
      ],
    });
    mockClusterAbsent(h, CLUSTER_TARGET);
    mockInstanceAbsent(h, WRITER);

    const plan = await h.planner.plan(restore({ type: 'time', time: '2026-11-21T11:00:00+00:00' }, 'orders-aurora'));

    expect(plan.calls[0]).toMatchObject({
      operation: 'RestoreDBClusterToPointInTime',
      input: {
        DBClusterIdentifier: CLUSTER_TARGET,
        SourceDBClusterIdentifier: 'orders-east',
        RestoreToTime: '2026-11-21T11:00:00.000Z',
        DBSubnetGroupName: 'prod-db',
        VpcSecurityGroupIds: ['sg-0abc', 'sg-0def'],
      },
    });
  });
});
