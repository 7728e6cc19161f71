import type { CheckConfig } from '../config/types.js';
import type { CheckResult } from '../core/check-result.js';
import type { Clock } from '../core/clock.js';
import type { IncidentEngine } from '../incidents/incident-engine.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { buildJobs, type Probes } from './build-jobs.js';
import { Scheduler } from './scheduler.js';

export interface MonitorOptions {
  checks: CheckConfig[];
  probes: Probes;
  engine: IncidentEngine;
  metrics: Metrics;
  logger: Logger;
  clock: Clock;
  /** Most check runs in flight at once. */
  concurrency: number;
}

/**
 * Runs the configured checks while this process is the monitor leader: scheduler -> probes ->
 * incident engine. Knows nothing of Slack; notifiers subscribe to the engine.
 */
export class Monitor {
  private scheduler: Scheduler | null = null;

  constructor(private readonly options: MonitorOptions) {}

  get running(): boolean {
    return this.scheduler !== null;
  }

  start(): void {
    if (this.scheduler) return;
    const { checks, probes, metrics, logger, clock, concurrency } = this.options;
    const scheduler = new Scheduler({
      concurrency,
      logger: logger.child({ component: 'scheduler' }),
      now: () => clock.now(),
      onRunComplete: (run) => metrics.schedulingLag.observe(Math.max(0, run.startedAt - run.dueAt) / 1000),
      onSkipped: (jobId) => metrics.checkRunsSkipped.inc({ job: jobId }),
    });
    for (const job of buildJobs(checks, probes, (result) => this.record(result), clock)) scheduler.add(job);
    scheduler.start();
    this.scheduler = scheduler;
    logger.info({ checks: checks.length }, `monitor started: ${checks.length} checks`);
  }

  /** Stops scheduling; waits for in-flight runs (bounded by their timeouts). */
  async stop(): Promise<void> {
    const scheduler = this.scheduler;
    this.scheduler = null;
    if (!scheduler) return;
    await scheduler.stop();
    this.options.logger.info('monitor stopped');
  }

  private async record(result: CheckResult): Promise<void> {
    this.options.metrics.recordResult(result);
    this.options.logger.debug({ checkId: result.checkId, ok: result.ok, summary: result.summary }, 'check result');
    try {
      await this.options.engine.apply(result);
    } catch (err) {
      // Store unreachable: this result is not applied; the next run tries again. Loud, never silent.
      this.options.logger.error({ err, checkId: result.checkId }, 'could not apply check result to incidents (is the store reachable?)');
    }
  }
}
