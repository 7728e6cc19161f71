import type { Metric, OpenMetricsContentType, PrometheusContentType, Registry } from 'prom-client';

/** A registry of either content type, as prom-client's own configs accept. */
export type AnyRegistry = Registry<PrometheusContentType> | Registry<OpenMetricsContentType>;

/** A series' label values by label name; its key order is the order the labels are rendered in. */
export type LabelSet<L extends string> = Partial<Record<L, string | number>>;

/** What a bound metric is built from: prom-client's own config fields, so a family moves between the two unchanged. */
export interface BoundMetricConfig<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
  registers?: AnyRegistry[];
}

/** One value of a family as prom-client's registry reads it (`metric.get()` / `getForPromString()`). */
export interface ExportedValue {
  labels: LabelSet<string>;
  sharedLabels?: LabelSet<string>;
  value: number;
  metricName?: string;
  exemplar?: null;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * The part every bound metric shares: a family registered on a prom-client `Registry` (which
 * keeps rendering its text, in registration order, with its escaping) whose series are objects
 * looked up once by label set and then recorded into with no label work at all. Series appear in
 * the order of their first record, as they do in prom-client's hash map, so the text is the same.
 */
export abstract class BoundMetric<L extends string, S extends { labels: LabelSet<L> }> {
  /** Not readonly: an OpenMetrics registry drops a counter's `_total` here before rendering. */
  name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly aggregator = 'sum';
  abstract readonly type: 'counter' | 'histogram';
  /** The series recorded into since the last reset, in first-record order; series push themselves. */
  protected readonly recorded: S[] = [];
  private readonly byKey = new Map<string, S>();

  constructor(config: BoundMetricConfig<L>) {
    if (!METRIC_NAME.test(config.name)) throw new Error(`Invalid metric name: ${config.name}`);
    if (!config.help) throw new Error('Missing mandatory help parameter');
    this.name = config.name;
    this.help = config.help;
    this.labelNames = [...(config.labelNames ?? [])];
    for (const label of this.labelNames) {
      if (!LABEL_NAME.test(label)) throw new Error(`Invalid label name: ${label}`);
    }
  }

  /** Registers on each registry; called by subclasses once their fields are set. */
  protected register(registers: AnyRegistry[] | undefined): void {
    // prom-client types a registry's metrics as its own four classes; at run time the registry
    // needs only `name`, `get`/`getForPromString` and `reset` (lib/registry.js), all of which are here.
    for (const registry of registers ?? []) registry.registerMetric(this as unknown as Metric);
  }

  /** The series of one label set: look it up once and keep it; recording into it does no label work. */
  labels(labels: LabelSet<L>): S {
    const key = this.keyOf(labels);
    let series = this.byKey.get(key);
    if (series === undefined) {
      series = this.createSeries({ ...labels }, this.recorded);
      this.byKey.set(key, series);
    }
    return series;
  }

  /** Forgets every recorded value (`Registry.resetMetrics`); series already handed out keep working. */
  reset(): void {
    for (const series of this.recorded) this.clear(series);
    this.recorded.length = 0;
  }

  /** The family for `Registry.metrics()`: label sets kept apart from `le`, as prom-client's own. */
  async getForPromString(): Promise<{ name: string; help: string; type: string; values: ExportedValue[]; aggregator: 'sum' }> {
    const values: ExportedValue[] = [];
    for (const series of this.recorded) this.export(series, values);
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** The family for `Registry.getMetricsAsJSON()`: every value's labels in one object. */
  async get(): Promise<{ name: string; help: string; type: string; values: ExportedValue[]; aggregator: 'sum' }> {
    const family = await this.getForPromString();
    family.values = family.values.map(({ sharedLabels, ...value }) => ({ ...value, labels: { ...value.labels, ...sharedLabels } }));
    return family;
  }

  protected abstract createSeries(labels: LabelSet<L>, recorded: S[]): S;
  protected abstract clear(series: S): void;
  protected abstract export(series: S, into: ExportedValue[]): void;

  private keyOf(labels: LabelSet<L>): string {
    for (const name of Object.keys(labels)) {
      if (!this.labelNames.includes(name as L)) {
        throw new Error(`Added label "${name}" is not included in initial labelset: ${this.labelNames.join(', ')}`);
      }
    }
    // A value's text, as prom-client hashes it: 1 and '1' are one series.
    return this.labelNames.map((name) => (labels[name] === undefined ? '\u0000' : `=${labels[name]}`)).join('\u0001');
  }
}
