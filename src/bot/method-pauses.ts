import type { Clock } from '../core/clock.js';
import { rateLimited } from './bot-errors.js';

/**
 * Per-method rate-limit pauses shared by every caller of one gateway. Slack limits "per API
 * method per workspace per app" and says to wait Retry-After seconds before calling again; so a
 * 429 on a method pauses that method for everybody, and calls made meanwhile wait behind the
 * pause instead of each sending a request that can only be refused again.
 */
export class MethodPauses {
  /** Epoch ms until which each method is paused. */
  private readonly until = new Map<string, number>();
  /** One wake-up per method and deadline, so waiters resume in the order they arrived. */
  private readonly wakes = new Map<string, { until: number; promise: Promise<void> }>();

  constructor(
    private readonly clock: Clock,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  /** Epoch ms until which `method` is paused; 0 when it is not. */
  pausedUntil(method: string): number {
    const until = this.until.get(method) ?? 0;
    return until > this.clock.now() ? until : 0;
  }

  /** Records Slack's Retry-After for `method`; a pause is only ever extended, never shortened. */
  pause(method: string, retryAfterSeconds: number): number {
    const until = this.clock.now() + retryAfterSeconds * 1000;
    if (until > (this.until.get(method) ?? 0)) this.until.set(method, until);
    return this.until.get(method) as number;
  }

  /**
   * Resolves when `method` may be called. A pause that ends within `maxWaitMs` is waited out;
   * a longer one rejects at once with a retryable rateLimited error naming the seconds left, so a
   * queue can reschedule the work instead of holding a slot.
   */
  async waitTurn(method: string, maxWaitMs: number): Promise<void> {
    // The deadline already slept through: the sleep is trusted to have lasted, so an injected
    // sleep that does not move the clock still ends the wait.
    let waitedOut = 0;
    for (;;) {
      const until = this.until.get(method) ?? 0;
      const remainingMs = until - this.clock.now();
      if (until <= waitedOut || remainingMs <= 0) return;
      if (remainingMs > maxWaitMs) throw rateLimited(method, Math.ceil(remainingMs / 1000));
      await this.wake(method, until, remainingMs);
      waitedOut = until;
    }
  }

  private wake(method: string, until: number, remainingMs: number): Promise<void> {
    const current = this.wakes.get(method);
    if (current && current.until === until) return current.promise;
    const promise = this.sleep(remainingMs).finally(() => {
      if (this.wakes.get(method)?.promise === promise) this.wakes.delete(method);
    });
    this.wakes.set(method, { until, promise });
    return promise;
  }
}
