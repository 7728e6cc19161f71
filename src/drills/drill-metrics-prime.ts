import type { DrillMetrics } from '../observability/drill-metrics.js';
import type { Logger } from '../observability/logger.js';
import { DRILL_HISTORY, type DrillStore } from './drill-store.js';

/**
 * Sets `lifeboat_drill_last_success_timestamp_seconds` from the stored history when a process
 * starts. Without it the gauge exists only in the process that ran the passing drill, so every
 * deploy or restart would make a weekly drill look like it never passed (and an "overdue" alert
 * would fire, or never could). A drill with no pass in its kept history keeps no series: the
 * "never passed" alert is written for exactly that.
 */
export async function primeDrillMetrics(
  deps: { store: Pick<DrillStore, 'history'>; metrics: DrillMetrics; logger: Logger },
  drills: readonly string[],
): Promise<void> {
  await Promise.all(
    drills.map(async (drill) => {
      try {
        const history = await deps.store.history(drill, DRILL_HISTORY);
        const lastPass = history.find((outcome) => outcome.result === 'passed');
        if (lastPass) deps.metrics.primeLastSuccess(drill, lastPass.finishedAt);
      } catch (err) {
        deps.logger.warn({ err, drill }, 'could not read the drill history for its last success; the gauge is set at its next pass');
      }
    }),
  );
}
