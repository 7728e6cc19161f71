import {
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBSnapshotsCommand,
  type DBClusterSnapshot,
  type DBSnapshot,
  type Filter,
  type RDSClient,
} from '@aws-sdk/client-rds';

/** One restorable point in time, from a DB snapshot, a cluster snapshot or replicated automated backups. */
export interface SnapshotInfo {
  id: string;
  status: string;
  /** Epoch ms of the data the snapshot holds (not of the copy). */
  at: number;
  /** Region the snapshot was created in or copied from, when AWS says (source ARN or SourceRegion). */
  sourceRegion?: string;
}

/** Which database to look for: an instance or a cluster, by identifier. */
export type BackupSource = { kind: 'instance'; id: string } | { kind: 'cluster'; id: string };

// "MaxRecords ... Default: 100. Constraints: Minimum 20, maximum 100" (DescribeDBSnapshots,
// DescribeDBClusterSnapshots): 100 = fewest calls.
const PAGE_SIZE = 100;
const MAX_PAGES = 100;

/** Region part of an ARN (`arn:aws:rds:us-east-1:123:snapshot:x` -> `us-east-1`). */
export function arnRegion(arn: string | undefined): string | undefined {
  const parts = arn?.split(':');
  return parts && parts.length > 5 && parts[0] === 'arn' ? parts[3] : undefined;
}

/**
 * Follows `Marker` until the last page. Written out rather than `paginateDescribeDBSnapshots`: the
 * SDK paginator reuses and mutates one input object across pages, so recorded inputs (and any
 * logging of them) all show the last Marker.
 */
async function collectPages<T>(
  fetchPage: (marker: string | undefined) => Promise<{ items: T[] | undefined; marker: string | undefined }>,
): Promise<T[]> {
  const all: T[] = [];
  let marker: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await fetchPage(marker);
    all.push(...(result.items ?? []));
    if (!result.marker || result.marker === marker) break;
    marker = result.marker;
  }
  return all;
}

/** A DB snapshot as the backup check and the DR posture read it: the age of its data, not of the copy. */
export function fromDbSnapshot(s: DBSnapshot): SnapshotInfo | undefined {
  // SnapshotCreateTime "changes for the copy when the snapshot is copied";
  // OriginalSnapshotCreateTime "doesn't change when the snapshot is copied" (DBSnapshot docs).
  // The age of the data is what matters for RPO, so prefer the original time.
  const at = (s.OriginalSnapshotCreateTime ?? s.SnapshotCreateTime)?.getTime();
  if (!s.DBSnapshotIdentifier || at === undefined) return undefined;
  // SourceDBSnapshotIdentifier "only has a value in the case of a cross-account or cross-Region
  // copy" and is the source ARN; SourceRegion is "the Region that the DB snapshot was created in or
  // copied from".
  const sourceRegion = arnRegion(s.SourceDBSnapshotIdentifier) ?? s.SourceRegion;
  return { id: s.DBSnapshotIdentifier, status: s.Status ?? 'unknown', at, ...(sourceRegion ? { sourceRegion } : {}) };
}

/** A cluster snapshot as the backup check and the DR posture read it. */
export function fromClusterSnapshot(s: DBClusterSnapshot): SnapshotInfo | undefined {
  // DBClusterSnapshot has no OriginalSnapshotCreateTime; SnapshotCreateTime is all there is.
  const at = s.SnapshotCreateTime?.getTime();
  if (!s.DBClusterSnapshotIdentifier || at === undefined) return undefined;
  // SourceDBClusterSnapshotArn: "If the DB cluster snapshot was copied from a source DB cluster
  // snapshot, the ARN for the source DB cluster snapshot, otherwise, a null value."
  const sourceRegion = arnRegion(s.SourceDBClusterSnapshotArn);
  return { id: s.DBClusterSnapshotIdentifier, status: s.Status ?? 'unknown', at, ...(sourceRegion ? { sourceRegion } : {}) };
}

/**
 * Automated and manual snapshots of `source` in the client's region. SnapshotType is left unset:
 * "If you don't specify a SnapshotType value, then both automated and manual snapshots are
 * returned" (shared/public are excluded by default, which is what we want: our own backups).
 *
 * `byFilter` selects with the `db-instance-id`/`db-cluster-id` filter instead of the identifier
 * parameter, whose constraint is "must match the identifier of an existing DBInstance/DBCluster":
 * in a copy region the source database does not exist, only its snapshots do.
 */
export async function listSnapshots(
  client: RDSClient,
  source: BackupSource,
  byFilter: boolean,
  signal?: AbortSignal,
): Promise<SnapshotInfo[]> {
  const opts = { abortSignal: signal };
  if (source.kind === 'instance') {
    const select = byFilter
      ? { Filters: [{ Name: 'db-instance-id', Values: [source.id] }] satisfies Filter[] }
      : { DBInstanceIdentifier: source.id };
    const items = await collectPages(async (marker) => {
      const out = await client.send(
        new DescribeDBSnapshotsCommand({ ...select, MaxRecords: PAGE_SIZE, ...(marker ? { Marker: marker } : {}) }),
        opts,
      );
      return { items: out.DBSnapshots, marker: out.Marker };
    });
    return items.flatMap((s) => fromDbSnapshot(s) ?? []);
  }
  const select = byFilter
    ? { Filters: [{ Name: 'db-cluster-id', Values: [source.id] }] satisfies Filter[] }
    : { DBClusterIdentifier: source.id };
  const items = await collectPages(async (marker) => {
    const out = await client.send(
      new DescribeDBClusterSnapshotsCommand({ ...select, MaxRecords: PAGE_SIZE, ...(marker ? { Marker: marker } : {}) }),
      opts,
    );
    return { items: out.DBClusterSnapshots, marker: out.Marker };
  });
  return items.flatMap((s) => fromClusterSnapshot(s) ?? []);
}

/**
 * Cross-Region automated backup replication of `dbInstance` from `sourceRegion`, as seen in the
 * client's (destination) region. AWS documents `describe-db-instance-automated-backups` for
 * "Finding information about replicated backups": in the destination Region the entry keeps the
 * source `DBInstanceIdentifier`, `Region` is the source Region, and `RestoreWindow.LatestTime` is
 * the newest restorable point, so it stands for the newest copy. Listed unfiltered and matched
 * here, because the DBInstanceIdentifier parameter "must match the identifier of an existing DB
 * instance" and there is none in the destination region.
 */
export async function listReplicatedBackups(
  client: RDSClient,
  dbInstance: string,
  sourceRegion: string,
  signal?: AbortSignal,
): Promise<SnapshotInfo[]> {
  const items = await collectPages(async (marker) => {
    const out = await client.send(
      new DescribeDBInstanceAutomatedBackupsCommand({ MaxRecords: PAGE_SIZE, ...(marker ? { Marker: marker } : {}) }),
      { abortSignal: signal },
    );
    return { items: out.DBInstanceAutomatedBackups, marker: out.Marker };
  });
  return items.flatMap((b): SnapshotInfo[] => {
    const at = b.RestoreWindow?.LatestTime?.getTime();
    if (b.DBInstanceIdentifier !== dbInstance || b.Region !== sourceRegion || at === undefined) return [];
    const id = b.DBInstanceAutomatedBackupsArn ?? `automated-backups:${dbInstance}`;
    // Listed as available: a restore window means point-in-time restore works up to LatestTime.
    return [{ id, status: 'available', at, sourceRegion }];
  });
}

/**
 * A snapshot that will never become restorable. DBSnapshot.Status is not enumerated in the API
 * reference (DBClusterSnapshot lists only available/copying/creating); `failed` and the
 * `incompatible-*` family are the terminal non-restorable states; creating/copying are in progress.
 */
export function isFailedStatus(status: string): boolean {
  return status === 'failed' || status.startsWith('incompatible');
}

/** The newest `available` snapshot and the failed ones newer than it (all failed ones when none is available). */
export function pickNewest(snapshots: SnapshotInfo[]): { newest?: SnapshotInfo; failedSince: SnapshotInfo[] } {
  let newest: SnapshotInfo | undefined;
  for (const s of snapshots) {
    if (s.status === 'available' && (!newest || s.at > newest.at)) newest = s;
  }
  const failedSince = snapshots.filter((s) => isFailedStatus(s.status) && (!newest || s.at > newest.at)).sort((a, b) => b.at - a.at);
  return newest ? { newest, failedSince } : { failedSince };
}
