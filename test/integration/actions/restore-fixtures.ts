import {
  DBClusterNotFoundFault,
  DBInstanceNotFoundFault,
  DescribeDBClustersCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
} from '@aws-sdk/client-rds';
import type { RestoreRequest } from '../../../src/core/action-request.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { dbCluster, dbInstance, type harness } from './fixtures.js';

type Harness = ReturnType<typeof harness>;
export const HOUR = 3_600_000;
/** Derived from the source and the plan's time (ManualClock starts 2026-11-21T12:00:00Z). */
export const TARGET = 'orders-db-restore-20261121-120000';
export const CLUSTER_TARGET = 'orders-east-restore-20261121-120000';
export const WRITER = 'orders-east-restore-20261121-120000-w';
export const notFound = { $metadata: { httpStatusCode: 404 } };

export function restore(source: RestoreRequest['source'], runbook = 'orders'): RestoreRequest {
  return { kind: 'restore', runbook, dryRun: false, source };
}

/** DescribeDBInstances for `id` answering "not found" (the identifier is free). */
export function mockInstanceAbsent(h: Harness, id: string) {
  h.east
    .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: id })
    .rejects(new DBInstanceNotFoundFault({ message: `DBInstance ${id} not found.`, ...notFound }));
}

/** DescribeDBClusters for `id` answering "not found". */
export function mockClusterAbsent(h: Harness, id: string) {
  h.east
    .on(DescribeDBClustersCommand, { DBClusterIdentifier: id })
    .rejects(new DBClusterNotFoundFault({ message: `DBCluster ${id} not found.`, ...notFound }));
}

/** orders-db with its restorable window: earliest 7 days ago, latest 5 minutes ago (and an older retained backup to ignore). */
export function mockSourceInstanceWindow(h: Harness) {
  h.east.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-db' }).resolves({
    DBInstances: [dbInstance('orders-db', 'available', { LatestRestorableTime: new Date(MANUAL_CLOCK_START - 5 * 60_000) })],
  });
  h.east.on(DescribeDBInstanceAutomatedBackupsCommand, { DBInstanceIdentifier: 'orders-db' }).resolves({
    DBInstanceAutomatedBackups: [
      {
        DBInstanceIdentifier: 'orders-db',
        Status: 'retained',
        RestoreWindow: {
          EarliestTime: new Date(MANUAL_CLOCK_START - 90 * 24 * HOUR),
          LatestTime: new Date(MANUAL_CLOCK_START - 60 * 24 * HOUR),
        },
      },
      {
        DBInstanceIdentifier: 'orders-db',
        Status: 'active',
        RestoreWindow: {
          EarliestTime: new Date(MANUAL_CLOCK_START - 7 * 24 * HOUR),
          LatestTime: new Date(MANUAL_CLOCK_START - 5 * 60_000),
        },
      },
    ],
  });
}

/** The runbooks' sources as a snapshot restore reads them for their settings: live, none reported. */
export function mockSourcesLive(h: Harness) {
  h.east
    .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-db' })
    .resolves({ DBInstances: [dbInstance('orders-db', 'available')] });
  h.east
    .on(DescribeDBClustersCommand, { DBClusterIdentifier: 'orders-east' })
    .resolves({ DBClusters: [dbCluster('orders-east', 'available')] });
}

/** orders-db's manual snapshot `pre-deploy`, available, taken three hours ago. */
export function mockPreDeploySnapshot(h: Harness) {
  h.east.on(DescribeDBSnapshotsCommand).resolves({
    DBSnapshots: [
      {
        DBSnapshotIdentifier: 'pre-deploy',
        DBInstanceIdentifier: 'orders-db',
        Status: 'available',
        Engine: 'postgres',
        SnapshotCreateTime: new Date(MANUAL_CLOCK_START - 3 * HOUR),
      },
    ],
  });
}
