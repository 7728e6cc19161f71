// Monitor bench: N HTTP checks at a fixed cadence through Scheduler + HTTP prober against
// loopback targets (in a child process), then the raw request rate of the same client.
// `npm run bench -- monitor [--n 1000,10000] [--duration 30s] [--every 10s] [--raw 5s] ...`
import { cpus } from 'node:os';
import { endChild, forkChild } from './lib/children.mjs';
import { parseDurationMs, parseFlags, parseIntList } from './lib/args.mjs';
import { mib } from './lib/stats.mjs';

const FLAGS = ['n', 'duration', 'every', 'raw', 'concurrency', 'connections', 'targets', 'target-delay', 'timeout'];
// Goal from the brief: 10,000 checks every 10 s with lag p99 < 1 s and RSS < 250 MB.
const GOAL = { n: 10_000, lagP99Ms: 1000, rssMb: 250 };

export async function main(argv) {
  const flags = parseFlags(argv, FLAGS);
  const cfg = {
    counts: parseIntList(flags.n ?? '1000,10000'),
    durationMs: parseDurationMs(flags.duration ?? '30s'),
    everyMs: parseDurationMs(flags.every ?? '10s'),
    rawMs: parseDurationMs(flags.raw ?? '5s'),
    concurrency: Number(flags.concurrency ?? 256), // scheduler slots, and raw-loop workers
    connectionsPerOrigin: Number(flags.connections ?? 64),
    targets: Number(flags.targets ?? 4), // loopback HTTP servers (origins)
    targetDelayMs: parseDurationMs(flags['target-delay'] ?? '0ms'), // simulated endpoint latency
    probeTimeoutMs: parseDurationMs(flags.timeout ?? '5s'),
  };
  console.log(
    `monitor bench: ${cpus().length} CPUs, node ${process.version}; checks every ${cfg.everyMs / 1000}s for ` +
      `${cfg.durationMs / 1000}s per N; concurrency ${cfg.concurrency}; ${cfg.connectionsPerOrigin} sockets/origin; ` +
      `${cfg.targets} targets (+${cfg.targetDelayMs}ms) in a child process`,
  );

  const target = forkChild('target-server.mjs', [cfg.targets, cfg.targetDelayMs], { timeoutMs: 10_000 });
  try {
    const { ports } = await target.message;
    const rows = [];
    for (const n of cfg.counts) {
      const row = await scenario({ ...cfg, ports, n, mode: 'scheduled', durationMs: cfg.durationMs });
      rows.push({ n, ...row });
      printRow(n, row);
    }
    const raw = await scenario({ ...cfg, ports, n: Math.max(...cfg.counts), mode: 'raw', durationMs: cfg.rawMs });
    console.log(
      `\nraw client (same prober, tight loop, ${cfg.concurrency} in flight, ${cfg.rawMs / 1000}s): ` +
        `${fmt(raw.completed / (raw.wallMs / 1000), 0)} req/s, CPU ${fmt(raw.cpuPercent, 0)}%, ` +
        `peak RSS ${fmt(mib(raw.peakRss), 0)} MiB, errors ${errorText(raw.errors)}`,
    );
    verdict(rows);
    return 0;
  } finally {
    await endChild(target.child);
  }
}

async function scenario(cfg) {
  const { child, message } = forkChild('monitor-worker.mjs', [JSON.stringify(cfg)], {
    timeoutMs: cfg.durationMs + cfg.probeTimeoutMs + 30_000,
  });
  try {
    return await message;
  } finally {
    await endChild(child);
  }
}

let headerPrinted = false;
function printRow(n, r) {
  if (!headerPrinted) {
    console.log(
      '\n| checks | runs/s | CPU % (1 core = 100) | peak RSS | lag p50 | lag p99 | lag max | loop delay p99 | errors | skipped |',
    );
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |');
    headerPrinted = true;
  }
  console.log(
    `| ${n} | ${fmt(r.completed / (r.wallMs / 1000), 1)} | ${fmt(r.cpuPercent, 1)} | ${fmt(mib(r.peakRss), 0)} MiB | ` +
      `${r.lag.p50} ms | ${r.lag.p99} ms | ${r.lag.max} ms | ${fmt(r.loopDelayP99Ms, 1)} ms | ${errorText(r.errors)} | ${r.skipped} |`,
  );
}

function verdict(rows) {
  const row = rows.find((r) => r.n === GOAL.n);
  if (!row) return;
  const met = row.lag.p99 < GOAL.lagP99Ms && mib(row.peakRss) < GOAL.rssMb;
  console.log(
    `\ngoal (${GOAL.n} checks: lag p99 < ${GOAL.lagP99Ms} ms, RSS < ${GOAL.rssMb} MB): ${met ? 'met' : 'MISSED'} ` +
      `(p99 ${row.lag.p99} ms, RSS ${fmt(mib(row.peakRss), 0)} MiB)`,
  );
}

const fmt = (value, digits) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const errorText = (errors) =>
  Object.keys(errors).length === 0
    ? '0'
    : Object.entries(errors)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ');
