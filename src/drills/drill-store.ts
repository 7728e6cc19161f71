import type { RunJournal } from '../actions/run-journal.js';
import type { DrillCreated } from './drill-cleanup.js';
import type { DrillOutcome } from './drill-outcome.js';

/** A claim on a drill's resources: its new run id, or who holds one of them. */
export type DrillClaim = { ok: true; runId: string } | { ok: false; resource: string; heldBy: string };

/** Drill runs are numbered DRL-<n>, approval requests APR-<n>: a lock's holder says which it is. */
export function isDrillRunId(id: string): boolean {
  return id.startsWith('DRL-');
}

/** Outcomes kept per drill, newest first. */
export const DRILL_HISTORY = 20;

/** What a new drill run claims. */
export interface DrillClaimInput {
  /** The drill's name, kept with the run so a refusal and a recovery can name it. */
  drill: string;
  resources: readonly string[];
  /** The resources' lease: outlives the longest drill, lapses after a crash nobody recovered. */
  leaseMs: number;
  /** The run's liveness lease, renewed by `heartbeat` while the run's process lives. */
  livenessMs: number;
  startedAt: number;
}

/** A drill run as kept while it runs: enough for the next leader to clean up after it. */
export interface DrillRunRecord {
  runId: string;
  drill: string;
  resources: string[];
  startedAt: number;
  /** What the run will create, kept before its restore call is sent (absent: nothing was sent). */
  created?: DrillCreated;
}

/**
 * Drill runs' shared state. `claim` is atomic: it refuses while an approval request or run, or
 * another drill, holds any of `resources` (the approval store's resource locks), and otherwise
 * numbers the run and takes the resources for `leaseMs` (a crashed replica's claim lapses). The
 * approval store's create and lockHolder read the drill locks in turn, so neither starts on the
 * other's resources.
 *
 * A run lives while its process renews its liveness (`heartbeat`). One whose liveness lapsed
 * without an outcome was interrupted (crash, kill -9, OOM): `lapsed` finds it, `takeOver` gives it
 * to exactly one recovering replica, and `record` of its `interrupted` outcome ends it. A run's
 * outcome is recorded once: by its own process, or, once taken over, by the recovery only.
 */
export interface DrillStore {
  claim(input: DrillClaimInput): Promise<DrillClaim>;
  /** Frees what `runId` holds (only what it still holds). */
  release(runId: string, resources: readonly string[]): Promise<void>;
  /** Renews the run's liveness; false when the run is no longer its process's (taken over, or ended). */
  heartbeat(runId: string, livenessMs: number): Promise<boolean>;
  /** Keeps what the run will create (before the restore call is sent). */
  planned(runId: string, created: DrillCreated): Promise<void>;
  /** The run's record, while it has not ended (null once recorded, or unknown). */
  run(runId: string): Promise<DrillRunRecord | null>;
  /** Runs whose liveness lapsed without an outcome and that no live recovery holds. */
  lapsed(): Promise<string[]>;
  /**
   * Gives a lapsed run to `owner` for `leaseMs` (atomically: one owner at a time); null when the
   * run is alive, ended, or another recovery holds it.
   */
  takeOver(runId: string, owner: string, leaseMs: number): Promise<DrillRunRecord | null>;
  /** Gives a taken-over run back (its cleanup must wait): a later sweep takes it over again. */
  handBack(runId: string, owner: string): Promise<void>;
  /**
   * Keeps an outcome in its drill's history (newest first, at most DRILL_HISTORY) and ends the
   * run: false, keeping nothing, when the run already ended or when a recovery took it over and
   * this is not the recovery's `interrupted` outcome.
   */
  record(outcome: DrillOutcome): Promise<boolean>;
  /** The drill's newest outcomes first. */
  history(drill: string, limit: number): Promise<DrillOutcome[]>;
  /** The drill runner's journal: which step is in flight, for a crash report. */
  readonly journal: RunJournal;
}
