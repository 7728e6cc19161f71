import type { CheckConfig } from '../config/types.js';
import type { CheckResult } from '../core/check-result.js';
import type { Clock } from '../core/clock.js';
import type { IncidentEngine } from '../incidents/incident-engine.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Lease, Store } from '../store/store.js';
import { buildJobs, type Probes } from './build-jobs.js';
import { ResultQueue } from './result-queue.js';
import { Scheduler } from './scheduler.js';
import { measuredAcrossStall } from './stalled-run.js';

export interface MonitorOptions {
  checks: CheckConfig[];
  probes: Probes;
  engine: IncidentEngine;
  /** Asked whether it answers again while results wait out an outage. */
  store: Pick<Store, 'ping'>;
  metrics: Metrics;
  logger: Logger;
  clock: Clock;
  /** Most check runs in flight at once. */
  concurrency: number;
  /** Results held per check while the store does not answer (newest kept); default 32. */
  maxHeldPerCheck?: number;
}

/** One stretch of monitoring between start() and stop(): what its runs' results belong to. */
interface Term {
  /** The leader lease the term runs under; absent when the engine is wired unfenced. */
  readonly lease: Lease | undefined;
  readonly scheduler: Scheduler;
  readonly results: ResultQueue<Lease | undefined>;
  ended: boolean;
  /** Results of this term's runs that arrived after it ended. */
  late: number;
}

/**
 * Runs the configured checks while this process is the monitor leader: scheduler -> probes ->
 * result queue -> incident engine. Knows nothing of Slack; notifiers subscribe to the engine.
 */
export class Monitor {
  private term: Term | null = null;

  constructor(private readonly options: MonitorOptions) {}

  get running(): boolean {
    return this.term !== null;
  }

  /**
   * Starts a term. `lease` is the leader lease it runs under: every result is written fenced
   * with it, so a result measured in this term can never land in a later one.
   */
  start(lease?: Lease): void {
    if (this.term) return;
    const { checks, probes, metrics, logger, clock, concurrency, engine, store } = this.options;
    const scheduler = new Scheduler({
      concurrency,
      logger: logger.child({ component: 'scheduler' }),
      now: () => clock.now(),
      onRunComplete: (run) => metrics.schedulingLag.observe(Math.max(0, run.startedAt - run.dueAt) / 1000),
      onSkipped: (jobId) => metrics.checkRunsSkipped.inc({ job: jobId }),
    });
    const results = new ResultQueue<Lease | undefined>({
      apply: (result, termLease) => engine.apply(result, termLease),
      ping: () => store.ping(),
      logger,
      ...(this.options.maxHeldPerCheck !== undefined ? { maxHeldPerCheck: this.options.maxHeldPerCheck } : {}),
    });
    const term: Term = { lease, scheduler, results, ended: false, late: 0 };
    for (const job of buildJobs(checks, probes, (result, deadlineMs) => this.record(term, result, deadlineMs), clock)) scheduler.add(job);
    scheduler.start();
    this.term = term;
    logger.info({ checks: checks.length, fencingToken: lease?.token }, `monitor started: ${checks.length} checks`);
  }

  /**
   * Ends the term at once (synchronously: results of runs still in flight are discarded from
   * this instant, which is what a demotion needs), then stops scheduling and waits for in-flight
   * runs (bounded by their timeouts) and for a write already in a store call.
   */
  async stop(): Promise<void> {
    const term = this.term;
    this.term = null;
    if (!term) return;
    term.ended = true;
    await Promise.all([term.scheduler.stop(), term.results.close('monitoring stopped (no longer leader, or shutting down)')]);
    // The term's last passing results: written while its lease still holds (a shutdown), refused
    // by the store if it does not (a demotion), so a successor shows them or its own, never a mix.
    await this.options.engine.flushQuietPasses();
    if (term.late > 0) {
      this.options.logger.info(
        { discarded: term.late, fencingToken: term.lease?.token },
        `${term.late} results of runs that outlived the term discarded`,
      );
    }
    this.options.logger.info('monitor stopped');
  }

  private record(term: Term, result: CheckResult, deadlineMs: number): void {
    const { logger, metrics } = this.options;
    if (term.ended) {
      term.late += 1;
      return;
    }
    if (measuredAcrossStall(result.durationMs, deadlineMs)) {
      logger.warn(
        { checkId: result.checkId, durationMs: result.durationMs, deadlineMs, summary: result.summary },
        `result of ${result.checkId} discarded: its run took ${result.durationMs} ms against a ${deadlineMs} ms deadline, so this process was stalled, not the target`,
      );
      return;
    }
    metrics.recordResult(result);
    // Every run passes here: build the log record only when it will be written.
    if (logger.isLevelEnabled('debug')) logger.debug({ checkId: result.checkId, ok: result.ok, summary: result.summary }, 'check result');
    term.results.push(result, term.lease);
  }
}
