import type { Logger } from '../observability/logger.js';

/** Waits before each retry of a failed task: 1 s, 5 s, 15 s, 1 min, 2 min (then it is dropped). */
export const DEFAULT_RETRY_DELAYS_MS = [1_000, 5_000, 15_000, 60_000, 120_000];

export interface KeyedQueueOptions {
  logger: Logger;
  retryDelaysMs?: number[];
  /** Whether trying again can help; a task failing otherwise is dropped at once. */
  isRetryable: (err: unknown) => boolean;
  /** Injected so tests do not wait. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs tasks one at a time per key, in the order enqueued, in the background: enqueue returns at
 * once, so the incident engine (and the monitor behind it) never waits for Slack. A failing task
 * is retried with backoff before the next task of its key runs (order is kept); different keys
 * run independently. Failures are logged loudly; a task that exhausts its retries is dropped.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly delays: number[];
  private readonly sleep: (ms: number) => Promise<void>;
  private stopping = false;

  constructor(private readonly options: KeyedQueueOptions) {
    this.delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()));
  }

  /** Adds a task behind the key's earlier tasks. `label` names it in logs. */
  enqueue(key: string, label: string, task: () => Promise<void>): void {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.run(key, label, task));
    this.tails.set(key, next);
    void next.finally(() => {
      if (this.tails.get(key) === next) this.tails.delete(key);
    });
  }

  /** Keys with work queued or running. */
  get busyKeys(): number {
    return this.tails.size;
  }

  /** Resolves when every queued task has finished (or `timeoutMs` passed); no new retries start after stop(). */
  async drain(timeoutMs = Infinity): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = Number.isFinite(timeoutMs)
      ? new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        })
      : new Promise<void>(() => undefined);
    while (this.tails.size > 0) {
      const done = Promise.allSettled([...this.tails.values()]).then(() => 'done' as const);
      if ((await Promise.race([done, timeout.then(() => 'timeout' as const)])) === 'timeout') break;
    }
    clearTimeout(timer);
  }

  /** Stops retrying: tasks already queued still get one attempt each. */
  stop(): void {
    this.stopping = true;
  }

  private async run(key: string, label: string, task: () => Promise<void>): Promise<void> {
    const { logger } = this.options;
    for (let attempt = 0; ; attempt++) {
      try {
        await task();
        if (attempt > 0) logger.info({ key, task: label, attempts: attempt + 1 }, `Slack ${label} for ${key} succeeded after retrying`);
        return;
      } catch (err) {
        const retryable = this.options.isRetryable(err);
        const delay = this.delays[attempt];
        if (!retryable || delay === undefined || this.stopping) {
          logger.error(
            { err, key, task: label, attempts: attempt + 1, retryable },
            `Slack ${label} for ${key} FAILED and is dropped${retryable ? ' after retrying' : ''}; the incident message may be out of date`,
          );
          return;
        }
        logger.warn({ err, key, task: label, attempt: attempt + 1, retryInMs: delay }, `Slack ${label} for ${key} failed; retrying`);
        await this.sleep(delay);
      }
    }
  }
}
