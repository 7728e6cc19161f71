// Paired service bench: this build's `lifeboat start` and a baseline build's, run at the same
// time against the same loopback targets (each on its own Redis DB), so both see the same phases
// of a shared machine. On this 2-core VM a lone run's CPU a run moves by ±20 % from one minute to
// the next; two builds measured side by side move together, and their ratio is what a change did.
// `npm run bench -- service-pair --baseline <checkout with a built dist/> [--n 20000] [--duration 60s] [--rounds 2]`
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseDurationMs, parseFlags, parseIntList } from './lib/args.mjs';
import { endChild, forkChild } from './lib/children.mjs';
import { fmt } from './lib/format.mjs';
import { cpuSeconds } from './lib/proc-usage.mjs';
import { samples, sum } from './lib/prom-text.mjs';
import { claimBenchDb } from './lib/redis-bench-db.mjs';
import { freePort, get, spawnService, waitUntilLeading, writeServiceConfig } from './lib/service-process.mjs';

const FLAGS = ['baseline', 'n', 'duration', 'warmup', 'rounds', 'every', 'node-options', 'redis-a', 'redis-b'];

export async function main(argv) {
  const flags = parseFlags(argv, FLAGS);
  if (!flags.baseline) throw new Error('--baseline <dir>: a checkout of the build to compare with, with its dist/ built');
  const baselineCli = join(resolve(flags.baseline), 'dist', 'cli.js');
  if (!existsSync(baselineCli)) throw new Error(`--baseline: ${baselineCli} is missing (run \`npm ci && npm run build\` there)`);
  const everyMs = parseDurationMs(flags.every ?? '10s');
  const cfg = {
    n: parseIntList(flags.n ?? '20000')[0],
    durationMs: parseDurationMs(flags.duration ?? '60s'),
    warmupMs: parseDurationMs(flags.warmup ?? `${everyMs + 15_000}ms`),
    rounds: parseIntList(flags.rounds ?? '2')[0],
    // deploy/k8s/base's heap cap, as the kit runs it.
    nodeOptions: flags['node-options'] ?? '--max-old-space-size=384',
  };
  const builds = [
    { name: 'baseline', cli: baselineCli, redisUrl: flags['redis-a'] ?? 'redis://127.0.0.1:6379/9' },
    { name: 'this build', cli: undefined, redisUrl: flags['redis-b'] ?? 'redis://127.0.0.1:6379/10' },
  ];
  console.log(
    `service-pair: ${cfg.n} checks every ${everyMs / 1000}s, ${cfg.rounds} rounds of ${cfg.durationMs / 1000}s after ${cfg.warmupMs / 1000}s; ` +
      `baseline ${baselineCli}; NODE_OPTIONS ${cfg.nodeOptions || '(none)'}`,
  );
  const dbs = [];
  for (const build of builds) dbs.push(await claimBenchDb(build.redisUrl));
  const target = forkChild('target-server.mjs', [4, 0], { timeoutMs: 10_000 });
  let config;
  try {
    const { ports } = await target.message;
    const timeoutMs = Math.min(5_000, Math.floor(everyMs / 2));
    config = writeServiceConfig({ n: cfg.n, ports, every: `${everyMs}ms`, timeout: `${timeoutMs}ms`, concurrency: 64 });
    const rows = [];
    for (let round = 1; round <= cfg.rounds; round++) {
      for (const db of dbs) await db.empty();
      const services = [];
      for (const build of builds) {
        services.push(
          spawnService({
            configPath: config.path,
            port: await freePort(),
            redisUrl: build.redisUrl,
            logLevel: 'warn',
            nodeOptions: cfg.nodeOptions,
            cli: build.cli,
          }),
        );
      }
      try {
        await Promise.all(services.map((s) => waitUntilLeading(s, 120_000)));
        await sleep(cfg.warmupMs);
        const before = await Promise.all(services.map(reading));
        await sleep(cfg.durationMs);
        const after = await Promise.all(services.map(reading));
        const perRun = services.map((_, i) => ((after[i].cpu - before[i].cpu) * 1e6) / (after[i].runs - before[i].runs));
        rows.push(perRun);
        console.log(
          `round ${round}: baseline ${fmt(perRun[0], 0)} µs a run, this build ${fmt(perRun[1], 0)} µs a run ` +
            `(${fmt((perRun[1] / perRun[0] - 1) * 100, 1)} %; ${after[1].runs - before[1].runs} and ${after[0].runs - before[0].runs} runs)`,
        );
      } finally {
        await Promise.all(services.map((s) => s.stop()));
      }
    }
    const mean = (i) => rows.reduce((a, r) => a + r[i], 0) / rows.length;
    console.log(`mean: baseline ${fmt(mean(0), 0)} µs, this build ${fmt(mean(1), 0)} µs (${fmt((mean(1) / mean(0) - 1) * 100, 1)} %)`);
    return 0;
  } finally {
    config?.remove();
    await endChild(target.child);
    for (const db of dbs) await db.release();
  }
}

/** The service's CPU seconds so far and its runs counted on /metrics, read together. */
async function reading(service) {
  const { body } = await get(service.port, '/metrics');
  return { cpu: cpuSeconds(service.pid), runs: sum(samples(body, ['lifeboat_check_runs_total']), 'lifeboat_check_runs_total') };
}
