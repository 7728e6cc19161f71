/** Something that fires at a monotonic time, ms. */
export interface Timed {
  fireAt: number;
}

/**
 * Binary min-heap on `fireAt`: the one timer of the scheduler fires for the earliest entry. One
 * Node timer per check was a `Timeout` allocated every run and held for a whole interval, so
 * every one of them outlived the young generation (2,000 a second at 20,000 checks) and the
 * 20,000 armed ones were live heap that every full collection marked.
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
    const items = this.items;
    let i = items.length;
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = items[parent] as T;
      if (above.fireAt <= item.fireAt) break;
      items[i] = above;
      i = parent;
    }
    items[i] = item;
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    // Sift the last entry down from the root.
    const n = items.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && (items[right] as T).fireAt < (items[left] as T).fireAt ? right : left;
      const below = items[child] as T;
      if (below.fireAt >= last.fireAt) break;
      items[i] = below;
      i = child;
    }
    items[i] = last;
    return top;
  }

  clear(): void {
    this.items.length = 0;
  }
}
