import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DRILL_OUTCOMES, type DrillOutcome } from '../drills/drill-outcome.js';

// Restores take minutes to hours (the restore wait allows 6 h); Multi-AZ failovers one to two minutes.
const DRILL_BUCKETS = [30, 60, 120, 300, 600, 900, 1800, 2700, 3600, 5400, 7200, 14400, 21600];

/**
 * SPEC §10's drill metrics: `lifeboat_drill_runs_total{drill,outcome}` (outcome: passed,
 * missed-rto, invalid, failed, interrupted), `lifeboat_drill_duration_seconds{drill}` (a restore
 * drill's measured restore time, start to available, when the restore completed; a Multi-AZ
 * drill's failover call to recovered), `lifeboat_drill_last_success_timestamp_seconds{drill}` (the
 * last `passed` drill's end, read back from the store when a process starts), and
 * `lifeboat_drill_scheduled{drill}`.
 */
export class DrillMetrics {
  readonly runs: Counter<'drill' | 'outcome'>;
  readonly duration: Histogram<'drill'>;
  readonly lastSuccess: Gauge<'drill'>;
  readonly scheduledDrills: Gauge<'drill'>;
  private readonly lastSuccessSeconds = new Map<string, number>();

  constructor(registry: Registry) {
    this.runs = new Counter({
      name: 'lifeboat_drill_runs_total',
      help: 'Drills by drill and outcome (passed, missed-rto, invalid, failed, interrupted)',
      labelNames: ['drill', 'outcome'] as const,
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'lifeboat_drill_duration_seconds',
      help: "A drill's measured time, by drill: a restore drill's start to available, a Multi-AZ drill's failover call to recovered",
      labelNames: ['drill'] as const,
      buckets: DRILL_BUCKETS,
      registers: [registry],
    });
    this.lastSuccess = new Gauge({
      name: 'lifeboat_drill_last_success_timestamp_seconds',
      help: 'When the last passed drill ended (Unix seconds), by drill',
      labelNames: ['drill'] as const,
      registers: [registry],
    });
    this.scheduledDrills = new Gauge({
      name: 'lifeboat_drill_scheduled',
      help: 'Drills that run on a schedule (1), by drill: the overdue alerts look only at these',
      labelNames: ['drill'] as const,
      registers: [registry],
    });
  }

  /** Marks drills with a `schedule`: an on-demand drill is never "overdue". */
  scheduled(drills: readonly string[]): void {
    for (const drill of drills) this.scheduledDrills.set({ drill }, 1);
  }

  /** Zeroes the configured drills' series, so a fresh process shows them (and rate() works). */
  known(drills: readonly string[]): void {
    for (const drill of drills) for (const outcome of DRILL_OUTCOMES) this.runs.inc({ drill, outcome }, 0);
  }

  /** A pass read from the store at start: never moves the gauge back past one this process saw. */
  primeLastSuccess(drill: string, finishedAt: number): void {
    this.setLastSuccess(drill, Math.floor(finishedAt / 1000));
  }

  record(outcome: DrillOutcome): void {
    this.runs.inc({ drill: outcome.drill, outcome: outcome.result });
    const measuredMs = outcome.restoreMs ?? outcome.failoverMs;
    if (measuredMs !== undefined) this.duration.observe({ drill: outcome.drill }, measuredMs / 1000);
    if (outcome.result === 'passed') this.setLastSuccess(outcome.drill, Math.floor(outcome.finishedAt / 1000));
  }

  private setLastSuccess(drill: string, seconds: number): void {
    if ((this.lastSuccessSeconds.get(drill) ?? 0) >= seconds) return;
    this.lastSuccessSeconds.set(drill, seconds);
    this.lastSuccess.set({ drill }, seconds);
  }
}
