import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DRILL_OUTCOMES, type DrillOutcome } from '../drills/drill-outcome.js';

// Restores take minutes to hours (the restore wait allows 6 h).
const DRILL_BUCKETS = [60, 300, 600, 900, 1800, 2700, 3600, 5400, 7200, 14400, 21600];

/**
 * SPEC §10's drill metrics: `lifeboat_drill_runs_total{drill,outcome}` (outcome: passed,
 * missed-rto, invalid, failed, interrupted), `lifeboat_drill_duration_seconds{drill}` (the measured restore
 * time, start to available, of every drill whose restore completed) and
 * `lifeboat_drill_last_success_timestamp_seconds{drill}` (the last `passed` drill's end).
 */
export class DrillMetrics {
  readonly runs: Counter<'drill' | 'outcome'>;
  readonly duration: Histogram<'drill'>;
  readonly lastSuccess: Gauge<'drill'>;

  constructor(registry: Registry) {
    this.runs = new Counter({
      name: 'lifeboat_drill_runs_total',
      help: 'Restore drills by drill and outcome (passed, missed-rto, invalid, failed, interrupted)',
      labelNames: ['drill', 'outcome'] as const,
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'lifeboat_drill_duration_seconds',
      help: "A restore drill's measured restore time, start to available, by drill",
      labelNames: ['drill'] as const,
      buckets: DRILL_BUCKETS,
      registers: [registry],
    });
    this.lastSuccess = new Gauge({
      name: 'lifeboat_drill_last_success_timestamp_seconds',
      help: 'When the last passed restore drill ended (Unix seconds), by drill',
      labelNames: ['drill'] as const,
      registers: [registry],
    });
  }

  /** Zeroes the configured drills' series, so a fresh process shows them (and rate() works). */
  known(drills: readonly string[]): void {
    for (const drill of drills) for (const outcome of DRILL_OUTCOMES) this.runs.inc({ drill, outcome }, 0);
  }

  record(outcome: DrillOutcome): void {
    this.runs.inc({ drill: outcome.drill, outcome: outcome.result });
    if (outcome.restoreMs !== undefined) this.duration.observe({ drill: outcome.drill }, outcome.restoreMs / 1000);
    if (outcome.result === 'passed') this.lastSuccess.set({ drill: outcome.drill }, Math.floor(outcome.finishedAt / 1000));
  }
}
