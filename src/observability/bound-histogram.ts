import { BoundMetric, type BoundMetricConfig, type ExportedValue, type LabelSet } from './bound-metric.js';

/** A histogram's config: prom-client's, with the buckets required. */
export interface BoundHistogramConfig<L extends string> extends BoundMetricConfig<L> {
  /** Upper bounds, ascending; `+Inf` is implied. */
  buckets: readonly number[];
}

/**
 * One label set of a BoundHistogram. `observe` is a linear search over the bounds (most
 * observations land in the first few buckets) and two stores into a preallocated array.
 */
export class HistogramSeries<L extends string = string> {
  /** Per bucket, observations not counted in the one before it; then the +Inf overflow; then the sum. */
  private readonly slots: Float64Array;
  private readonly sumSlot: number;
  private isRecorded = false;

  constructor(
    readonly labels: LabelSet<L>,
    /** The upper bounds, then +Inf as a sentinel, so the search needs no bounds check. */
    private readonly bounds: Float64Array,
    private readonly recorded: HistogramSeries<L>[],
  ) {
    // bounds.length already counts the sentinel, so this is the overflow bucket's index + 1.
    this.sumSlot = bounds.length;
    this.slots = new Float64Array(this.sumSlot + 1);
  }

  /** Counts one observation (seconds, or the family's unit); a value that is not finite is refused, as prom-client refuses it. */
  observe(value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    const bounds = this.bounds;
    let i = 0;
    // `le` is inclusive: a value on a bound counts in that bound's bucket. The +Inf sentinel stops the scan.
    while (value > (bounds[i] ?? Number.POSITIVE_INFINITY)) i++;
    const slots = this.slots;
    slots[i] = (slots[i] ?? 0) + 1;
    // The sum is added in observation order, in doubles, exactly as prom-client adds it.
    slots[this.sumSlot] = (slots[this.sumSlot] ?? 0) + value;
    if (!this.isRecorded) this.list();
  }

  /** @internal Zeroes every bucket and the sum (reset). */
  clear(): void {
    this.slots.fill(0);
    this.isRecorded = false;
  }

  /** @internal The bucket lines (cumulative), +Inf, sum and count, as prom-client's histogram exports them. */
  export(name: string, upperBounds: readonly number[], into: ExportedValue[]): void {
    const bucket = `${name}_bucket`;
    let cumulative = 0;
    upperBounds.forEach((le, i) => {
      cumulative += this.slots[i] ?? 0;
      into.push({ labels: { le }, sharedLabels: this.labels, value: cumulative, metricName: bucket, exemplar: null });
    });
    const count = cumulative + (this.slots[upperBounds.length] ?? 0);
    into.push(
      { labels: { le: '+Inf' }, sharedLabels: this.labels, value: count, metricName: bucket, exemplar: null },
      { labels: {}, sharedLabels: this.labels, value: this.slots[this.sumSlot] ?? 0, metricName: `${name}_sum`, exemplar: undefined },
      { labels: {}, sharedLabels: this.labels, value: count, metricName: `${name}_count`, exemplar: undefined },
    );
  }

  /** @internal Puts the series in the family's text, after those already there. */
  list(): void {
    this.isRecorded = true;
    this.recorded.push(this);
  }
}

/**
 * A histogram whose hot path does no label work: prom-client's `observe`, even through a child
 * from `labels()`, allocates a label/value pair, validates and hashes the label object and finds
 * the series in a hash map on every call. Registered on a prom-client `Registry`, it renders the
 * same text as prom-client's `Histogram` with the same config.
 */
export class BoundHistogram<L extends string = never> extends BoundMetric<L, HistogramSeries<L>> {
  readonly type = 'histogram';
  private readonly upperBounds: readonly number[];
  private readonly searchBounds: Float64Array;
  /** The one series of a histogram without labels. */
  private readonly unlabelled: HistogramSeries<L> | null;

  constructor(config: BoundHistogramConfig<L>) {
    super(config);
    if (this.labelNames.includes('le' as L)) throw new Error('le is a reserved label keyword');
    const buckets = [...config.buckets];
    buckets.forEach((bound, i) => {
      if (!Number.isFinite(bound) || (i > 0 && bound <= (buckets[i - 1] ?? bound))) {
        throw new Error(`Histogram buckets must be finite and ascending: ${buckets.join(', ')}`);
      }
    });
    this.upperBounds = buckets;
    this.searchBounds = Float64Array.from([...buckets, Number.POSITIVE_INFINITY]);
    // prom-client shows an unlabelled histogram's series (zeros) before its first observation.
    this.unlabelled = this.labelNames.length === 0 ? this.labels({}) : null;
    this.unlabelled?.list();
    this.register(config.registers);
  }

  /** Observes into the unlabelled series; a labelled histogram is observed through `labels(...)`. */
  observe(value: number): void {
    if (this.unlabelled === null) throw new Error(`${this.name} has labels: observe through labels(...)`);
    this.unlabelled.observe(value);
  }

  protected createSeries(labels: LabelSet<L>, recorded: HistogramSeries<L>[]): HistogramSeries<L> {
    return new HistogramSeries(labels, this.searchBounds, recorded);
  }

  protected clear(series: HistogramSeries<L>): void {
    series.clear();
  }

  protected export(series: HistogramSeries<L>, into: ExportedValue[]): void {
    series.export(this.name, this.upperBounds, into);
  }
}
