import { DescribeDBClusterSnapshotsCommand, DescribeDBSnapshotsCommand, type RDSClient } from '@aws-sdk/client-rds';
import { fromClusterSnapshot, fromDbSnapshot, pickNewest, type SnapshotInfo } from '../monitor/probes/backup-snapshots.js';
import { describeAll } from '../readiness/batched-rds-reads.js';
import type { DatabaseKind } from './posture-databases.js';

/** The newest `available` snapshot AWS lists for a database. */
export interface NewestSnapshot {
  id: string;
  /** Epoch ms of the data it holds (OriginalSnapshotCreateTime for a copy), as the backup check reads it. */
  at: number;
}

// "MaxRecords ... Default: 100. Constraints: Minimum 20, maximum 100": 100 = fewest calls, as the backup check asks.
const PAGE_SIZE = 100;

/**
 * The newest available snapshot of each of `ids` (lower-cased) in the client's region, for the
 * databases no backup check watches. One filtered DescribeDBSnapshots / DescribeDBClusterSnapshots
 * per 100 databases, paged, rather than the backup check's one call per database: `db-instance-id`
 * / `db-cluster-id` "accepts DB instance identifiers" (a list). SnapshotType is left unset, so
 * automated and manual snapshots both count, as in the backup check; only `available` ones do.
 * A database with no available snapshot is absent from the answer.
 */
export async function newestSnapshots(rds: RDSClient, kind: DatabaseKind, ids: string[]): Promise<Map<string, NewestSnapshot>> {
  const found = new Map<string, SnapshotInfo[]>();
  const add = (dbId: string | undefined, info: SnapshotInfo | undefined) => {
    const id = dbId?.toLowerCase();
    if (!id || !info) return;
    const list = found.get(id);
    if (list) list.push(info);
    else found.set(id, [info]);
  };
  if (kind === 'instance') {
    const snapshots = await describeAll(ids, async (Values, Marker) => {
      const out = await rds.send(
        new DescribeDBSnapshotsCommand({ Filters: [{ Name: 'db-instance-id', Values }], MaxRecords: PAGE_SIZE, Marker }),
      );
      return { items: out.DBSnapshots ?? [], marker: out.Marker };
    });
    for (const s of snapshots) add(s.DBInstanceIdentifier, fromDbSnapshot(s));
  } else {
    const snapshots = await describeAll(ids, async (Values, Marker) => {
      const out = await rds.send(
        new DescribeDBClusterSnapshotsCommand({ Filters: [{ Name: 'db-cluster-id', Values }], MaxRecords: PAGE_SIZE, Marker }),
      );
      return { items: out.DBClusterSnapshots ?? [], marker: out.Marker };
    });
    for (const s of snapshots) add(s.DBClusterIdentifier, fromClusterSnapshot(s));
  }
  const newest = new Map<string, NewestSnapshot>();
  for (const [id, list] of found) {
    const picked = pickNewest(list).newest;
    if (picked) newest.set(id, { id: picked.id, at: picked.at });
  }
  return newest;
}
