import {
  DescribeDBClustersCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  type DBCluster,
  type DBInstance,
  type DBInstanceAutomatedBackup,
} from '@aws-sdk/client-rds';
import { rdsFor, type RdsSource } from '../aws/aws-clients.js';
import { describeAwsError, isThrottling } from '../aws/aws-error.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import { describeAll } from '../readiness/batched-rds-reads.js';
import type { DatabaseFacts, DatabaseRef } from './posture-databases.js';
import { newestSnapshots, type NewestSnapshot } from './posture-snapshots.js';

/** How long an AWS answer is reused: `/dr status` twice in a minute costs AWS one set of describes. */
export const POSTURE_CACHE_TTL_MS = 60_000; // 1 minute
/** Longest the report waits for AWS before answering with what is known (Slack wants an answer within 3 s). */
export const POSTURE_AWS_DEADLINE_MS = 2_000; // 2 seconds

type Api =
  | 'DescribeDBInstances'
  | 'DescribeDBClusters'
  | 'DescribeDBInstanceAutomatedBackups'
  | 'DescribeDBSnapshots'
  | 'DescribeDBClusterSnapshots';

/** What one describe says about one database: its facts, or (the snapshot describes) its newest snapshot. */
type Said = Partial<DatabaseFacts> & { newestSnapshot?: NewestSnapshot };

/** One describe's answer for one region, lower-cased id -> what it says. */
type Answer = Map<string, Said>;

interface Group {
  api: Api;
  region: string;
  ids: string[];
}

interface CacheSlot {
  ids: string;
  /** The newest successful answer and when it came (clock ms). */
  answer?: { value: Answer; at: number };
  inFlight?: Promise<Answer>;
}

/** What one read of AWS gave the report. */
export interface PostureAwsRead {
  /** By `databaseKey`: the facts AWS gave (merged over the describes), or null when AWS says it does not exist. */
  facts: Map<string, DatabaseFacts | null>;
  /** Databases whose describes did not answer, by `databaseKey`, with the reason in words. */
  unavailable: Map<string, string>;
  /** Every describe that did not answer now, in words ("rds:DescribeDBInstances in us-east-1: throttled by AWS"). */
  problems: string[];
  /** The oldest answer used, as an age in ms (0 when every answer is fresh). */
  oldestAgeMs: number;
  /**
   * By `databaseKey`, for the databases whose snapshots were asked for: the newest available
   * snapshot, or null when AWS lists none. Absent when not asked for or when the describe did not answer.
   */
  snapshots?: Map<string, NewestSnapshot | null>;
  /** Databases whose snapshot describe did not answer, by `databaseKey`, with the reason in words. */
  snapshotsUnavailable?: Map<string, string>;
}

export function databaseKey(ref: DatabaseRef): string {
  return `${ref.kind}:${ref.region}:${ref.id.toLowerCase()}`;
}

/**
 * The AWS half of the DR posture: per region one filtered DescribeDBInstances,
 * DescribeDBClusters and DescribeDBInstanceAutomatedBackups (100 identifiers a request, paged),
 * and DescribeDBSnapshots / DescribeDBClusterSnapshots for the databases no backup check watches,
 * each answer reused for POSTURE_CACHE_TTL_MS. A read never waits past its deadline: a describe
 * still running, throttled or refused is reported as such (its last answer, if any, is shown with
 * its age), and one that finishes late still fills the cache for the next reader.
 */
export class PostureReader {
  private readonly slots = new Map<string, CacheSlot>();

  constructor(
    private readonly deps: {
      clients: RdsSource;
      clock: Clock;
      logger: Logger;
      ttlMs?: number;
      deadlineMs?: number;
    },
  ) {}

  /** `snapshotsOf`: the databases whose newest snapshot to read too (those no backup check measures). */
  async read(databases: readonly DatabaseRef[], snapshotsOf: readonly DatabaseRef[] = []): Promise<PostureAwsRead> {
    const groups = groupsOf(databases, snapshotsOf);
    const deadlineMs = this.deps.deadlineMs ?? POSTURE_AWS_DEADLINE_MS;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), deadlineMs);
    });
    const settled = await Promise.all(
      groups.map(async (group) => {
        const slot = this.slotFor(group);
        const now = this.deps.clock.now();
        if (slot.answer && now - slot.answer.at < (this.deps.ttlMs ?? POSTURE_CACHE_TTL_MS)) {
          return { group, answer: slot.answer.value, ageMs: now - slot.answer.at };
        }
        const fetching = slot.inFlight ?? this.fetch(group, slot);
        try {
          const fresh = await Promise.race([fetching, deadline]);
          if (fresh !== 'late') return { group, answer: fresh, ageMs: 0 };
          return this.fallback(group, slot, `${label(group)}: AWS did not answer within ${deadlineMs / 1000}s`);
        } catch (err) {
          return this.fallback(group, slot, `${label(group)}: ${inWords(err)}`);
        }
      }),
    );
    clearTimeout(timer);
    return merge(databases, snapshotsOf, settled);
  }

  private fallback(group: Group, slot: CacheSlot, problem: string): { group: Group; problem: string; answer?: Answer; ageMs: number } {
    if (!slot.answer) return { group, problem, ageMs: 0 };
    const ageMs = this.deps.clock.now() - slot.answer.at;
    return { group, problem, answer: slot.answer.value, ageMs };
  }

  private slotFor(group: Group): CacheSlot {
    const key = `${group.api}:${group.region}`;
    const ids = group.ids.join(',');
    let slot = this.slots.get(key);
    if (!slot || slot.ids !== ids) {
      slot = { ids };
      this.slots.set(key, slot);
    }
    return slot;
  }

  private fetch(group: Group, slot: CacheSlot): Promise<Answer> {
    const fetching = this.describe(group);
    slot.inFlight = fetching;
    fetching.then(
      (value) => {
        slot.answer = { value, at: this.deps.clock.now() };
        slot.inFlight = undefined;
      },
      (err: unknown) => {
        slot.inFlight = undefined;
        this.deps.logger.warn({ err, api: group.api, region: group.region }, 'the DR posture could not read AWS; shown as unavailable');
      },
    );
    return fetching;
  }

  private async describe({ api, region, ids }: Group): Promise<Answer> {
    const rds = rdsFor(this.deps.clients, region);
    const answer: Answer = new Map();
    if (api === 'DescribeDBInstances') {
      const dbs = await describeAll(ids, async (Values, Marker) => {
        const out = await rds.send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-instance-id', Values }], Marker }));
        return { items: out.DBInstances ?? [], marker: out.Marker };
      });
      for (const db of dbs) if (db.DBInstanceIdentifier) answer.set(db.DBInstanceIdentifier.toLowerCase(), instanceFacts(db));
    } else if (api === 'DescribeDBClusters') {
      const clusters = await describeAll(ids, async (Values, Marker) => {
        const out = await rds.send(new DescribeDBClustersCommand({ Filters: [{ Name: 'db-cluster-id', Values }], Marker }));
        return { items: out.DBClusters ?? [], marker: out.Marker };
      });
      for (const c of clusters) if (c.DBClusterIdentifier) answer.set(c.DBClusterIdentifier.toLowerCase(), clusterFacts(c));
    } else if (api === 'DescribeDBSnapshots' || api === 'DescribeDBClusterSnapshots') {
      const newest = await newestSnapshots(rds, api === 'DescribeDBSnapshots' ? 'instance' : 'cluster', ids);
      for (const [id, snapshot] of newest) answer.set(id, { newestSnapshot: snapshot });
    } else {
      const backups = await describeAll(ids, async (Values, Marker) => {
        const out = await rds.send(
          new DescribeDBInstanceAutomatedBackupsCommand({ Filters: [{ Name: 'db-instance-id', Values }], Marker }),
        );
        return { items: out.DBInstanceAutomatedBackups ?? [], marker: out.Marker };
      });
      for (const b of backups) {
        const latest = activeWindowEnd(b);
        const id = b.DBInstanceIdentifier?.toLowerCase();
        if (id && latest !== undefined) answer.set(id, { restorableWindowEnd: latest });
      }
    }
    return answer;
  }
}

/** Per region: the instances' two describes and the clusters' one, and the snapshot describes, each only when something needs it. */
function groupsOf(databases: readonly DatabaseRef[], snapshotsOf: readonly DatabaseRef[]): Group[] {
  const byKey = new Map<string, Group>();
  const add = (api: Api, region: string, id: string) => {
    const key = `${api}:${region}`;
    const group = byKey.get(key) ?? { api, region, ids: [] };
    if (!group.ids.includes(id)) group.ids.push(id);
    byKey.set(key, group);
  };
  for (const db of databases) {
    const id = db.id.toLowerCase();
    if (db.kind === 'cluster') add('DescribeDBClusters', db.region, id);
    else {
      add('DescribeDBInstances', db.region, id);
      add('DescribeDBInstanceAutomatedBackups', db.region, id);
    }
  }
  for (const db of snapshotsOf) add(snapshotApi(db), db.region, db.id.toLowerCase());
  for (const group of byKey.values()) group.ids.sort();
  return [...byKey.values()];
}

function snapshotApi(db: DatabaseRef): Api {
  return db.kind === 'cluster' ? 'DescribeDBClusterSnapshots' : 'DescribeDBSnapshots';
}

function merge(
  databases: readonly DatabaseRef[],
  snapshotsOf: readonly DatabaseRef[],
  settled: Array<{ group: Group; answer?: Answer; ageMs: number; problem?: string }>,
): PostureAwsRead {
  const facts = new Map<string, DatabaseFacts | null>();
  const unavailable = new Map<string, string>();
  const problems = settled.flatMap((s) => (s.problem ? [s.problem] : []));
  const answerOf = (api: Api, region: string) => settled.find((s) => s.group.api === api && s.group.region === region);
  for (const db of databases) {
    const key = databaseKey(db);
    const id = db.id.toLowerCase();
    const main = answerOf(db.kind === 'cluster' ? 'DescribeDBClusters' : 'DescribeDBInstances', db.region);
    if (!main?.answer) {
      unavailable.set(key, main?.problem ?? 'not read');
      continue;
    }
    const described = main.answer.get(id);
    if (!described) {
      facts.set(key, null);
      continue;
    }
    const window = db.kind === 'instance' ? answerOf('DescribeDBInstanceAutomatedBackups', db.region)?.answer?.get(id) : undefined;
    facts.set(key, { ...db, status: 'unknown', ...described, ...window });
  }
  const snapshots = new Map<string, NewestSnapshot | null>();
  const snapshotsUnavailable = new Map<string, string>();
  for (const db of snapshotsOf) {
    const read = answerOf(snapshotApi(db), db.region);
    if (read?.answer) snapshots.set(databaseKey(db), read.answer.get(db.id.toLowerCase())?.newestSnapshot ?? null);
    else snapshotsUnavailable.set(databaseKey(db), read?.problem ?? 'not read');
  }
  const ages = settled.filter((s) => s.answer).map((s) => s.ageMs);
  return { facts, unavailable, problems, oldestAgeMs: ages.length > 0 ? Math.max(...ages) : 0, snapshots, snapshotsUnavailable };
}

function instanceFacts(db: DBInstance): Partial<DatabaseFacts> {
  return {
    status: db.DBInstanceStatus ?? 'unknown',
    ...(db.MultiAZ !== undefined && { multiAz: db.MultiAZ }),
    ...(db.BackupRetentionPeriod !== undefined && { backupRetentionDays: db.BackupRetentionPeriod }),
    ...(db.StorageEncrypted !== undefined && { encrypted: db.StorageEncrypted }),
    ...(db.DeletionProtection !== undefined && { deletionProtection: db.DeletionProtection }),
    ...(db.LatestRestorableTime && { latestRestorableTime: db.LatestRestorableTime.getTime() }),
    ...(db.ReadReplicaSourceDBInstanceIdentifier && { replicaSource: db.ReadReplicaSourceDBInstanceIdentifier }),
  };
}

function clusterFacts(c: DBCluster): Partial<DatabaseFacts> {
  return {
    status: c.Status ?? 'unknown',
    ...(c.MultiAZ !== undefined && { multiAz: c.MultiAZ }),
    ...(c.BackupRetentionPeriod !== undefined && { backupRetentionDays: c.BackupRetentionPeriod }),
    ...(c.StorageEncrypted !== undefined && { encrypted: c.StorageEncrypted }),
    ...(c.DeletionProtection !== undefined && { deletionProtection: c.DeletionProtection }),
    ...(c.LatestRestorableTime && { latestRestorableTime: c.LatestRestorableTime.getTime() }),
    ...(c.ReplicationSourceIdentifier && { replicaSource: c.ReplicationSourceIdentifier }),
  };
}

/** The end of the active automated backup's restore window ("retained" ones belong to deleted namesakes). */
function activeWindowEnd(b: DBInstanceAutomatedBackup): number | undefined {
  if (b.Status === 'retained') return undefined;
  return b.RestoreWindow?.LatestTime?.getTime();
}

function label(group: Group): string {
  return `rds:${group.api} in ${group.region}`;
}

function inWords(err: unknown): string {
  const info = describeAwsError(err);
  if (isThrottling(info)) return `throttled by AWS (${info.code})`;
  return `AWS said ${info.code}`;
}
