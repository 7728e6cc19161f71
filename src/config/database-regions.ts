import { asArray, asRecord, asText } from './raw-read.js';

/** An RDS instance or an Aurora cluster, as a Multi-AZ drill names it. */
export interface DatabaseName {
  kind: 'instance' | 'cluster';
  id: string;
}

/**
 * The database a `multiAzFailover` target names, raw or parsed: an instance or a cluster, when it
 * names exactly one (neither or both is the target's own field error).
 */
export function multiAzDatabase(target: unknown): DatabaseName | undefined {
  const fields = asRecord(target);
  const instance = asText(fields?.dbInstance);
  const cluster = asText(fields?.dbCluster);
  if (instance !== undefined && cluster === undefined) return { kind: 'instance', id: instance };
  if (cluster !== undefined && instance === undefined) return { kind: 'cluster', id: cluster };
  return undefined;
}

/** A config entry that places the database in a region: `runbooks.restore.orders` says us-east-1. */
export interface RegionSource {
  region: string;
  /** Where in the config, for messages: `runbooks.restore.orders`, `checks[2]`. */
  at: string;
}

/** CloudWatch dimensions that name an RDS resource (a lag check's replica). */
const DIMENSION = { instance: 'DBInstanceIdentifier', cluster: 'DBClusterIdentifier' } as const;

/** The fields that name the database, by kind, on a backup check / restore runbook and on a failover's promote. */
const SOURCE_FIELD = { instance: 'dbInstance', cluster: 'dbCluster' } as const;
const PROMOTE_FIELDS = { instance: ['dbInstance'], cluster: ['dbCluster', 'failoverCluster'] } as const;

/**
 * Every entry that names `db` and says its region: backup checks and restore runbooks (their
 * source), replication-lag checks (their dimension), failover runbooks (what they promote or move
 * the writer in). Ids compare case-insensitively, as RDS does. Reads raw YAML and parsed config
 * alike (the field names are the same), so config-rules and the schema agree on the answer.
 */
export function regionSources(config: { checks?: unknown; runbooks?: unknown }, db: DatabaseName): RegionSource[] {
  const names = (value: unknown): boolean => asText(value)?.toLowerCase() === db.id.toLowerCase();
  const found: RegionSource[] = [];
  const add = (entry: Record<string, unknown>, at: string): void => {
    const region = asText(entry.region);
    if (region !== undefined) found.push({ region, at });
  };
  (asArray(config.checks) ?? []).forEach((raw, index) => {
    const check = asRecord(raw);
    if (!check) return;
    const named =
      check.type === 'backup'
        ? names(check[SOURCE_FIELD[db.kind]])
        : check.type === 'replication-lag' && names(asRecord(check.dimensions)?.[DIMENSION[db.kind]]);
    if (named) add(check, `checks[${index}]`);
  });
  const runbooks = asRecord(config.runbooks);
  for (const [name, raw] of Object.entries(asRecord(runbooks?.restore) ?? {})) {
    const runbook = asRecord(raw);
    if (runbook && names(runbook[SOURCE_FIELD[db.kind]])) add(runbook, `runbooks.restore.${name}`);
  }
  for (const [name, raw] of Object.entries(asRecord(runbooks?.failover) ?? {})) {
    const runbook = asRecord(raw);
    const promote = asRecord(runbook?.promote);
    if (runbook && promote && PROMOTE_FIELDS[db.kind].some((field) => names(promote[field]))) add(runbook, `runbooks.failover.${name}`);
  }
  return found;
}

/** The one region the sources agree on, or why there is none (for `drills.<name>.region`). */
export function inferRegion(sources: RegionSource[], db: DatabaseName): { region: string } | { problem: string } {
  const regions = [...new Set(sources.map((s) => s.region))];
  const [only] = regions;
  if (regions.length === 1 && only !== undefined) return { region: only };
  if (regions.length === 0) {
    return {
      problem: `required: no backup check, replication-lag check, restore or failover runbook names ${db.id}, so its region cannot be inferred`,
    };
  }
  const where = sources.map((s) => `${s.region} in ${s.at}`).join(', ');
  return { problem: `required: the entries naming ${db.id} disagree on its region (${where}), so it cannot be inferred` };
}
