import type { Config, FailoverRunbook, RecoveryObjectives, RestoreRunbook } from '../config/types.js';
import type { CheckResult } from '../core/check-result.js';
import type { CheckState } from '../core/check-state.js';
import type { DrillOutcome } from '../drills/drill-outcome.js';
import type { DrillListing } from '../drills/drill-service.js';
import { readinessCheckId } from '../readiness/readiness-result.js';
import { runKey, type MeasuredRun } from './last-runs.js';
import { failoverTarget, namedDatabases, restoreSource, type DatabaseFacts, type NamedDatabase } from './posture-databases.js';
import { databaseKey, type PostureAwsRead } from './posture-reader.js';

/** Fewer days of automated backups than this is called out: a week is what RDS' console proposes. */
export const SHORT_RETENTION_DAYS = 7;

type BackupMeasurement = Extract<CheckResult['measurement'], { kind: 'backup' }>;

/** One database's DR posture. */
export interface DatabasePosture {
  db: NamedDatabase;
  /** What AWS said; null when AWS says it does not exist; undefined when AWS did not answer. */
  facts: DatabaseFacts | null | undefined;
  /** Why AWS facts are missing (throttled, too slow, refused). */
  unavailable?: string;
  /** What needs attention, in words (single-AZ, not encrypted, ...); empty when nothing does. */
  attention: string[];
  /** Now minus the latest restorable time: what a restore would lose if the database were lost now. */
  rpoMs?: number;
  backups: Array<{ checkId: string; measurement: BackupMeasurement | null; ok: boolean | null }>;
  /**
   * For a database no backup check watches: its newest available snapshot as AWS lists it now
   * (null: none), or why it could not be read. No copy region is configured for it, so no copy is looked for.
   */
  snapshot?: { newest: { id: string; ageMs: number } | null } | { unavailable: string };
  lag: Array<{ checkId: string; lagSeconds: number | null | undefined }>;
}

/** A measured time or RPO against an objective. */
export interface Judgement {
  objectiveMs: number;
  /** Null when nothing was measured yet. */
  measuredMs: number | null;
  missed: boolean;
}

/** Where a runbook's measured recovery time came from. */
export type Measured =
  | { from: 'drill'; id: string; drill: string; ms: number; at: number }
  | { from: 'run'; run: MeasuredRun; ms: number; at: number };

export interface RunbookPosture {
  kind: 'failover' | 'restore';
  runbook: string;
  /** The last readiness verdict the store holds (the leader's cycle); null when none is stored yet. */
  readiness: { ready: boolean; summary: string; at: number } | null;
  measured: Measured | null;
  /** The current RPO: replica lag (failover) or now minus the source's latest restorable time (restore). */
  currentRpo: { ms: number; from: string } | { ms: null; why: string };
  rto?: Judgement;
  rpo?: Judgement;
  /** The newest drill on this runbook did not pass. */
  lastDrillFailed?: DrillOutcome;
  /** Lines that miss an objective or are not ready are listed first. */
  attention: string[];
}

export interface DrillPosture {
  listing: DrillListing;
  /** The last drill's measured restore time against the drill's rto; absent without rto. */
  rto?: Judgement;
  attention: boolean;
}

/** The whole DR posture report. */
export interface Posture {
  nowMs: number;
  databases: DatabasePosture[];
  runbooks: RunbookPosture[];
  /** Null when the drills could not be read. */
  drills: DrillPosture[] | null;
  /** Parts that could not be read now, in words. */
  unavailable: string[];
  /** Age of the oldest AWS answer shown (the cache), ms. */
  awsAgeMs: number;
}

export interface PostureInput {
  config: Pick<Config, 'checks' | 'runbooks' | 'drills'>;
  aws: PostureAwsRead;
  /** Check states by check id: backup and lag checks, and the readiness pseudo-checks. */
  states: ReadonlyMap<string, CheckState | null>;
  /** Null when the drills could not be read. */
  drills: DrillListing[] | null;
  /** Null when past runs could not be read. */
  runs: ReadonlyMap<string, MeasuredRun> | null;
  /** Parts already known to be unavailable (store reads). */
  unavailable?: string[];
  nowMs: number;
}

/** The check ids whose stored state the posture reads. */
export function postureCheckIds(config: Pick<Config, 'checks' | 'runbooks'>): string[] {
  return [
    ...config.checks.filter((c) => c.type === 'backup' || c.type === 'replication-lag').map((c) => c.id),
    ...Object.keys(config.runbooks.failover).map((name) => readinessCheckId('failover', name)),
    ...Object.keys(config.runbooks.restore).map((name) => readinessCheckId('restore', name)),
  ];
}

/** Judges every database, runbook and drill; what misses its objective or needs attention comes first. */
export function assessPosture(input: PostureInput): Posture {
  const { config, aws, nowMs } = input;
  const databases = namedDatabases(config).map((db) => assessDatabase(db, input));
  const facts = new Map(databases.map((d) => [databaseKey(d.db), d] as const));
  const runbooks = [
    ...Object.entries(config.runbooks.failover).map(([name, rb]) => assessFailover(name, rb, input, facts)),
    ...Object.entries(config.runbooks.restore).map(([name, rb]) => assessRestore(name, rb, input, facts)),
  ];
  const drills = input.drills?.map((listing) => assessDrill(listing)) ?? null;
  const unavailable = [...(input.unavailable ?? []), ...aws.problems];
  return {
    nowMs,
    databases: attentionFirst(databases),
    runbooks: missesFirst(runbooks),
    drills: drills && [...drills.filter((d) => d.attention), ...drills.filter((d) => !d.attention)],
    unavailable,
    awsAgeMs: aws.oldestAgeMs,
  };
}

function attentionFirst<T extends { attention: string[] }>(items: T[]): T[] {
  return [...items.filter((i) => i.attention.length > 0), ...items.filter((i) => i.attention.length === 0)];
}

/** Runbooks missing an objective, then those needing attention otherwise (not ready, a failed drill), then the rest; config order within each. */
function missesFirst(runbooks: RunbookPosture[]): RunbookPosture[] {
  const misses = (r: RunbookPosture) => r.rto?.missed === true || r.rpo?.missed === true;
  return [...runbooks.filter(misses), ...attentionFirst(runbooks.filter((r) => !misses(r)))];
}

function assessDatabase(db: NamedDatabase, input: PostureInput): DatabasePosture {
  const key = databaseKey(db);
  const facts = input.aws.facts.has(key) ? input.aws.facts.get(key) : undefined;
  const backups = db.backupChecks.map((checkId) => {
    const result = input.states.get(checkId)?.lastResult;
    const m = result?.measurement;
    return { checkId, measurement: m?.kind === 'backup' ? m : null, ok: result ? result.ok : null };
  });
  const lag = db.lagChecks.map((checkId) => ({ checkId, lagSeconds: lagOf(input.states.get(checkId)) }));
  const attention: string[] = [];
  if (facts === null) attention.push('not found in AWS');
  if (facts) {
    if (facts.multiAz === false) attention.push('single-AZ');
    if (facts.encrypted === false) attention.push('not encrypted at rest');
    if (facts.deletionProtection === false) attention.push('no deletion protection');
    const days = facts.backupRetentionDays;
    if (days === 0 && !facts.replicaSource) attention.push('automated backups off (no point-in-time restore)');
    else if (days !== undefined && days > 0 && days < SHORT_RETENTION_DAYS) attention.push(`backups kept only ${plural(days, 'day')}`);
  }
  for (const b of backups) if (b.ok === false) attention.push(`backup check ${b.checkId} failing`);
  const restorable = facts ? (facts.restorableWindowEnd ?? facts.latestRestorableTime) : undefined;
  const snapshot = db.backupChecks.length === 0 ? snapshotOf(key, input) : undefined;
  return {
    db,
    facts,
    ...(input.aws.unavailable.has(key) && { unavailable: input.aws.unavailable.get(key) }),
    attention,
    ...(restorable !== undefined && { rpoMs: Math.max(0, input.nowMs - restorable) }),
    backups,
    ...(snapshot && { snapshot }),
    lag,
  };
}

function snapshotOf(key: string, input: PostureInput): DatabasePosture['snapshot'] {
  const { snapshots, snapshotsUnavailable } = input.aws;
  if (snapshots?.has(key)) {
    const newest = snapshots.get(key);
    return { newest: newest ? { id: newest.id, ageMs: Math.max(0, input.nowMs - newest.at) } : null };
  }
  const why = snapshotsUnavailable?.get(key);
  return why === undefined ? undefined : { unavailable: why };
}

function assessFailover(name: string, rb: FailoverRunbook, input: PostureInput, dbs: Map<string, DatabasePosture>): RunbookPosture {
  const target = failoverTarget(rb);
  const lagChecks = rb.guard ? [rb.guard.lagCheck] : target ? (dbs.get(databaseKey(target))?.db.lagChecks ?? []) : [];
  const lags = lagChecks.map((id) => ({ id, lag: lagOf(input.states.get(id)) }));
  const known = lags.filter((l): l is { id: string; lag: number } => typeof l.lag === 'number');
  const worst = known.sort((a, b) => b.lag - a.lag)[0];
  const currentRpo: RunbookPosture['currentRpo'] = worst
    ? { ms: worst.lag * 1000, from: `replica lag, check ${worst.id}` }
    : { ms: null, why: lagChecks.length === 0 ? 'no replication-lag check watches its target' : 'no lag measured yet' };
  return assessRunbook('failover', name, rb.objectives, currentRpo, input);
}

function assessRestore(name: string, rb: RestoreRunbook, input: PostureInput, dbs: Map<string, DatabasePosture>): RunbookPosture {
  const source = restoreSource(rb);
  const db = source ? dbs.get(databaseKey(source)) : undefined;
  const currentRpo: RunbookPosture['currentRpo'] =
    db?.rpoMs !== undefined
      ? { ms: db.rpoMs, from: 'latest restorable time' }
      : { ms: null, why: db?.unavailable ? 'AWS did not answer' : db?.facts === null ? 'the source was not found' : 'no restorable time' };
  return assessRunbook('restore', name, rb.objectives, currentRpo, input);
}

function assessRunbook(
  kind: 'failover' | 'restore',
  runbook: string,
  objectives: RecoveryObjectives | undefined,
  currentRpo: RunbookPosture['currentRpo'],
  input: PostureInput,
): RunbookPosture {
  const state = input.states.get(readinessCheckId(kind, runbook));
  const result = state?.lastResult;
  const readiness = result ? { ready: result.ok, summary: result.error?.message ?? result.summary, at: result.startedAt } : null;
  const drillsOf = kind === 'restore' ? (input.drills ?? []).filter((d) => d.runbook === runbook && d.last) : [];
  const measured = newestMeasured(drillsOf, input.runs?.get(runKey(kind, runbook)));
  const newestDrill = drillsOf.map((d) => d.last as DrillOutcome).sort((a, b) => b.finishedAt - a.finishedAt)[0];
  const lastDrillFailed = newestDrill && (newestDrill.result === 'failed' || newestDrill.result === 'invalid') ? newestDrill : undefined;
  const rto = objectives?.rtoMs !== undefined ? judge(objectives.rtoMs, measured?.ms ?? null) : undefined;
  const rpo = objectives?.rpoMs !== undefined ? judge(objectives.rpoMs, currentRpo.ms) : undefined;
  const attention: string[] = [];
  if (rto?.missed) attention.push('misses RTO');
  if (rpo?.missed) attention.push('misses RPO');
  if (readiness && !readiness.ready) attention.push('not ready');
  if (lastDrillFailed) attention.push(`last drill ${lastDrillFailed.result}`);
  return {
    kind,
    runbook,
    readiness,
    measured,
    currentRpo,
    ...(rto && { rto }),
    ...(rpo && { rpo }),
    ...(lastDrillFailed && { lastDrillFailed }),
    attention,
  };
}

/** The newest measured restore time among the runbook's drills and its last run. */
function newestMeasured(drills: DrillListing[], run: MeasuredRun | undefined): Measured | null {
  const candidates: Measured[] = drills.flatMap((d) =>
    d.last?.restoreMs !== undefined
      ? [{ from: 'drill' as const, id: d.last.runId, drill: d.name, ms: d.last.restoreMs, at: d.last.finishedAt }]
      : [],
  );
  if (run) candidates.push({ from: 'run', run, ms: run.measuredMs, at: run.finishedAt });
  return candidates.sort((a, b) => b.at - a.at)[0] ?? null;
}

function assessDrill(listing: DrillListing): DrillPosture {
  const last = listing.last;
  // A restore drill measures its restore, a Multi-AZ drill its failover: either is judged against the drill's rto.
  const rto = listing.rtoMs !== undefined && last ? judge(listing.rtoMs, last.restoreMs ?? last.failoverMs ?? null) : undefined;
  return { listing, ...(rto && { rto }), attention: last !== undefined && last.result !== 'passed' };
}

function judge(objectiveMs: number, measuredMs: number | null): Judgement {
  return { objectiveMs, measuredMs, missed: measuredMs !== null && measuredMs > objectiveMs };
}

function lagOf(state: CheckState | null | undefined): number | null | undefined {
  const m = state?.lastResult?.measurement;
  return m?.kind === 'replication-lag' ? m.lagSeconds : undefined;
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
