import { Counter, Histogram, type OpenMetricsContentType, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BoundCounter } from '../../../src/observability/bound-counter.js';
import { BoundHistogram } from '../../../src/observability/bound-histogram.js';
import { Metrics } from '../../../src/observability/metrics.js';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Deterministic values with long binary fractions, so any difference in how the sum is added shows. */
function values(n: number, seed: number): number[] {
  let x = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push((x % 40000) / 1000 / (1 + (i % 7)));
  }
  return out;
}

// On every bound, 0, between bounds, above the last bound, and many ordinary ones.
const OBSERVATIONS = [0, ...BUCKETS, 0.0051, 0.3, 29.999, 30.0001, 45, 1e6, 1.1, 2.2, 3.3, ...values(5000, 7)];
const TYPES = ['http', 'replication-lag', 'backup', 'a"b\\c\nd'];

function newRegistry(openMetrics: boolean) {
  if (!openMetrics) return new Registry();
  const openMetricsRegistry = new Registry<OpenMetricsContentType>();
  openMetricsRegistry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  return openMetricsRegistry;
}

/** The same families on two registries: prom-client's own classes on one, the bound ones on the other. */
function pair(openMetrics: boolean) {
  const reference = newRegistry(openMetrics);
  const bound = newRegistry(openMetrics);
  // Families around the bound ones, so their place in the text is compared too.
  for (const registry of [reference, bound]) new Counter({ name: 'before_total', help: 'first', registers: [registry] }).inc();
  const config = { name: 'run_seconds', help: 'Run time \\ by "type"\nsecond line', labelNames: ['type'] as const, buckets: BUCKETS };
  const runsConfig = { name: 'runs_total', help: 'Runs by type and outcome', labelNames: ['type', 'outcome'] as const };
  const lagConfig = { name: 'lag_seconds', help: 'Lag', buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] };
  const ref = {
    duration: new Histogram({ ...config, registers: [reference] }),
    runs: new Counter({ ...runsConfig, registers: [reference] }),
    lag: new Histogram({ ...lagConfig, registers: [reference] }),
  };
  const ours = {
    duration: new BoundHistogram({ ...config, registers: [bound] }),
    runs: new BoundCounter({ ...runsConfig, registers: [bound] }),
    lag: new BoundHistogram({ ...lagConfig, registers: [bound] }),
  };
  for (const registry of [reference, bound]) new Histogram({ name: 'after_seconds', help: 'last', registers: [registry] });
  // Children looked up once per type, both outcomes at once, as Metrics does: a type whose first
  // run fails is listed fail first, as prom-client lists it (by first record, not by lookup).
  const childrenOf = (type: string) => {
    const [refFail, oursFail] = [ref.runs.labels({ type, outcome: 'fail' }), ours.runs.labels({ type, outcome: 'fail' })];
    const [refPass, oursPass] = [ref.runs.labels({ type, outcome: 'pass' }), ours.runs.labels({ type, outcome: 'pass' })];
    return {
      refDuration: ref.duration.labels({ type }),
      oursDuration: ours.duration.labels({ type }),
      refFail,
      oursFail,
      refPass,
      oursPass,
    };
  };
  const byType = new Map<string, ReturnType<typeof childrenOf>>();
  /** One run of check i: its duration, its outcome, and the scheduling lag of its start. */
  const record = (i: number, value: number) => {
    const type = TYPES[(i * 7) % TYPES.length]!;
    let c = byType.get(type);
    if (c === undefined) byType.set(type, (c = childrenOf(type)));
    c.refDuration.observe(value);
    c.oursDuration.observe(value);
    const failed = i % 5 === 1;
    (failed ? c.refFail : c.refPass).inc();
    (failed ? c.oursFail : c.oursPass).inc();
    ref.lag.observe(value / 100);
    ours.lag.observe(value / 100);
  };
  return { reference, bound, record };
}

describe('bound histogram and counter, against prom-client', () => {
  it.each([
    ['Prometheus text', false],
    ['OpenMetrics', true],
  ] as const)('render exactly the text prom-client renders for the same observations (%s)', async (_, openMetrics) => {
    const { reference, bound, record } = pair(openMetrics);
    // Before any observation: the unlabelled histogram shows zeros, the labelled families nothing.
    expect(await bound.metrics()).toBe(await reference.metrics());
    OBSERVATIONS.forEach((value, i) => record(i, value));
    const text = await reference.metrics();
    expect(text).toContain('run_seconds_bucket{le="0.005",type="http"}');
    expect(text).toContain('run_seconds_bucket{le="+Inf",type="a\\"b\\\\c\\nd"}');
    expect(await bound.metrics()).toBe(text);
    expect(await bound.getMetricsAsJSON()).toEqual(await reference.getMetricsAsJSON());
    expect(await bound.getSingleMetricAsString('run_seconds')).toBe(await reference.getSingleMetricAsString('run_seconds'));
  });

  it('forget their values on resetMetrics, and list label sets again in the order they are next recorded', async () => {
    const { reference, bound, record } = pair(false);
    OBSERVATIONS.slice(0, 50).forEach((value, i) => record(i, value));
    reference.resetMetrics();
    bound.resetMetrics();
    expect(await bound.metrics()).toBe(await reference.metrics());
    OBSERVATIONS.slice(50, 80).forEach((value, i) => record(i + 3, value));
    expect(await bound.metrics()).toBe(await reference.metrics());
  });

  it('refuse what prom-client refuses', () => {
    const registry = new Registry();
    const histogram = new BoundHistogram({ name: 'h_seconds', help: 'h', labelNames: ['type'], buckets: [1, 2], registers: [registry] });
    expect(() => histogram.labels({ type: 'x' }).observe(Number.NaN)).toThrow(TypeError);
    expect(() => histogram.labels({ kind: 'x' } as never)).toThrow(/not included in initial labelset/);
    expect(() => histogram.observe(1)).toThrow(/has labels/);
    expect(() => new BoundHistogram({ name: 'le_seconds', help: 'h', labelNames: ['le'], buckets: [1] })).toThrow(/reserved/);
    expect(() => new BoundHistogram({ name: 'bad_seconds', help: 'h', buckets: [2, 1] })).toThrow(/ascending/);
    expect(() => new BoundHistogram({ name: 'h_seconds', help: 'h', buckets: [1], registers: [registry] })).toThrow(
      /already been registered/,
    );
    const counter = new BoundCounter({ name: 'c_total', help: 'c', labelNames: ['type'] });
    expect(() => counter.labels({ type: 'x' }).inc(-1)).toThrow();
  });

  it("keep the run families where prom-client's were in the product's scrape", async () => {
    const metrics = new Metrics();
    metrics.schedulingLag.observe(0.002);
    const families = [...(await metrics.render()).matchAll(/^# TYPE (lifeboat_\S+)/gm)].map(([, name]) => name);
    expect(families.slice(0, 4)).toEqual([
      'lifeboat_check_duration_seconds',
      'lifeboat_check_runs_total',
      'lifeboat_incidents_open',
      'lifeboat_approvals_pending',
    ]);
    expect(families.indexOf('lifeboat_scheduling_lag_seconds')).toBe(families.indexOf('lifeboat_slack_ack_seconds') + 1);
    expect(await metrics.render()).toContain('lifeboat_scheduling_lag_seconds_bucket{le="0.005"} 1\n');
  });
});
