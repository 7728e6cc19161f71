import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../observability/logger.js';
import type { OutboxEntry } from './outbox-entry.js';
import type { EnqueueOptions, SlackOutbox } from './slack-outbox.js';

/** Entries held in memory while the store is down; beyond this the newest are dropped, loudly. */
export const MAX_BUFFERED_ENTRIES = 10_000;
/** How soon an enqueue the store refused is tried again. */
export const STORE_RETRY_MS = 1_000; // 1 second

interface Pending {
  id: string;
  entry: OutboxEntry;
  options: EnqueueOptions;
}

/** An entry as callers describe it; lane time and id are filled in here. */
export type NewEntry = Omit<OutboxEntry, 'enqueuedAt'>;

/**
 * Puts entries in the outbox for listeners that must never wait or throw (the incident engine,
 * the approval engine). Writes go out one at a time in call order, so one lane's entries reach
 * the store in the order they were made; while the store is down they wait here (bounded) and
 * are written when it answers again.
 */
export class OutboxEnqueuer {
  private readonly pending: Pending[] = [];
  private pumping: Promise<void> | null = null;
  private storeDown = false;
  private droppedWhileDown = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly settledWaiters: Array<() => void> = [];

  constructor(private readonly options: { outbox: SlackOutbox; clock: Clock; logger: Logger; onEnqueued: () => void }) {}

  /** Queues `entry`; returns at once. */
  enqueue(entry: NewEntry, options: EnqueueOptions = {}): void {
    if (this.pending.length >= MAX_BUFFERED_ENTRIES) {
      this.droppedWhileDown += 1;
      if (this.droppedWhileDown === 1 || this.droppedWhileDown % 1000 === 0) {
        this.options.logger.error(
          { lane: entry.lane, kind: entry.kind, dropped: this.droppedWhileDown },
          `the store has been unreachable for ${MAX_BUFFERED_ENTRIES} Slack posts; dropping new ones (${this.droppedWhileDown} so far). Check REDIS_URL and Redis`,
        );
      }
      return;
    }
    this.pending.push({ id: randomUUID(), entry: { ...entry, enqueuedAt: this.options.clock.now() }, options });
    if (!this.storeDown) this.pump();
  }

  /** Entries not yet in the store. */
  get buffered(): number {
    return this.pending.length;
  }

  /** True while the store refuses writes (entries wait here). */
  get waitingForStore(): boolean {
    return this.storeDown;
  }

  /** Resolves once everything enqueued so far is in the store, or after `timeoutMs`. */
  async settled(timeoutMs: number): Promise<void> {
    if (this.pending.length === 0 || this.storeDown) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => this.settledWaiters.push(resolve)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
  }

  /** Tries once more to write what waits (shutdown); reports what could not be. */
  async flush(timeoutMs: number): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.storeDown = false;
    this.pump();
    await this.settled(timeoutMs);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.pending.length > 0) {
      this.options.logger.error(
        { lost: this.pending.length, lanes: [...new Set(this.pending.map((p) => p.entry.lane))].slice(0, 20) },
        `shutting down with ${this.pending.length} Slack post(s) the store never took: they are LOST. Check REDIS_URL and Redis`,
      );
    }
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = this.drain().finally(() => {
      this.pumping = null;
      // Enqueued while this drain was finishing: it saw `pumping` set and left the write to us.
      if (this.pending.length > 0 && !this.storeDown) this.pump();
    });
  }

  private async drain(): Promise<void> {
    let wrote = false;
    while (this.pending.length > 0) {
      const head = this.pending[0] as Pending;
      try {
        await this.options.outbox.enqueue(head.id, head.entry, this.options.clock.now(), head.options);
      } catch (err) {
        if (!this.storeDown) {
          this.storeDown = true;
          this.options.logger.error(
            { err, buffered: this.pending.length },
            `cannot write Slack posts to the store; holding them in memory (at most ${MAX_BUFFERED_ENTRIES}) until it answers. Check REDIS_URL and Redis`,
          );
        }
        // Nothing more will be written until the store answers: waiters need not wait for it.
        for (const resolve of this.settledWaiters.splice(0)) resolve();
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.pump();
        }, STORE_RETRY_MS);
        this.retryTimer.unref();
        if (wrote) this.options.onEnqueued();
        return;
      }
      this.pending.shift();
      wrote = true;
      if (this.storeDown) {
        this.storeDown = false;
        this.options.logger.info(
          { buffered: this.pending.length + 1 },
          'the store takes Slack posts again; writing the ones held in memory',
        );
      }
    }
    if (this.droppedWhileDown > 0) {
      this.options.logger.error(
        { dropped: this.droppedWhileDown },
        `${this.droppedWhileDown} Slack post(s) were dropped while the store was unreachable`,
      );
      this.droppedWhileDown = 0;
    }
    if (wrote) this.options.onEnqueued();
    for (const resolve of this.settledWaiters.splice(0)) resolve();
  }
}
