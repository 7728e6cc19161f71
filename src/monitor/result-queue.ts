import type { CheckResult } from '../core/check-result.js';
import type { Logger } from '../observability/logger.js';

/** Results held per check while the store does not answer; beyond this the oldest are dropped. */
export const DEFAULT_MAX_HELD_PER_CHECK = 32;
/** First wait before asking a silent store again; doubles up to the cap. */
export const STORE_RETRY_INITIAL_MS = 200;
export const STORE_RETRY_MAX_MS = 2_000; // 2 seconds
/**
 * A result the store keeps refusing while it answers PING is not an outage (a corrupt value, a
 * script error): after this many tries it is dropped, loudly, so it cannot hold its check's queue.
 */
const MAX_TRIES_WHILE_STORE_ANSWERS = 3;

/** One queued result and whatever the applier needs with it (the leader term it was measured in). */
interface Held<T> {
  result: CheckResult;
  context: T;
}

interface CheckQueue<T> {
  items: Held<T>[];
  /** The head is being applied: it must not be dropped from under the call. */
  applying: boolean;
  /** The applying loop while it runs: what close() waits for. */
  draining: Promise<void> | null;
  /** Oldest results dropped for room since the store last answered. */
  dropped: number;
}

export interface ResultQueueOptions<T> {
  /** Writes one result; throws when the store cannot be reached (the result is then retried). */
  apply(result: CheckResult, context: T): Promise<unknown>;
  /** Resolves once the store answers again. */
  ping(): Promise<void>;
  logger: Logger;
  maxHeldPerCheck?: number;
}

/**
 * Applies check results in order, one at a time per check, and rides out a store outage: a
 * result the store could not take stays at the head of its check's queue, later ones queue
 * behind it (at most maxHeldPerCheck, the newest kept), and the queue is flushed in order once
 * the store answers. Dropping a failure silently would lose the incident it belongs to.
 */
export class ResultQueue<T> {
  // One queue per check for the life of the process (a check's results arrive every few
  // seconds): kept when empty, so a run allocates no queue, no array and no set entry.
  private readonly queues = new Map<string, CheckQueue<T>>();
  private readonly maxHeld: number;
  private storeBack: Promise<boolean> | null = null;
  private wakeUp: (() => void) | null = null;
  private closed = false;

  constructor(private readonly options: ResultQueueOptions<T>) {
    this.maxHeld = options.maxHeldPerCheck ?? DEFAULT_MAX_HELD_PER_CHECK;
    if (!Number.isInteger(this.maxHeld) || this.maxHeld < 1)
      throw new RangeError(`maxHeldPerCheck must be a positive integer, got ${this.maxHeld}`);
  }

  /** Results waiting (or being applied), all checks together. */
  get size(): number {
    let size = 0;
    for (const queue of this.queues.values()) size += queue.items.length;
    return size;
  }

  /** Queues a result behind the earlier ones of its check; applying starts at once when idle. */
  push(result: CheckResult, context: T): void {
    if (this.closed) return;
    let queue = this.queues.get(result.checkId);
    if (!queue) {
      queue = { items: [], applying: false, draining: null, dropped: 0 };
      this.queues.set(result.checkId, queue);
    }
    if (queue.items.length >= this.maxHeld) {
      // The head may be in a call; the oldest one not in a call makes room.
      queue.items.splice(queue.applying ? 1 : 0, 1);
      queue.dropped += 1;
      if (queue.dropped === 1) {
        this.options.logger.warn(
          { checkId: result.checkId, maxHeld: this.maxHeld },
          `more than ${this.maxHeld} results of ${result.checkId} waiting for the store: dropping the oldest, keeping the newest`,
        );
      }
    }
    queue.items.push({ result, context });
    if (!queue.applying) this.drain(result.checkId, queue);
  }

  /**
   * Drops everything waiting (logged with counts) and waits for the calls in flight. Used when
   * leadership ends: what this process measured is no longer its to write.
   */
  async close(reason: string): Promise<void> {
    this.closed = true;
    let discarded = 0;
    for (const queue of this.queues.values()) discarded += queue.items.length - (queue.applying ? 1 : 0);
    for (const queue of this.queues.values()) queue.items.splice(queue.applying ? 1 : 0);
    if (discarded > 0) this.options.logger.warn({ discarded, reason }, `${discarded} held check results discarded, not written: ${reason}`);
    this.wakeUp?.();
    const draining: Promise<void>[] = [];
    for (const queue of this.queues.values()) if (queue.draining) draining.push(queue.draining);
    await Promise.all(draining);
  }

  private drain(checkId: string, queue: CheckQueue<T>): void {
    queue.applying = true;
    queue.draining = this.applyAll(checkId, queue);
  }

  private async applyAll(checkId: string, queue: CheckQueue<T>): Promise<void> {
    try {
      let tries = 0;
      while (!this.closed && queue.items.length > 0) {
        const head = queue.items[0] as Held<T>;
        try {
          await this.options.apply(head.result, head.context);
          tries = 0;
        } catch (err) {
          tries += 1;
          if (tries === 1) {
            this.options.logger.error(
              { err, checkId, held: queue.items.length },
              `could not apply a result of ${checkId} (is the store reachable?); holding it and later ones, in order, until the store answers`,
            );
          }
          const answered = await this.waitForStore();
          if (this.closed) return;
          if (!(answered && tries >= MAX_TRIES_WHILE_STORE_ANSWERS)) continue;
          this.options.logger.error(
            { err, checkId, tries },
            `a result of ${checkId} was refused ${tries} times while the store answers; dropped`,
          );
          tries = 0;
        }
        queue.items.shift();
        if (queue.dropped > 0 && queue.items.length === 0) {
          this.options.logger.warn(
            { checkId, dropped: queue.dropped },
            `${checkId}: ${queue.dropped} oldest results were dropped while the store was unreachable`,
          );
          queue.dropped = 0;
        }
      }
    } finally {
      queue.applying = false;
      queue.draining = null;
    }
  }

  /**
   * One shared wait for every check: PINGs with backoff until the store answers. Resolves true
   * when the first PING was answered (the failure was not an outage), false after an outage.
   */
  private waitForStore(): Promise<boolean> {
    this.storeBack ??= this.pingUntilBack().finally(() => (this.storeBack = null));
    return this.storeBack;
  }

  private async pingUntilBack(): Promise<boolean> {
    let delay = STORE_RETRY_INITIAL_MS;
    let outage = false;
    for (;;) {
      await this.sleep(delay);
      if (this.closed) return !outage;
      try {
        await this.options.ping();
        if (outage)
          this.options.logger.info({ held: this.size }, `the store answers again: applying ${this.size} held check results in order`);
        return !outage;
      } catch {
        outage = true;
        delay = Math.min(delay * 2, STORE_RETRY_MAX_MS);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      timer.unref();
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
