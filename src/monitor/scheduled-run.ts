import type { ScheduledTask } from 'node-cron';

/** A unit of scheduled work; one run may produce results for several checks. */
export interface ScheduledJob {
  id: string;
  /** Fixed cadence, ms. Exactly one of `everyMs` and `cron`. */
  everyMs?: number;
  /** node-cron expression: 5 fields, or 6 with seconds first. */
  cron?: string;
  /** Per-run deadline, ms: the signal aborts then and the run's concurrency slot is freed. */
  timeoutMs: number;
  /**
   * The run's own deadline, ms, below `timeoutMs`: the signal aborts then (a `TimeoutError`), so
   * the job needs no abort signal of its own; the slot is held until `timeoutMs` only if the run
   * still has not settled (a job that ignores its signal).
   */
  abortAfterMs?: number;
  run(signal: AbortSignal): Promise<void>;
}

/** How a run ended, as far as the scheduler is concerned. */
export type RunOutcome = 'ok' | 'error' | 'timeout';

/** What a run needs from the scheduler that started it. */
export interface RunHost {
  takeController(): AbortController;
  giveBackController(controller: AbortController): void;
  finish(run: InFlight, outcome: RunOutcome): void;
  armDeadline(run: InFlight, afterMs: number): void;
  clearDeadline(run: InFlight): void;
  logRunFailure(jobId: string, err: unknown): void;
  logHung(job: ScheduledJob): void;
}

export interface JobState {
  readonly job: ScheduledJob;
  /** Next slot on the job's fixed grid (everyMs jobs). */
  nextDueAt: number;
  /** Monotonic time its slot fires at, and its place among the slots: see TimerQueue. */
  fireAt: number;
  fireIndex: number;
  cronTask: ScheduledTask | undefined;
  /** Queued or running, until the run's promise settles, even past its deadline. */
  busy: boolean;
  /** The last run passed its deadline and has not returned: the job ignores its signal. */
  hung: boolean;
}

/**
 * One run, from its start until it is reported. Runs are the hot path (thousands a second): this
 * one object with prototype methods replaces the closures, the promise and the record a run used
 * to allocate, and the promise stop() awaits is made only for the runs in flight when it is called.
 */
export class InFlight {
  readonly controller: AbortController;
  /** When its deadline fires and its place among the deadlines: see TimerQueue. */
  fireAt = 0;
  fireIndex = -1;
  /** Which deadline is armed: the job's own (abortAfterMs), then the backstop (timeoutMs). */
  private pastOwnDeadline = false;
  private reportedOnce = false;
  private whenReported: Promise<void> | undefined;
  private markReported: (() => void) | undefined;

  constructor(
    private readonly scheduler: RunHost,
    readonly state: JobState,
    readonly dueAt: number,
    readonly startedAt: number,
  ) {
    this.controller = scheduler.takeController();
  }

  /** Resolves when the run is reported, by settling or by its deadline: what stop() awaits. */
  get reported(): Promise<void> {
    if (this.reportedOnce) return Promise.resolve();
    this.whenReported ??= new Promise<void>((resolve) => (this.markReported = resolve));
    return this.whenReported;
  }

  begin(): void {
    const { job } = this.state;
    // One deadline a run: the job's own when it has one (then the backstop is armed for the rest
    // of timeoutMs, only if the run has not settled), else the backstop at timeoutMs.
    this.pastOwnDeadline = job.abortAfterMs === undefined;
    this.scheduler.armDeadline(this, job.abortAfterMs ?? job.timeoutMs);
    void this.watch(job);
  }

  // An async method, not then() with two callbacks: awaiting allocates no closure. The job runs
  // synchronously up to its first await, as it did when called directly.
  private async watch(job: ScheduledJob): Promise<void> {
    try {
      await job.run(this.controller.signal);
    } catch (err) {
      this.onSettled(err, true);
      return;
    }
    this.onSettled(undefined, false);
  }

  /** Its armed deadline passed (it is never called for a reported run: reporting clears it). */
  onDeadline(): void {
    if (this.pastOwnDeadline) this.onBackstop();
    else this.onOwnDeadline();
  }

  private onOwnDeadline(): void {
    const { job } = this.state;
    this.pastOwnDeadline = true;
    this.controller.abort(new DOMException(`deadline of ${job.abortAfterMs}ms passed`, 'TimeoutError'));
    if (!this.reportedOnce) this.scheduler.armDeadline(this, job.timeoutMs - (job.abortAfterMs as number));
  }

  private onBackstop(): void {
    const { job } = this.state;
    this.state.hung = true;
    this.controller.abort(new DOMException(`job ${job.id} exceeded ${job.timeoutMs}ms`, 'TimeoutError'));
    this.scheduler.logHung(job);
    this.report('timeout');
  }

  onSettled(err: unknown, rejected: boolean): void {
    this.state.busy = false;
    this.state.hung = false;
    if (rejected && !this.reportedOnce && !this.controller.signal.aborted) this.scheduler.logRunFailure(this.state.job.id, err);
    this.report(rejected ? 'error' : 'ok');
    // The run is over: nothing of it can be listening any more.
    this.scheduler.giveBackController(this.controller);
  }

  private report(outcome: RunOutcome): void {
    if (this.reportedOnce) return;
    this.reportedOnce = true;
    this.scheduler.clearDeadline(this);
    this.markReported?.();
    this.scheduler.finish(this, outcome);
  }
}
