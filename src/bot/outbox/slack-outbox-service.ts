import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { SlackGateway } from '../slack-gateway.js';
import { OutboxEnqueuer, type NewEntry } from './outbox-enqueuer.js';
import type { OutboxRetryPolicy } from './outbox-retry.js';
import { OutboxWorker, type OutboxHandler } from './outbox-worker.js';
import type { EnqueueOptions, SlackOutbox } from './slack-outbox.js';

/** Passes in a row that delivered nothing after which idle() stops waiting. */
const IDLE_FRUITLESS_PASSES = 5;

export interface SlackOutboxServiceOptions {
  /** The backend's outbox: shared by replicas and kept across restarts in Redis; one process's in memory. */
  outbox: SlackOutbox;
  gateway: SlackGateway;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  retry?: OutboxRetryPolicy;
  random?: () => number;
  leaseMs?: number;
  pollIntervalMs?: number;
  concurrency?: number;
}

/**
 * The Slack outbox as the bot uses it: `enqueue` for listeners (never waits, never throws),
 * `register` for the handlers that deliver each kind, and the worker's start/stop.
 */
export class SlackOutboxService {
  readonly outbox: SlackOutbox;
  readonly worker: OutboxWorker;
  /** The gateway deliveries go through (rate limits fail at once instead of waiting inside a call). */
  readonly gateway: SlackGateway;
  private readonly enqueuer: OutboxEnqueuer;

  constructor(options: SlackOutboxServiceOptions) {
    this.outbox = options.outbox;
    this.gateway = options.gateway;
    this.worker = new OutboxWorker({
      outbox: this.outbox,
      gateway: options.gateway,
      clock: options.clock,
      logger: options.logger,
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.random ? { random: options.random } : {}),
      ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
      ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    });
    this.enqueuer = new OutboxEnqueuer({
      outbox: this.outbox,
      clock: options.clock,
      logger: options.logger,
      onEnqueued: () => this.worker.wake(),
    });
    options.metrics?.setSlackOutboxSource(() => this.outbox.pendingEntries());
  }

  /** Queues Slack work; returns at once and never throws. */
  enqueue(entry: NewEntry, options?: EnqueueOptions): void {
    this.enqueuer.enqueue(entry, options);
  }

  register(kind: string, handler: OutboxHandler): void {
    this.worker.register(kind, handler);
  }

  start(): void {
    this.worker.start();
  }

  /**
   * Delivers what is due now, then stops, all within `timeoutMs`; what still waits stays in the
   * store for the next process. The last pass matters: a stopping replica's last words (its runs
   * handed back as interrupted) reach Slack before it exits instead of when a survivor gets to them.
   */
  async stop(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const lastPassBound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs / 2);
    });
    // Raced, not awaited: a Slack call hanging until its own deadline must not hold up SIGTERM.
    await Promise.race([this.idle(timeoutMs / 2).catch(() => undefined), lastPassBound]);
    clearTimeout(timer);
    await this.worker.stop(Math.max(0, deadline - Date.now()) / 2);
    await this.enqueuer.flush(Math.max(0, deadline - Date.now()));
  }

  /**
   * Delivers until nothing is due at the clock's now (tests: entries waiting for a later retry or
   * a pause stay), or until a few passes in a row delivered nothing (retries due at once that keep
   * failing). Bounded by `timeoutMs` of real time.
   */
  async idle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let fruitless = 0;
    for (;;) {
      await this.enqueuer.settled(Math.max(0, deadline - Date.now()));
      const { tried, delivered } = await this.worker.runOnce();
      const waiting = this.enqueuer.buffered > 0 && !this.enqueuer.waitingForStore;
      if (tried === 0 && !waiting) return;
      fruitless = delivered === 0 ? fruitless + 1 : 0;
      if (fruitless >= IDLE_FRUITLESS_PASSES || Date.now() >= deadline) return;
    }
  }

  /** Entries waiting, in the store and in memory. */
  async pending(): Promise<number> {
    return (await this.outbox.pendingEntries()) + this.enqueuer.buffered;
  }
}
