import { FireOrder, type Timed } from './fire-order.js';

// A Node timer counts whole ms on the loop's cached clock, so it can fire a fraction of a ms
// before the monotonic time it was armed for: entries that close count as due.
const FIRE_SLACK_MS = 1;

/**
 * Many timed entries behind one Node timer, armed for the earliest. Adding an entry later than the
 * earliest arms nothing; removing one leaves the timer as it is (if it then fires with nothing due,
 * it re-arms for the new earliest), so a run that settles long before its deadline costs a heap
 * removal and no timer.
 */
export class TimerQueue<T extends Timed> {
  private readonly order = new FireOrder<T>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private firing = false;

  constructor(
    private readonly monotonicNow: () => number,
    private readonly onDue: (entry: T) => void,
  ) {}

  get size(): number {
    return this.order.size;
  }

  /** Fires `entry` `afterMs` from now (monotonic), unless it is removed first. */
  add(entry: T, afterMs: number): void {
    entry.fireAt = this.monotonicNow() + Math.max(0, afterMs);
    this.order.push(entry);
    if (!this.firing && entry.fireAt < this.timerAt) this.arm(entry.fireAt);
  }

  remove(entry: T): void {
    this.order.remove(entry);
  }

  /** Drops every entry and the timer. */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    this.order.clear();
  }

  private arm(at: number): void {
    clearTimeout(this.timer);
    this.timerAt = at;
    // Whole ms: Node keeps one timer list per distinct delay.
    this.timer = setTimeout(this.fire, Math.max(0, Math.ceil(at - this.monotonicNow())));
  }

  /** Hands every due entry to onDue (which may add entries again), then arms for the earliest. */
  private readonly fire = (): void => {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    this.firing = true;
    try {
      const until = this.monotonicNow() + FIRE_SLACK_MS;
      for (let next = this.order.peek(); next !== undefined && next.fireAt <= until; next = this.order.peek()) {
        this.order.pop();
        this.onDue(next);
      }
    } finally {
      this.firing = false;
      // Armed again even if onDue threw: one failing entry must not stop every later one.
      const earliest = this.order.peek();
      if (earliest !== undefined) this.arm(earliest.fireAt);
    }
  };
}
