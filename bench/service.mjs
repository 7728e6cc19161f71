// Service bench: `lifeboat start` itself (a child process, dist/cli.js) with N HTTP checks against
// loopback targets in another process, on a real Redis DB of its own, /metrics scraped as
// Prometheus would; then the bare HTTP prober against the same targets, at the same request rate
// and at full speed, so the service's CPU per run can be set beside the client's per request.
// `npm run bench -- service [--n 1000,5000,10000,20000] [--duration 60s] [--every 10s] [--scrape 15s]`
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseDurationMs, parseFlags, parseIntList } from './lib/args.mjs';
import { endChild, forkChild } from './lib/children.mjs';
import { errorText, fmt } from './lib/format.mjs';
import { cpuSeconds, peakRssBytes, rssBytes } from './lib/proc-usage.mjs';
import { bucketDelta, buckets, quantile, samples, sum } from './lib/prom-text.mjs';
import { claimBenchDb } from './lib/redis-bench-db.mjs';
import { serverCommandsProcessed, startCommandCount } from './lib/redis-command-count.mjs';
import { freePort, get, ServiceFailure, spawnService, waitUntilLeading, writeServiceConfig } from './lib/service-process.mjs';
import { mib, summarize } from './lib/stats.mjs';

const FLAGS = [
  'n',
  'duration',
  'every',
  'scrape',
  'warmup',
  'raw',
  'redis-window',
  'concurrency',
  'targets',
  'target-delay',
  'redis',
  'start-timeout',
  'failing',
  'node-options',
];
const FAMILIES = [
  'lifeboat_check_runs_total',
  'lifeboat_check_duration_seconds_count',
  'lifeboat_check_runs_skipped_total',
  'lifeboat_scheduling_lag_seconds_bucket',
  // prom-client's default metrics: live heap against what V8 holds, to read RSS by.
  'nodejs_heap_size_used_bytes',
  'nodejs_heap_size_total_bytes',
];
const LAG = 'lifeboat_scheduling_lag_seconds';

export async function main(argv) {
  const flags = parseFlags(argv, FLAGS);
  const everyMs = parseDurationMs(flags.every ?? '10s');
  const cfg = {
    counts: parseIntList(flags.n ?? '1000,5000,10000,20000'),
    durationMs: parseDurationMs(flags.duration ?? '60s'),
    everyMs,
    scrapeMs: parseDurationMs(flags.scrape ?? '15s'),
    // The first run of each check falls at a random point within `every`: steady after one.
    warmupMs: parseDurationMs(flags.warmup ?? `${everyMs + 5_000}ms`),
    rawMs: parseDurationMs(flags.raw ?? '10s'),
    // After the measured window: Redis commands counted through MONITOR (see measureWindow).
    redisWindowMs: parseDurationMs(flags['redis-window'] ?? '20s'),
    concurrency: parseIntList(flags.concurrency ?? '64')[0], // monitor.concurrency; the product's default is 64
    targets: parseIntList(flags.targets ?? '4')[0],
    targetDelayMs: parseDurationMs(flags['target-delay'] ?? '0ms'),
    redisUrl: flags.redis ?? 'redis://127.0.0.1:6379/9',
    startTimeoutMs: parseDurationMs(flags['start-timeout'] ?? '120s'),
    // Percent of checks that fail every run (issue 15 item 2's "2 % failing checks"); default none.
    failingPercent: Number(flags.failing ?? '0'),
    // NODE_OPTIONS for the service, e.g. the heap cap deploy/k8s/base sets; none by default.
    nodeOptions: flags['node-options'] ?? '',
  };
  if (!(cfg.failingPercent >= 0 && cfg.failingPercent <= 100))
    throw new Error(`--failing must be a percent from 0 to 100 (got ${flags.failing})`);
  // A check's timeout must be shorter than its cadence (config rule): 5 s, or half of `every`.
  cfg.timeoutMs = Math.min(5_000, Math.floor(everyMs / 2));
  if (cfg.timeoutMs < 1 || cfg.scrapeMs <= 0 || cfg.durationMs < cfg.scrapeMs) {
    throw new Error(
      `--every must be at least 2ms and --duration at least one --scrape (got every ${everyMs}ms, duration ${cfg.durationMs}ms, scrape ${cfg.scrapeMs}ms)`,
    );
  }
  console.log(
    `service bench: ${cpus().length} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, node ${process.version}; ` +
      `checks every ${everyMs / 1000}s (timeout ${cfg.timeoutMs}ms), monitor.concurrency ${cfg.concurrency}; ` +
      `warm-up ${cfg.warmupMs / 1000}s, then ${cfg.durationMs / 1000}s measured with /metrics scraped every ${cfg.scrapeMs / 1000}s; ` +
      `${cfg.targets} targets (+${cfg.targetDelayMs}ms) in a child process; ${cfg.failingPercent} % of checks failing; Redis ${cfg.redisUrl}; NODE_OPTIONS ${cfg.nodeOptions || '(none)'}`,
  );

  let db;
  try {
    db = await claimBenchDb(cfg.redisUrl);
  } catch (err) {
    console.error(`service bench: ${err.message}`);
    return 2;
  }
  const target = forkChild('target-server.mjs', [cfg.targets, cfg.targetDelayMs], { timeoutMs: 10_000 });
  let lastConfig = null;
  try {
    const { ports } = await target.message;
    const rows = [];
    for (const n of cfg.counts) {
      await db.empty();
      lastConfig?.remove();
      lastConfig = writeServiceConfig({
        n,
        ports,
        every: `${everyMs}ms`,
        timeout: `${cfg.timeoutMs}ms`,
        concurrency: cfg.concurrency,
        failingPercent: cfg.failingPercent,
      });
      const row = await runService({ ...cfg, n, configPath: lastConfig.path, db });
      row.raw = await rawClient({ configPath: lastConfig.path, mode: 'paced', rate: (n * 1000) / everyMs, durationMs: cfg.rawMs });
      rows.push(row);
      printDetails(row);
    }
    const full = await rawClient({ configPath: lastConfig.path, mode: 'full', concurrency: cfg.concurrency, durationMs: cfg.rawMs });
    printTable(rows);
    console.log(
      `\nraw client at full speed (the prober alone, ${cfg.concurrency} in flight, ${cfg.rawMs / 1000}s, ${cfg.counts.at(-1)} URLs): ` +
        `${fmt(full.completed / (full.wallMs / 1000), 0)} req/s, CPU ${fmt((full.cpuMs / full.wallMs) * 100, 0)}%, ` +
        `${fmt((full.cpuMs * 1000) / full.completed, 1)} µs CPU/request, errors ${errorText(full.errors)}`,
    );
    return 0;
  } catch (err) {
    if (!(err instanceof ServiceFailure)) throw err;
    console.error(`\nservice bench FAILED: ${err.message}`);
    if (err.log?.tail.length) console.error(`last lines the service wrote:\n${err.log.tail.join('\n')}`);
    return 1;
  } finally {
    lastConfig?.remove();
    await endChild(target.child);
    await db.release();
  }
}

/** One N: start the service, wait until it leads, warm up, measure a window, stop it. */
async function runService(cfg) {
  const service = spawnService({
    configPath: cfg.configPath,
    port: await freePort(),
    redisUrl: cfg.redisUrl,
    logLevel: 'warn',
    nodeOptions: cfg.nodeOptions,
  });
  const fail = (message) => Object.assign(new ServiceFailure(`${cfg.n} checks: ${message}`), { log: service.log });
  try {
    const startedAt = performance.now();
    await waitUntilLeading(service, cfg.startTimeoutMs).catch((err) => {
      throw fail(err.message);
    });
    const startMs = performance.now() - startedAt;
    await aliveFor(service, cfg.warmupMs, fail);
    const window = await measureWindow(service, cfg, fail);
    const stop = await service.stop();
    if (stop.code !== 0) throw fail(`SIGTERM: exited with code ${stop.code}, signal ${stop.signal} after ${fmt(stop.ms, 0)} ms`);
    return { n: cfg.n, dueRate: (cfg.n * 1000) / cfg.everyMs, startMs, stop, log: service.log, ...window };
  } finally {
    if (!service.exit()) await service.stop();
  }
}

/** Sleeps `ms` unless the service exits first, which fails the bench. */
async function aliveFor(service, ms, fail) {
  await Promise.race([sleep(ms), service.exited]);
  const exit = service.exit();
  if (exit) throw fail(`the service died (code ${exit.code}, signal ${exit.signal})`);
}

/**
 * The measured window, from the end of its first /metrics scrape to the end of its last: counter
 * and histogram deltas between those two scrapes, the process's CPU over the same span. Then a
 * second, shorter window counts Redis commands (see `countRedisCommands`); it is kept apart
 * because MONITOR slows the Redis the service waits on, and the bench parses its feed on the
 * event loop that times the scrapes: counted in the same window, a scrape's Redis read took
 * 17–88 ms instead of ~1 ms, and the scrape times were the bench's, not the service's.
 */
async function measureWindow(service, cfg, fail) {
  const scrapes = [];
  const scrape = async ({ timed = true } = {}) => {
    const res = await get(service.port, '/metrics', undefined, { gzip: true }).catch((err) => {
      throw fail(`GET /metrics failed: ${err.message}`);
    });
    if (res.status !== 200) throw fail(`GET /metrics answered ${res.status}`);
    if (timed) scrapes.push({ ms: res.ms, bytes: res.bytes, wireBytes: res.wireBytes });
    return samples(res.body, FAMILIES);
  };
  const { first, last, cpuSeconds: cpu, wallMs } = await observe(service, cfg, scrape, fail);
  const peakRss = peakRssBytes(service.pid);
  const endRss = rssBytes(service.pid);
  const redis = await countRedisCommands(service, cfg, () => scrape({ timed: false }), fail);

  const delta = (name, where) => sum(last, name, where) - sum(first, name, where);
  const runs = delta('lifeboat_check_runs_total');
  const lag = bucketDelta(buckets(first, LAG), buckets(last, LAG));
  return {
    wallMs,
    runs,
    durationCount: delta('lifeboat_check_duration_seconds_count'),
    failed: delta('lifeboat_check_runs_total', { outcome: 'fail' }),
    skipped: delta('lifeboat_check_runs_skipped_total'),
    lagP50: quantile(lag, 0.5),
    lagP99: quantile(lag, 0.99),
    cpuSeconds: cpu,
    peakRss,
    endRss,
    heapUsed: sum(last, 'nodejs_heap_size_used_bytes'),
    heapTotal: sum(last, 'nodejs_heap_size_total_bytes'),
    redis,
    scrapeMs: summarize(scrapes.map((s) => s.ms)),
    scrapeEach: scrapes.map((s) => s.ms),
    scrapeBytes: Math.max(...scrapes.map((s) => s.bytes)),
    scrapeWireBytes: Math.max(...scrapes.map((s) => s.wireBytes)),
    scrapes: scrapes.length,
  };
}

/**
 * Redis commands on the bench's DB over `redis-window` (MONITOR), and server-wide (INFO), with the
 * runs the service made meanwhile (two untimed scrapes): { client, script, byCommand, server, runs }.
 */
async function countRedisCommands(service, cfg, scrape, fail) {
  const excludeAddr = `${cfg.db.redis.stream.localAddress}:${cfg.db.redis.stream.localPort}`;
  const counter = await startCommandCount({ url: cfg.redisUrl, db: cfg.db.db, excludeAddr });
  let monitored = null;
  try {
    const serverBefore = await serverCommandsProcessed(cfg.db.redis);
    const before = await scrape();
    await aliveFor(service, cfg.redisWindowMs, fail);
    const after = await scrape();
    // Less the bench's own INFO call, which is counted with the rest.
    const server = (await serverCommandsProcessed(cfg.db.redis)) - serverBefore - 1;
    monitored = counter.stop();
    return { ...monitored, server, runs: sum(after, 'lifeboat_check_runs_total') - sum(before, 'lifeboat_check_runs_total') };
  } finally {
    if (!monitored) counter.stop();
  }
}

/** Scrapes at the start, every `scrape` and at the end of `duration`; the service's CPU in between. */
async function observe(service, cfg, scrape, fail) {
  const first = await scrape();
  const cpu0 = cpuSeconds(service.pid);
  const t0 = performance.now();
  for (let next = cfg.scrapeMs; next < cfg.durationMs; next += cfg.scrapeMs) {
    await aliveFor(service, t0 + next - performance.now(), fail);
    await scrape();
  }
  await aliveFor(service, t0 + cfg.durationMs - performance.now(), fail);
  const last = await scrape();
  return { first, last, cpuSeconds: cpuSeconds(service.pid) - cpu0, wallMs: performance.now() - t0 };
}

/** The bare prober in a child process (its CPU its own), against the checks of `configPath`. */
async function rawClient(options) {
  const { child, message } = forkChild('raw-client-worker.mjs', [JSON.stringify(options)], { timeoutMs: options.durationMs + 60_000 });
  try {
    return await message;
  } finally {
    await endChild(child);
  }
}

function printDetails(r) {
  const perRun = (count) => fmt(count / r.redis.runs, 2);
  const top = [...r.redis.byCommand.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([name, count]) => `${name} ${perRun(count)}`)
    .join(', ');
  const raw = r.raw;
  console.log(
    `\n${r.n} checks: up and leading in ${fmt(r.startMs / 1000, 1)} s; measured ${fmt(r.wallMs / 1000, 1)} s, ${r.scrapes} scrapes; ` +
      `stopped on SIGTERM in ${fmt(r.stop.ms, 0)} ms (exit ${r.stop.code})\n` +
      `  runs ${r.runs} (lifeboat_check_duration_seconds_count: ${r.durationCount}), failed ${r.failed}, skipped ${r.skipped}; ` +
      `RSS ${fmt(mib(r.endRss), 0)} MiB at the end, peak ${fmt(mib(r.peakRss), 0)} MiB; ` +
      `heap used ${fmt(mib(r.heapUsed), 0)} of ${fmt(mib(r.heapTotal), 0)} MiB (nodejs_heap_size_*, last scrape)\n` +
      `  Redis on the bench's DB, per run (MONITOR, over the ${r.redis.runs} runs of the Redis window): ${perRun(r.redis.client)} sent + ${perRun(r.redis.script)} run by scripts; ${top}\n` +
      `  Redis server-wide, per run (INFO total_commands_processed, every client of this server): ${perRun(r.redis.server)}\n` +
      `  raw client at the due rate (${fmt(r.dueRate, 0)} req/s for ${fmt(raw.wallMs / 1000, 1)} s): ${raw.completed} requests, ` +
      `CPU ${fmt((raw.cpuMs / raw.wallMs) * 100, 1)}%, ${fmt((raw.cpuMs * 1000) / raw.completed, 1)} µs/request, errors ${errorText(raw.errors)}\n` +
      `  each scrape, in order (ms): ${r.scrapeEach.map((ms) => fmt(ms, 0)).join(', ')}\n` +
      `  service log at warn and above: ${r.log.count} lines${r.log.count ? `; first:\n    ${r.log.head.map((l) => l.slice(0, 300)).join('\n    ')}` : ''}`,
  );
}

function printTable(rows) {
  console.log(
    '\n| checks | due/s | runs/s | skipped | failed | lag p50 | lag p99 | CPU % | CPU µs/run | raw µs/req | peak RSS | Redis cmds/run | /metrics (gzip) | scrape p50 / max |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    const cpuPercent = ((r.cpuSeconds * 1000) / r.wallMs) * 100;
    console.log(
      `| ${r.n} | ${fmt(r.dueRate, 1)} | ${fmt(r.runs / (r.wallMs / 1000), 1)} | ${r.skipped} | ${r.failed} | ` +
        `${lagText(r.lagP50)} | ${lagText(r.lagP99)} | ${fmt(cpuPercent, 1)} | ${fmt((r.cpuSeconds * 1e6) / r.runs, 0)} | ` +
        `${fmt((r.raw.cpuMs * 1000) / r.raw.completed, 0)} | ${fmt(mib(r.peakRss), 0)} MiB | ` +
        `${fmt(r.redis.client / r.redis.runs, 2)} + ${fmt(r.redis.script / r.redis.runs, 2)} | ${fmt(r.scrapeBytes / 1024, 0)} KiB (${fmt(r.scrapeWireBytes / 1024, 0)}) | ` +
        `${fmt(r.scrapeMs.p50, 0)} / ${fmt(r.scrapeMs.max, 0)} ms |`,
    );
  }
  // Per-run CPU at a low N is mostly what the process spends anyway (timers, GC, lease renewals);
  // the slope between two N is what one more run a second costs.
  for (let i = 1; i < rows.length; i++) {
    const [a, b] = [rows[i - 1], rows[i]];
    const service = (b.cpuSeconds / b.wallMs - a.cpuSeconds / a.wallMs) / (b.runs / b.wallMs - a.runs / a.wallMs);
    const raw =
      (b.raw.cpuMs / b.raw.wallMs - a.raw.cpuMs / a.raw.wallMs) / (b.raw.completed / b.raw.wallMs - a.raw.completed / a.raw.wallMs);
    console.log(
      `${i === 1 ? '\n' : ''}marginal CPU, ${a.n} → ${b.n} checks: ${fmt(service * 1e6, 0)} µs per extra run (service), ` +
        `${fmt(raw * 1000, 0)} µs per extra request (raw client at the same rates)`,
    );
  }
}

const lagText = (q) => (q === null ? '–' : `${q.above ? '> ' : ''}${fmt(q.value * 1000, 1)} ms`);
