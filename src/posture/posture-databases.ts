import type { Config, FailoverRunbook } from '../config/types.js';

export type DatabaseKind = 'instance' | 'cluster';

/** One RDS instance or Aurora cluster a check or runbook names. */
export interface DatabaseRef {
  kind: DatabaseKind;
  region: string;
  /** As the config spells it. */
  id: string;
}

/** What AWS says about a database (DescribeDBInstances / DescribeDBClusters / its automated backups). Times are epoch ms. */
export interface DatabaseFacts extends DatabaseRef {
  status: string;
  multiAz?: boolean;
  /** BackupRetentionPeriod: 0 means automated backups (and point-in-time restore) are off. */
  backupRetentionDays?: number;
  encrypted?: boolean;
  deletionProtection?: boolean;
  /** LatestRestorableTime from the instance or cluster. */
  latestRestorableTime?: number;
  /** The end of the active automated backup's restore window (instances), which restores use. */
  restorableWindowEnd?: number;
  /** Set while it is a read replica: its RPO is replication lag, not a restorable time. */
  replicaSource?: string;
}

/** A database and the checks that speak for it. */
export interface NamedDatabase extends DatabaseRef {
  backupChecks: string[];
  lagChecks: string[];
}

/** CloudWatch dimensions that name an RDS resource. */
const INSTANCE_DIMENSION = 'DBInstanceIdentifier';
const CLUSTER_DIMENSION = 'DBClusterIdentifier';

/**
 * Every database a check or runbook names (SPEC §10), in config order, each once (ids compared
 * case-insensitively, as RDS does): backup checks' sources, replication-lag checks' instances and
 * clusters, failover targets, restore sources.
 */
export function namedDatabases(config: Pick<Config, 'checks' | 'runbooks'>): NamedDatabase[] {
  const found = new Map<string, NamedDatabase>();
  const add = (ref: DatabaseRef, check?: { id: string; type: 'backup' | 'lag' }): void => {
    const key = `${ref.kind}:${ref.region}:${ref.id.toLowerCase()}`;
    const db = found.get(key) ?? { ...ref, backupChecks: [], lagChecks: [] };
    if (check?.type === 'backup') db.backupChecks.push(check.id);
    if (check?.type === 'lag') db.lagChecks.push(check.id);
    found.set(key, db);
  };
  for (const check of config.checks) {
    if (check.type === 'backup') {
      const ref = check.dbCluster !== undefined ? cluster(check.region, check.dbCluster) : instance(check.region, check.dbInstance ?? '');
      add(ref, { id: check.id, type: 'backup' });
    } else if (check.type === 'replication-lag') {
      const named = check.dimensions[INSTANCE_DIMENSION];
      const namedCluster = check.dimensions[CLUSTER_DIMENSION];
      if (named !== undefined) add(instance(check.region, named), { id: check.id, type: 'lag' });
      else if (namedCluster !== undefined) add(cluster(check.region, namedCluster), { id: check.id, type: 'lag' });
    }
  }
  for (const runbook of Object.values(config.runbooks.failover)) {
    const target = failoverTarget(runbook);
    if (target) add(target);
  }
  for (const runbook of Object.values(config.runbooks.restore)) {
    const source = restoreSource(runbook);
    if (source) add(source);
  }
  return [...found.values()];
}

/** What a failover runbook would make the primary: the replica, replica cluster or target cluster. */
export function failoverTarget(runbook: FailoverRunbook): DatabaseRef | null {
  const p = runbook.promote;
  if (!p) return null;
  if ('dbInstance' in p) return instance(runbook.region, p.dbInstance);
  if ('dbCluster' in p) return cluster(runbook.region, p.dbCluster);
  if ('failoverCluster' in p) return cluster(runbook.region, p.failoverCluster);
  // A global database's target is an ARN: arn:aws:rds:<region>:<account>:cluster:<id>.
  const arn = /^arn:[^:]+:rds:([a-z0-9-]+):\d*:cluster:(.+)$/.exec(p.targetCluster);
  return arn?.[1] && arn[2] ? cluster(arn[1], arn[2]) : null;
}

/** What a restore runbook restores from. */
export function restoreSource(runbook: { region: string; dbInstance?: string; dbCluster?: string }): DatabaseRef | null {
  if (runbook.dbCluster !== undefined) return cluster(runbook.region, runbook.dbCluster);
  if (runbook.dbInstance !== undefined) return instance(runbook.region, runbook.dbInstance);
  return null;
}

function instance(region: string, id: string): DatabaseRef {
  return { kind: 'instance', region, id };
}

function cluster(region: string, id: string): DatabaseRef {
  return { kind: 'cluster', region, id };
}
