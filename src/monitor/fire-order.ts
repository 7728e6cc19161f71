/** Something that fires at a monotonic time, ms, and knows its place in the order that holds it. */
export interface Timed {
  fireAt: number;
  /** Its index in the FireOrder holding it, -1 when none does: what makes removal O(log n). */
  fireIndex: number;
}

/**
 * Binary min-heap on `fireAt`: one Node timer fires for the earliest entry. A Node timer per check
 * slot (or per run deadline) was a `Timeout` allocated every run; the slot timers were held for a
 * whole interval, so every one of them outlived the young generation (2,000 a second at 20,000
 * checks), and the 20,000 armed ones were live heap that every full collection marked.
 */
export class FireOrder<T extends Timed> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    this.items.push(item);
    this.siftUp(item, this.items.length - 1);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.removeAt(0);
    return top;
  }

  /** Takes `item` out if this order holds it. */
  remove(item: T): void {
    const at = item.fireIndex;
    if (at >= 0 && this.items[at] === item) this.removeAt(at);
  }

  clear(): void {
    for (const item of this.items) item.fireIndex = -1;
    this.items.length = 0;
  }

  private removeAt(at: number): void {
    const items = this.items;
    const removed = items[at] as T;
    removed.fireIndex = -1;
    const last = items.pop() as T;
    if (last === removed) return;
    // The last entry fills the hole, then moves whichever way restores the order.
    const parent = (at - 1) >> 1;
    if (at > 0 && (items[parent] as T).fireAt > last.fireAt) this.siftUp(last, at);
    else this.siftDown(last, at);
  }

  private siftUp(item: T, from: number): void {
    const items = this.items;
    let i = from;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = items[parent] as T;
      if (above.fireAt <= item.fireAt) break;
      items[i] = above;
      above.fireIndex = i;
      i = parent;
    }
    items[i] = item;
    item.fireIndex = i;
  }

  private siftDown(item: T, from: number): void {
    const items = this.items;
    const n = items.length;
    let i = from;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && (items[right] as T).fireAt < (items[left] as T).fireAt ? right : left;
      const below = items[child] as T;
      if (below.fireAt >= item.fireAt) break;
      items[i] = below;
      below.fireIndex = i;
      i = child;
    }
    items[i] = item;
    item.fireIndex = i;
  }
}
