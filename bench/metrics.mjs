// /metrics at scale: the product's Metrics registry after every one of N checks reported a run
// (mixed types, as a large fleet has), then the text a Prometheus scrape gets: its size, how long
// rendering takes, and the series per check. `npm run bench -- metrics [--checks 1000,20000] [--scrapes 10]`
import { gzipSync } from 'node:zlib';
import { Metrics } from '../dist/observability/metrics.js';
import { METRICS_GZIP_OPTIONS } from '../dist/server/metrics-compression.js';
import { parseFlags } from './lib/args.mjs';
import { fleetResult } from './lib/fleet.mjs';

export async function main(argv) {
  const flags = parseFlags(argv, ['checks', 'scrapes']);
  const sizes = String(flags.checks ?? '1000,10000,20000')
    .split(',')
    .map(Number);
  const scrapes = Number(flags.scrapes ?? 10);
  console.log(`metrics bench: node ${process.version}; ${scrapes} scrapes per size, after every check reported 3 runs`);
  for (const n of sizes) {
    const metrics = new Metrics();
    for (let run = 0; run < 3; run++) for (let i = 0; i < n; i++) metrics.recordResult(fleetResult(i, run));
    const times = [];
    let text = '';
    for (let s = 0; s < scrapes; s++) {
      // Every check runs between two scrapes (10 s checks, 15 s scrapes), with a new duration.
      for (let i = 0; i < n; i++) metrics.recordResult(fleetResult(i, 3 + s));
      const started = process.hrtime.bigint();
      text = await metrics.render();
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    times.sort((a, b) => a - b);
    const series = text.split('\n').filter((line) => line && !line.startsWith('#'));
    const perCheck = series.filter((line) => /check="check-/.test(line)).length / n;
    // What Prometheus receives: it asks for gzip, and /metrics answers gzip, as compressed here.
    const gzipStarted = process.hrtime.bigint();
    const wire = gzipSync(text, METRICS_GZIP_OPTIONS).length;
    const gzipMs = Number(process.hrtime.bigint() - gzipStarted) / 1e6;
    console.log(
      `${String(n).padStart(6)} checks: /metrics ${(Buffer.byteLength(text) / 1024 / 1024).toFixed(2)} MiB, ${series.length} series ` +
        `(${perCheck.toFixed(2)} per check), render p50 ${times[Math.floor(times.length / 2)].toFixed(1)} ms, max ${times.at(-1).toFixed(1)} ms; ` +
        `gzipped ${(wire / 1024).toFixed(0)} KiB in ${gzipMs.toFixed(1)} ms`,
    );
  }
}
