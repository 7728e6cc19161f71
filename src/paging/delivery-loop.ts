import type { Logger } from '../observability/logger.js';

/**
 * Runs `run` every `pollIntervalMs` once started, and at once when woken; never two runs at a
 * time (a wake during a run schedules one more). `stop` aborts the run's signal, so a request in
 * flight ends and its event is handed back, then waits for the run to finish.
 */
export class DeliveryLoop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private rerun = false;
  private started = false;
  private abort = new AbortController();

  constructor(
    private readonly run: (signal: AbortSignal) => Promise<unknown>,
    private readonly pollIntervalMs: number,
    private readonly logger: Logger,
  ) {}

  get isStarted(): boolean {
    return this.started;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.abort = new AbortController();
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
    await this.running;
  }

  /** Runs now, or once more right after the run in progress; resolves when that run is over. */
  runOnce(): Promise<void> {
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.rerun = false;
      try {
        await this.run(this.abort.signal);
      } catch (err) {
        this.logger.error({ err }, 'paging delivery run failed; trying again on the next run. Check REDIS_URL and that Redis is up');
      }
    } while (this.rerun && !this.abort.signal.aborted);
    if (this.started) this.schedule(this.pollIntervalMs);
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runOnce();
    }, delayMs);
    // Never what keeps the process alive: shutdown calls stop().
    this.timer.unref();
  }
}
