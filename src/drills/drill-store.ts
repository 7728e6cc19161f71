import type { RunJournal } from '../actions/run-journal.js';
import type { DrillOutcome } from './drill-outcome.js';

/** A claim on a drill's resources: its new run id, or who holds one of them. */
export type DrillClaim = { ok: true; runId: string } | { ok: false; resource: string; heldBy: string };

/** Outcomes kept per drill, newest first. */
export const DRILL_HISTORY = 20;

/**
 * Drill runs' shared state. `claim` is atomic: it refuses while an approval request or run, or
 * another drill, holds any of `resources` (the approval store's resource locks), and otherwise
 * numbers the run and takes the resources for `leaseMs` (a crashed replica's claim lapses).
 */
export interface DrillStore {
  claim(input: { resources: readonly string[]; leaseMs: number }): Promise<DrillClaim>;
  /** Frees what `runId` holds (only what it still holds). */
  release(runId: string, resources: readonly string[]): Promise<void>;
  /** Keeps an outcome in its drill's history (newest first, at most DRILL_HISTORY). */
  record(outcome: DrillOutcome): Promise<void>;
  /** The drill's newest outcomes first. */
  history(drill: string, limit: number): Promise<DrillOutcome[]>;
  /** The drill runner's journal: which step is in flight, for a crash report. */
  readonly journal: RunJournal;
}
