import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBSnapshotsCommand,
  type DBSnapshot,
} from '@aws-sdk/client-rds';
import { BackupProbe, type BackupProbeSpec } from '../../../../src/monitor/probes/backup-probe.js';
import { HOUR, MINUTE, NOW, accessDeniedError, fixedClock, testClients } from '../../aws/aws-fixtures.js';

const clients = testClients();
const east = mockClient(clients.rds('us-east-1'));
const west = mockClient(clients.rds('us-west-2'));
afterEach(() => {
  east.reset();
  west.reset();
});

const probe = new BackupProbe({ clients, clock: fixedClock });

function spec(overrides: Partial<BackupProbeSpec> = {}): BackupProbeSpec {
  return { checkId: 'orders-backups', region: 'us-east-1', dbInstance: 'orders-db', maxAgeMs: 26 * HOUR, severity: 'SEV2', ...overrides };
}

/** A snapshot of orders-db taken `ageMs` before NOW, named like RDS names automated snapshots. */
function snap(ageMs: number, status = 'available', extra: Partial<DBSnapshot> = {}): DBSnapshot {
  const at = new Date(NOW - ageMs);
  const stamp = at.toISOString().slice(0, 16).replace(/[T:]/g, '-');
  return {
    DBSnapshotIdentifier: `rds:orders-db-${stamp}`,
    DBInstanceIdentifier: 'orders-db',
    SnapshotCreateTime: at,
    OriginalSnapshotCreateTime: at,
    SnapshotType: 'automated',
    Status: status,
    SourceRegion: 'us-east-1',
    ...extra,
  };
}

describe('BackupProbe, own region', () => {
  it('picks the newest available snapshot across 2 pages, following Marker', async () => {
    east
      .on(DescribeDBSnapshotsCommand)
      .resolvesOnce({ DBSnapshots: [snap(27 * HOUR), snap(51 * HOUR)], Marker: 'page-2' })
      .resolvesOnce({
        DBSnapshots: [snap(3 * HOUR, 'available', { SnapshotType: 'manual', DBSnapshotIdentifier: 'pre-deploy' }), snap(75 * HOUR)],
      });

    const outcome = await probe.probe(spec());

    expect(east.commandCalls(DescribeDBSnapshotsCommand).map((c) => c.args[0].input)).toEqual([
      { DBInstanceIdentifier: 'orders-db', MaxRecords: 100 },
      { DBInstanceIdentifier: 'orders-db', MaxRecords: 100, Marker: 'page-2' },
    ]);
    expect(outcome).toEqual({
      ok: true,
      severity: null,
      summary: 'newest snapshot 3h old',
      measurement: { kind: 'backup', ageSeconds: 3 * 3600, newestSnapshotId: 'pre-deploy', newestSnapshotAt: NOW - 3 * HOUR },
    });
  });

  it('reports failed snapshots newer than the newest available one', async () => {
    const failed = snap(1 * HOUR, 'failed');
    const oldFailed = snap(50 * HOUR, 'failed');
    east.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [oldFailed, snap(5 * HOUR), failed, snap(2 * HOUR, 'creating')] });

    const outcome = await probe.probe(spec());

    expect(outcome.ok).toBe(true);
    expect(outcome.measurement).toMatchObject({ failedSnapshots: [failed.DBSnapshotIdentifier] });
    expect(outcome.summary).toBe(`newest snapshot 5h old; 1 failed since (${failed.DBSnapshotIdentifier})`);
  });

  it('fails a stale backup with its age and the limit in the summary', async () => {
    east.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [snap(27 * HOUR), snap(51 * HOUR)] });

    const outcome = await probe.probe(spec());

    expect(outcome).toMatchObject({
      ok: false,
      severity: 'SEV2',
      summary: 'newest snapshot rds:orders-db-2026-11-20-03-10 is 27h old (max 26h)',
      measurement: { ageSeconds: 27 * 3600, newestSnapshotId: 'rds:orders-db-2026-11-20-03-10' },
      error: { kind: 'threshold' },
    });
  });

  it('fails when no snapshot is available at all', async () => {
    east.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [snap(2 * HOUR, 'failed'), snap(1 * HOUR, 'creating')] });

    const outcome = await probe.probe(spec());

    expect(outcome).toMatchObject({ ok: false, severity: 'SEV2', measurement: { ageSeconds: null }, error: { kind: 'snapshot-failed' } });
    expect(outcome.summary).toMatch(/^no available snapshot of orders-db; 1 failed since/);
  });

  it('uses DescribeDBClusterSnapshots with DBClusterIdentifier for a cluster', async () => {
    east.on(DescribeDBClusterSnapshotsCommand).resolves({
      DBClusterSnapshots: [
        {
          DBClusterSnapshotIdentifier: 'rds:orders-cluster-2026-11-21-03-10',
          DBClusterIdentifier: 'orders-cluster',
          SnapshotCreateTime: new Date(NOW - 3 * HOUR),
          Status: 'available',
        },
      ],
    });

    const outcome = await probe.probe(spec({ dbInstance: undefined, dbCluster: 'orders-cluster' }));

    expect(east.commandCalls(DescribeDBClusterSnapshotsCommand).map((c) => c.args[0].input)).toEqual([
      { DBClusterIdentifier: 'orders-cluster', MaxRecords: 100 },
    ]);
    expect(east.commandCalls(DescribeDBSnapshotsCommand)).toHaveLength(0);
    expect(outcome).toMatchObject({
      ok: true,
      summary: 'newest snapshot 3h old',
      measurement: { newestSnapshotId: 'rds:orders-cluster-2026-11-21-03-10' },
    });
  });

  it('surfaces AccessDenied with the code and the IAM permission to check, without throwing', async () => {
    east.on(DescribeDBSnapshotsCommand).rejects(accessDeniedError('rds:DescribeDBSnapshots'));

    const outcome = await probe.probe(spec());

    expect(outcome).toMatchObject({
      ok: false,
      severity: 'SEV2',
      summary: 'DescribeDBSnapshots in us-east-1 failed: AccessDenied',
      measurement: { kind: 'backup', ageSeconds: null },
      error: { kind: 'aws-error' },
    });
    expect(outcome.error?.message).toContain('AccessDenied');
    expect(outcome.error?.message).toContain('check that the IAM policy allows rds:DescribeDBSnapshots');
  });
});

describe('BackupProbe, copyRegion', () => {
  /** A cross-region copy in us-west-2: new identity and SnapshotCreateTime, original data time kept. */
  function copy(ageMs: number, from = 'us-east-1'): DBSnapshot {
    return snap(ageMs, 'available', {
      DBSnapshotIdentifier: `orders-db-copy-${ageMs / HOUR}h`,
      SnapshotType: 'manual',
      SnapshotCreateTime: new Date(NOW - 10 * MINUTE),
      SourceRegion: from,
      SourceDBSnapshotIdentifier: `arn:aws:rds:${from}:123456789012:snapshot:rds:orders-db-x`,
    });
  }

  it('fails a stale copy, judging it by the age of its data, and names the region', async () => {
    east.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [snap(3 * HOUR)] });
    west.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [copy(30 * HOUR), copy(54 * HOUR)] });
    west.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: [] });

    const outcome = await probe.probe(spec({ copyRegion: 'us-west-2' }));

    expect(west.commandCalls(DescribeDBSnapshotsCommand).map((c) => c.args[0].input)).toEqual([
      { Filters: [{ Name: 'db-instance-id', Values: ['orders-db'] }], MaxRecords: 100 },
    ]);
    expect(outcome).toMatchObject({
      ok: false,
      severity: 'SEV2',
      summary: 'newest snapshot 3h old; copy in us-west-2 is 30h old (max 26h)',
      measurement: { copyRegion: 'us-west-2', copyAgeSeconds: 30 * 3600, newestCopyId: 'orders-db-copy-30h' },
      error: { kind: 'threshold' },
    });
  });

  it('passes with a fresh copy and does not ask for replicated automated backups', async () => {
    east.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [snap(3 * HOUR)] });
    west.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [copy(4 * HOUR), copy(28 * HOUR)] });

    const outcome = await probe.probe(spec({ copyRegion: 'us-west-2' }));

    expect(outcome).toMatchObject({
      ok: true,
      summary: 'newest snapshot 3h old; copy in us-west-2 4h old',
      measurement: { copyAgeSeconds: 4 * 3600 },
    });
    expect(west.commandCalls(DescribeDBInstanceAutomatedBackupsCommand)).toHaveLength(0);
  });

  it('ignores copies that came from another region and falls back to replicated automated backups', async () => {
    east.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [snap(3 * HOUR)] });
    west.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [copy(1 * HOUR, 'eu-west-1')] });
    west.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({
      DBInstanceAutomatedBackups: [
        { DBInstanceIdentifier: 'orders-db', Region: 'eu-west-1', RestoreWindow: { LatestTime: new Date(NOW - MINUTE) } },
        {
          DBInstanceIdentifier: 'orders-db',
          Region: 'us-east-1',
          DBInstanceAutomatedBackupsArn: 'arn:aws:rds:us-west-2:123456789012:auto-backup:ab-EXAMPLE',
          Status: 'replicating',
          RestoreWindow: { EarliestTime: new Date(NOW - 7 * 24 * HOUR), LatestTime: new Date(NOW - 20 * MINUTE) },
        },
      ],
    });

    const outcome = await probe.probe(spec({ copyRegion: 'us-west-2' }));

    expect(west.commandCalls(DescribeDBInstanceAutomatedBackupsCommand).map((c) => c.args[0].input)).toEqual([{ MaxRecords: 100 }]);
    expect(outcome).toMatchObject({
      ok: true,
      summary: 'newest snapshot 3h old; copy in us-west-2 20m old',
      measurement: { newestCopyId: 'arn:aws:rds:us-west-2:123456789012:auto-backup:ab-EXAMPLE', copyAgeSeconds: 20 * 60 },
    });
  });

  it('fails when the copy region holds no copy, noting a replicated-backups lookup it could not make', async () => {
    east.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [snap(3 * HOUR)] });
    west.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });
    west.on(DescribeDBInstanceAutomatedBackupsCommand).rejects(accessDeniedError('rds:DescribeDBInstanceAutomatedBackups'));

    const outcome = await probe.probe(spec({ copyRegion: 'us-west-2' }));

    expect(outcome).toMatchObject({
      ok: false,
      severity: 'SEV2',
      summary: 'newest snapshot 3h old; no copy in us-west-2',
      error: { kind: 'missing-data' },
    });
    expect(outcome.error?.message).toContain('rds:DescribeDBInstanceAutomatedBackups');
  });

  it('an AWS error in the copy region names that region', async () => {
    east.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [snap(3 * HOUR)] });
    west.on(DescribeDBSnapshotsCommand).rejects(accessDeniedError('rds:DescribeDBSnapshots'));

    const outcome = await probe.probe(spec({ copyRegion: 'us-west-2' }));

    expect(outcome).toMatchObject({
      ok: false,
      summary: 'DescribeDBSnapshots in us-west-2 failed: AccessDenied',
      error: { kind: 'aws-error' },
    });
  });
});
