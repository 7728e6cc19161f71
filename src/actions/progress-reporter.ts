import type { RunOutcome } from './run-outcome.js';

/** One thing worth telling the request's thread, as it happens. */
export type ProgressEvent =
  | { type: 'step-started'; runId: string; planId: string; stepId: string; message: string }
  | { type: 'step-done'; runId: string; planId: string; stepId: string; message: string; elapsedMs: number }
  | { type: 'step-failed'; runId: string; planId: string; stepId: string; message: string; code: string }
  /** The end of a run, whatever its status (succeeded, failed, refused, interrupted). */
  | { type: 'finished'; runId: string; planId: string; outcome: RunOutcome; message: string };

/**
 * Where progress goes (the Slack side posts it in the request's thread). A failing reporter never
 * stops a run: the runner logs and carries on, and the journal still has everything.
 */
export interface ProgressReporter {
  report(event: ProgressEvent): Promise<void>;
}
