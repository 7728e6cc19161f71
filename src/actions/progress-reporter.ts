import type { Logger } from '../observability/logger.js';
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

/**
 * The runner's progress, told to every subscriber in turn (the Slack side subscribes at wiring)
 * and logged, so a run with nobody subscribed still leaves its trace. A subscriber that fails
 * does not keep the event from the others; the first failure is re-thrown for the runner to log.
 */
export class ProgressEvents implements ProgressReporter {
  private readonly subscribers = new Set<ProgressReporter>();

  constructor(private readonly logger: Logger) {}

  subscribe(reporter: ProgressReporter): () => void {
    this.subscribers.add(reporter);
    return () => this.subscribers.delete(reporter);
  }

  async report(event: ProgressEvent): Promise<void> {
    this.logger.info({ runId: event.runId, event: event.type, ...('stepId' in event ? { stepId: event.stepId } : {}) }, event.message);
    let failure: unknown = null;
    for (const subscriber of this.subscribers) {
      try {
        await subscriber.report(event);
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure !== null) throw failure;
  }
}
