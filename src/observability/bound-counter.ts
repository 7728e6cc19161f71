import { BoundMetric, type BoundMetricConfig, type ExportedValue, type LabelSet } from './bound-metric.js';

/** One label set of a BoundCounter: `inc` adds to a preallocated double. */
export class CounterSeries<L extends string = string> {
  private readonly total = new Float64Array(1);
  private isRecorded = false;

  constructor(
    readonly labels: LabelSet<L>,
    private readonly recorded: CounterSeries<L>[],
  ) {}

  /** Adds `by` (1 by default); a negative or non-finite amount is refused, as prom-client refuses it. */
  inc(by = 1): void {
    if (!(by >= 0 && by !== Number.POSITIVE_INFINITY)) throw new TypeError(`Value is not a valid counter increment: ${by}`);
    this.total[0] = (this.total[0] ?? 0) + by;
    if (!this.isRecorded) {
      this.isRecorded = true;
      this.recorded.push(this);
    }
  }

  /** @internal Zeroes the total (reset). */
  clear(): void {
    this.total[0] = 0;
    this.isRecorded = false;
  }

  /** @internal The one line, as prom-client's counter exports it. */
  export(into: ExportedValue[]): void {
    into.push({ value: this.total[0] ?? 0, labels: this.labels });
  }
}

/**
 * A labelled counter whose hot path does no label work (prom-client's `inc`, even through a
 * child, validates and hashes the label object on every call). Registered on a prom-client
 * `Registry`, it renders the same text as prom-client's `Counter` with the same config.
 */
export class BoundCounter<L extends string> extends BoundMetric<L, CounterSeries<L>> {
  readonly type = 'counter';

  constructor(config: BoundMetricConfig<L>) {
    super(config);
    // An unlabelled counter is always shown by prom-client, even after a reset; not needed here.
    if (this.labelNames.length === 0) throw new Error(`${this.name}: a BoundCounter needs labels; use prom-client's Counter`);
    this.register(config.registers);
  }

  protected createSeries(labels: LabelSet<L>, recorded: CounterSeries<L>[]): CounterSeries<L> {
    return new CounterSeries(labels, recorded);
  }

  protected clear(series: CounterSeries<L>): void {
    series.clear();
  }

  protected export(series: CounterSeries<L>, into: ExportedValue[]): void {
    series.export(into);
  }
}
