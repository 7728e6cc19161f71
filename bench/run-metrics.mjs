// What a check run costs the metrics: the run-duration histogram, the run counter and the
// scheduling-lag histogram, once each a run, through prom-client's cached children against the
// bound histogram and counter (src/observability/bound-*.ts), then the product's whole
// `Metrics.recordResult` + lag observe (whichever implementation dist/ holds).
// `npm run bench -- run-metrics [--millions 2] [--rounds 5]`
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { Counter, Histogram, Registry } from 'prom-client';
import { BoundCounter } from '../dist/observability/bound-counter.js';
import { BoundHistogram } from '../dist/observability/bound-histogram.js';
import { Metrics } from '../dist/observability/metrics.js';
import { parseFlags } from './lib/args.mjs';
import { fleetResult } from './lib/fleet.mjs';

const CHECKS = 20_000;
const TYPES = ['http', 'replication-lag', 'backup'];
const DURATION = {
  help: 'How long check runs took, by check type',
  labelNames: ['type'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
};
const RUNS = { help: 'Check runs by check type and outcome (pass, fail)', labelNames: ['type', 'outcome'] };
const LAG = {
  help: 'Delay between when a check run was due and when it started',
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
};

/** The bench's fleet (bench/lib/fleet.mjs, as the metrics bench records it), one run of each check. */
function results() {
  return Array.from({ length: CHECKS }, (_, i) => fleetResult(i, 0));
}

// Scheduling lag in seconds: mostly under a millisecond, a tail up to 50 ms, as the service bench sees it.
const LAGS = Float64Array.from({ length: 1024 }, (_, i) => (i % 97 === 0 ? 0.05 : (i % 13) / 10_000));

/** Per type, the children Metrics keeps, for prom-client's classes or the bound ones. */
function childrenByType(duration, runs) {
  return new Map(
    TYPES.map((type) => [
      type,
      { duration: duration.labels({ type }), pass: runs.labels({ type, outcome: 'pass' }), fail: runs.labels({ type, outcome: 'fail' }) },
    ]),
  );
}

function variants() {
  const promRegistry = new Registry();
  const prom = childrenByType(
    new Histogram({ name: 'lifeboat_check_duration_seconds', ...DURATION, registers: [promRegistry] }),
    new Counter({ name: 'lifeboat_check_runs_total', ...RUNS, registers: [promRegistry] }),
  );
  const promLag = new Histogram({ name: 'lifeboat_scheduling_lag_seconds', ...LAG, registers: [promRegistry] });
  const boundRegistry = new Registry();
  const bound = childrenByType(
    new BoundHistogram({ name: 'lifeboat_check_duration_seconds', ...DURATION, registers: [boundRegistry] }),
    new BoundCounter({ name: 'lifeboat_check_runs_total', ...RUNS, registers: [boundRegistry] }),
  );
  const boundLag = new BoundHistogram({ name: 'lifeboat_scheduling_lag_seconds', ...LAG, registers: [boundRegistry] });
  const metrics = new Metrics();
  const pool = results();
  // One function per variant, so each keeps its own inline caches.
  return [
    {
      name: 'prom-client children',
      registry: promRegistry,
      run(n) {
        for (let r = 0; r < n; r++) {
          const result = pool[r % CHECKS];
          const c = prom.get(result.measurement.kind);
          c.duration.observe(result.durationMs / 1000);
          (result.ok ? c.pass : c.fail).inc();
          promLag.observe(LAGS[r & 1023]);
        }
      },
    },
    {
      name: 'bound series',
      registry: boundRegistry,
      run(n) {
        for (let r = 0; r < n; r++) {
          const result = pool[r % CHECKS];
          const c = bound.get(result.measurement.kind);
          c.duration.observe(result.durationMs / 1000);
          (result.ok ? c.pass : c.fail).inc();
          boundLag.observe(LAGS[r & 1023]);
        }
      },
    },
    {
      name: 'Metrics.recordResult + lag (dist/)',
      registry: metrics.registry,
      run(n) {
        for (let r = 0; r < n; r++) {
          metrics.recordResult(pool[r % CHECKS]);
          metrics.schedulingLag.observe(LAGS[r & 1023]);
        }
      },
    },
  ];
}

export async function main(argv) {
  const flags = parseFlags(argv, ['millions', 'rounds']);
  const runs = Math.round(Number(flags.millions ?? 2) * 1e6);
  const rounds = Number(flags.rounds ?? 5);
  const all = variants();
  const gcs = [];
  const observer = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  for (const v of all) v.run(200_000); // warm-up: optimized before timing
  const samples = new Map(all.map((v) => [v.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const v of all) {
      const start = performance.now();
      v.run(runs);
      const end = performance.now();
      samples.get(v.name).push({ ns: ((end - start) * 1e6) / runs, start, end });
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  gcs.push(...observer.takeRecords());
  observer.disconnect();
  console.log(`run-metrics bench: node ${process.version}; ${rounds} rounds of ${runs.toLocaleString('en')} runs per variant, alternating`);
  for (const v of all) {
    const s = samples.get(v.name);
    const ns = s.map((x) => x.ns).sort((a, b) => a - b);
    const gcCount = gcs.filter((g) => s.some((x) => g.startTime >= x.start && g.startTime < x.end)).length;
    console.log(
      `${v.name.padEnd(36)} ${ns[Math.floor(ns.length / 2)].toFixed(1).padStart(7)} ns/run median ` +
        `(min ${ns[0].toFixed(1)}, max ${ns.at(-1).toFixed(1)}); ${((gcCount / (rounds * runs)) * 1e6).toFixed(2)} GCs per million runs`,
    );
  }
  // The two implementations must still agree on what they counted.
  const [prom, bound] = await Promise.all(all.slice(0, 2).map((v) => v.registry.metrics()));
  if (prom !== bound) {
    console.error('prom-client and bound texts differ');
    return 1;
  }
  return 0;
}
