import { getEventListeners } from 'node:events';
import { createTask, validate as isValidCron, type Logger as CronLogger } from 'node-cron';
import type { Logger } from '../observability/logger.js';
import { InFlight, type JobState, type RunHost, type RunOutcome, type ScheduledJob } from './scheduled-run.js';
import { FifoQueue } from './scheduler-queue.js';
import { TimerQueue } from './timer-queue.js';

export type { RunOutcome, ScheduledJob } from './scheduled-run.js';

/** One finished (or timed-out) run; scheduling lag is `startedAt - dueAt`. */
export interface RunInfo {
  jobId: string;
  dueAt: number;
  startedAt: number;
  finishedAt: number;
  outcome: RunOutcome;
}

/** Scheduler settings and hooks. */
export interface SchedulerOptions {
  /** Most runs in flight at once, all jobs together. */
  concurrency: number;
  logger: Logger;
  /** Source of the first-run jitter, in [0, 1). */
  random?: () => number;
  /** Epoch ms. Cron jobs are due by node-cron's wall clock, so keep this Date-based. */
  now?: () => number;
  /** Monotonic ms, what a Node timer counts in: when each cadence job's next slot fires. */
  monotonicNow?: () => number;
  onRunComplete?: (info: RunInfo) => void;
  onSkipped?: (jobId: string, reason: 'still-running') => void;
}

// setTimeout fires at once (1 ms) for longer delays: about 24.8 days.
const MAX_TIMER_MS = 2 ** 31 - 1;

function inTimerRange(ms: number | undefined): boolean {
  return ms !== undefined && Number.isFinite(ms) && ms > 0 && ms <= MAX_TIMER_MS;
}

interface DueRun {
  state: JobState;
  dueAt: number;
}

/**
 * Runs jobs on fixed cadences (jittered phase) or cron, with bounded global concurrency, per-run
 * deadlines and no overlap per job.
 */
export class Scheduler implements RunHost {
  private readonly jobs = new Map<string, JobState>();
  private readonly queue = new FifoQueue<DueRun>();
  private readonly spareControllers: AbortController[] = [];
  /** Every cadence job's next slot, and every run's deadline: one Node timer each. */
  private readonly slots: TimerQueue<JobState>;
  private readonly deadlines: TimerQueue<InFlight>;
  private readonly inFlight = new Set<InFlight>();
  private readonly concurrency: number;
  private readonly logger: Logger;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly monotonicNow: () => number;
  private active = 0;
  private running = false;

  constructor(private readonly options: SchedulerOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
    }
    this.concurrency = options.concurrency;
    this.logger = options.logger;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.monotonicNow = options.monotonicNow ?? (() => performance.now());
    this.slots = new TimerQueue<JobState>(this.monotonicNow, (state) => this.onTimer(state));
    this.deadlines = new TimerQueue<InFlight>(this.monotonicNow, (run) => run.onDeadline());
  }

  /** Registers a job; it starts with `start()`, or at once when already started. */
  add(job: ScheduledJob): void {
    if (this.jobs.has(job.id)) throw new Error(`duplicate job id: ${job.id}`);
    const hasEvery = job.everyMs !== undefined;
    if (hasEvery === (job.cron !== undefined)) throw new Error(`job ${job.id}: set exactly one of everyMs and cron`);
    if (hasEvery && !inTimerRange(job.everyMs)) {
      throw new RangeError(`job ${job.id}: everyMs must be in (0, ${MAX_TIMER_MS}]; use cron for longer cadences`);
    }
    if (job.cron !== undefined && !isValidCron(job.cron)) throw new Error(`job ${job.id}: invalid cron "${job.cron}"`);
    if (!inTimerRange(job.timeoutMs)) throw new RangeError(`job ${job.id}: timeoutMs must be in (0, ${MAX_TIMER_MS}]`);
    if (job.abortAfterMs !== undefined && !(inTimerRange(job.abortAfterMs) && job.abortAfterMs < job.timeoutMs)) {
      throw new RangeError(
        `job ${job.id}: abortAfterMs must be in (0, timeoutMs), got ${job.abortAfterMs} with timeoutMs ${job.timeoutMs}`,
      );
    }
    const state: JobState = {
      job,
      nextDueAt: 0,
      fireAt: 0,
      fireIndex: -1,
      cronTask: undefined,
      busy: false,
      hung: false,
    };
    this.jobs.set(job.id, state);
    if (this.running) this.arm(state);
  }

  /** Arms every job: a random first offset within its interval, or its cron schedule. */
  start(): void {
    if (this.running) return;
    this.running = true;
    for (const state of this.jobs.values()) this.arm(state);
  }

  /** No new runs; aborts in-flight runs and waits for them, each bounded by its deadline. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const destroying: Promise<void>[] = [];
    this.slots.clear();
    for (const state of this.jobs.values()) {
      if (state.cronTask) destroying.push(Promise.resolve(state.cronTask.destroy()));
      state.cronTask = undefined;
    }
    for (const waiting of this.queue.drain()) waiting.state.busy = false;
    const inFlight = [...this.inFlight];
    for (const run of inFlight) run.controller.abort(new DOMException('scheduler stopping', 'AbortError'));
    await Promise.all([...destroying, ...inFlight.map((run) => run.reported)]);
    // Every run is reported, so no deadline is armed; the timer may still be (removal leaves it).
    this.deadlines.clear();
  }

  private arm(state: JobState): void {
    const { job } = state;
    if (job.everyMs !== undefined) {
      // A random phase per job: a thousand checks added together must not fire in the same tick.
      const offset = Math.min(job.everyMs - 1, Math.floor(this.random() * job.everyMs));
      state.nextDueAt = this.now() + Math.max(0, offset);
      this.setTimer(state);
    } else if (job.cron !== undefined) {
      const task = createTask(job.cron, (context) => this.due(state, context.date.getTime()), {
        name: `lifeboat:${job.id}`,
        logger: this.cronLogger(),
      });
      state.cronTask = task;
      void Promise.resolve(task.start()).catch((err: unknown) => {
        this.logger.error({ err, jobId: job.id }, `cron job ${job.id} failed to start`);
      });
    }
  }

  private setTimer(state: JobState): void {
    this.slots.add(state, state.nextDueAt - this.now());
  }

  /** A run's deadline (or the backstop after it) in `afterMs`; see InFlight.onDeadline. */
  armDeadline(run: InFlight, afterMs: number): void {
    this.deadlines.add(run, afterMs);
  }

  clearDeadline(run: InFlight): void {
    this.deadlines.remove(run);
  }

  private onTimer(state: JobState): void {
    if (!this.running) return;
    const every = state.job.everyMs as number;
    const now = this.now();
    // The wall clock stepped back (NTP): re-anchor the grid here, or the job would wait out the step.
    if (state.nextDueAt - now > every) state.nextDueAt = now;
    // Slots are dueAt + k * every, fixed from the phase, so late timers never shift the grid. A
    // stalled loop that missed slots runs once, for the latest one, instead of in a burst.
    const missed = Math.max(0, Math.floor((now - state.nextDueAt) / every));
    const dueAt = state.nextDueAt + missed * every;
    state.nextDueAt = dueAt + every;
    this.setTimer(state);
    if (missed > 0) this.logger.debug({ jobId: state.job.id, missed }, 'event loop stalled past whole slots');
    this.due(state, dueAt);
  }

  private due(state: JobState, dueAt: number): void {
    if (!this.running) return;
    const { job } = state;
    if (state.busy) {
      if (state.hung) {
        this.logger.warn({ jobId: job.id }, `job ${job.id} skipped: its last run outlived its timeout (ignores its abort signal)`);
      } else {
        this.logger.debug({ jobId: job.id }, `job ${job.id} skipped: previous run still in flight`);
      }
      this.safely(() => this.options.onSkipped?.(job.id, 'still-running'));
      return;
    }
    state.busy = true;
    // A free slot and nobody waiting (the usual case): start now, with no queue entry to allocate.
    if (this.queue.size === 0 && this.active < this.concurrency) {
      this.startRun(state, dueAt);
      return;
    }
    this.queue.push({ state, dueAt });
    this.pump();
  }

  private pump(): void {
    while (this.running && this.active < this.concurrency) {
      const next = this.queue.shift();
      if (next === undefined) return;
      this.startRun(next.state, next.dueAt);
    }
  }

  private startRun(state: JobState, dueAt: number): void {
    const run = new InFlight(this, state, dueAt, this.now());
    this.active++;
    this.inFlight.add(run);
    run.begin();
  }

  /**
   * A run's abort controller: a spare one when there is one. An AbortSignal is ~750 B, one a run
   * at 2,000 runs a second, and it lived long enough to be promoted to the old generation, whose
   * collections are what a run at 20,000 checks spends most on (bench/README.md, service).
   */
  takeController(): AbortController {
    return this.spareControllers.pop() ?? new AbortController();
  }

  /**
   * Keeps a settled run's controller for a later run, only when nothing can tell the two apart:
   * never aborted (an abort is final) and no listener left on it (the HTTP client and the AWS SDK
   * remove theirs when their request ends; one that did not would hear the next run's abort).
   * At most `concurrency` are kept, as many as can be in use at once.
   */
  giveBackController(controller: AbortController): void {
    const { signal } = controller;
    if (signal.aborted || this.spareControllers.length >= this.concurrency) return;
    if (getEventListeners(signal, 'abort').length > 0 || signal.onabort !== null) return;
    this.spareControllers.push(controller);
  }

  /** A run ended (settled, or passed its deadline): frees its slot, reports it once, starts the next. */
  finish(run: InFlight, outcome: RunOutcome): void {
    this.active--;
    this.inFlight.delete(run);
    const hook = this.options.onRunComplete;
    if (hook !== undefined) {
      const info: RunInfo = { jobId: run.state.job.id, dueAt: run.dueAt, startedAt: run.startedAt, finishedAt: this.now(), outcome };
      try {
        hook(info);
      } catch (err) {
        this.logger.error({ err }, 'scheduler hook threw');
      }
    }
    this.pump();
  }

  /** A run's promise rejected before its deadline: the job's own failure, logged once. */
  logRunFailure(jobId: string, err: unknown): void {
    this.logger.error({ err, jobId }, `job ${jobId} failed; it keeps its schedule`);
  }

  /** A run outlived timeoutMs: its slot is freed now, the job is marked hung until it settles. */
  logHung(job: ScheduledJob): void {
    this.logger.warn({ jobId: job.id, timeoutMs: job.timeoutMs }, `job ${job.id} timed out after ${job.timeoutMs}ms; slot freed`);
  }

  /** A throwing hook must not break the scheduler's bookkeeping. */
  private safely(hook: () => void): void {
    try {
      hook();
    } catch (err) {
      this.logger.error({ err }, 'scheduler hook threw');
    }
  }

  private cronLogger(): CronLogger {
    const log = this.logger;
    return {
      info: (message) => log.info(message),
      warn: (message) => log.warn(message),
      error: (message, err) => log.error({ err: err ?? message }, String(message)),
      debug: (message) => log.debug(String(message)),
    };
  }
}
