/**
 * Collects the lookups asked for in one turn of the event loop and answers them with one
 * `loadMany`, memoised for the batch's life (one readiness cycle). Keys are compared lower-cased:
 * RDS identifiers are case-insensitive. A key `loadMany` does not return answers `missing`.
 */
export class KeyedBatch<V> {
  private readonly answers = new Map<string, Promise<V>>();
  private queued = new Map<string, { resolve: (value: V) => void; reject: (err: unknown) => void }>();

  constructor(
    private readonly loadMany: (keys: string[]) => Promise<Map<string, V>>,
    private readonly missing: V,
  ) {}

  get(key: string): Promise<V> {
    const k = key.toLowerCase();
    const known = this.answers.get(k);
    if (known) return known;
    const answer = new Promise<V>((resolve, reject) => {
      this.queued.set(k, { resolve, reject });
    });
    this.answers.set(k, answer);
    // setImmediate, not a microtask: every planner's first awaits settle before the batch leaves.
    if (this.queued.size === 1) setImmediate(() => void this.flush());
    return answer;
  }

  private async flush(): Promise<void> {
    const batch = this.queued;
    this.queued = new Map();
    try {
      const found = await this.loadMany([...batch.keys()]);
      for (const [key, waiter] of batch) waiter.resolve(found.get(key) ?? this.missing);
    } catch (err) {
      for (const waiter of batch.values()) waiter.reject(err);
    }
  }
}

/** Splits `items` into chunks of at most `size`. */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
