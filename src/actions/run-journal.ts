import type { Plan } from '../core/plan.js';
import type { RunOutcome, StepDetail } from './run-outcome.js';

/**
 * Where the runner records which step is in flight, so that after a crash a run found mid-step is
 * reported interrupted, never resumed blindly. Implemented on the store by the approvals side.
 * The runner calls `stepStarted` before every AWS call and makes no call if it fails.
 */
export interface RunJournal {
  stepStarted(runId: string, stepId: string): Promise<void>;
  stepDone(runId: string, stepId: string, detail: StepDetail): Promise<void>;
  /** Records the final outcome; a finished run is never reported again. */
  finished(runId: string, outcome: RunOutcome): Promise<void>;
}

/** A step as the journal recorded it. */
export interface JournalStep {
  stepId: string;
  /** False: started and never recorded done. */
  done: boolean;
  /** Epoch ms, when the journal keeps them. */
  startedAt?: number;
  doneAt?: number;
  detail?: StepDetail;
}

/** A run that started and has no `finished` record. */
export interface JournalRun {
  runId: string;
  plan: Plan;
  /** Epoch ms execution started, when known. */
  startedAt?: number;
  steps: JournalStep[];
}

/**
 * Reads runs back for recovery. `unfinishedRuns` must answer only runs whose executing process
 * is gone (e.g. its lease expired), not runs another live replica is executing right now.
 */
export interface RunJournalReader {
  unfinishedRuns(): Promise<JournalRun[]>;
}
