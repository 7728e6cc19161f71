// Child process: one monitor bench scenario, isolated so its CPU time and peak RSS are its own.
// Mode "scheduled": N HTTP checks through the Scheduler + prober for a bounded duration.
// Mode "raw": the same prober in a tight loop at the same concurrency, to find the client's limit.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHttpProber } from '../../dist/monitor/probes/http-probe.js';
import { Scheduler } from '../../dist/monitor/scheduler.js';
import { silentLogger } from '../../dist/observability/logger.js';
import { summarize } from './stats.mjs';

const cfg = JSON.parse(process.argv[2]);

function specs(count) {
  return Array.from({ length: count }, (_, i) => ({
    url: `http://127.0.0.1:${cfg.ports[i % cfg.ports.length]}/health/${i}`,
    method: 'GET',
    timeoutMs: cfg.probeTimeoutMs,
    expect: { status: [200], bodyContains: '"status":"ok"' },
    maxBodyBytes: 64 * 1024,
    severity: 'SEV2',
  }));
}

/** Samples RSS and event-loop delay while `work` runs; returns its result plus resource use. */
async function measure(work) {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
  loop.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await work();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  loop.disable();
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  return {
    ...result,
    wallMs,
    // Percent of one core: 200% is both cores of this machine.
    cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
    peakRss,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
  };
}

function countError(errors, outcome) {
  if (!outcome.ok) errors[outcome.error.kind] = (errors[outcome.error.kind] ?? 0) + 1;
}

async function scheduled() {
  const prober = createHttpProber({ connectionsPerOrigin: cfg.connectionsPerOrigin });
  const lags = [];
  const errors = {};
  let completed = 0;
  let skipped = 0;
  // stop() cancels in-flight probes; those are the bench ending, not errors.
  let stopping = false;
  const scheduler = new Scheduler({
    concurrency: cfg.concurrency,
    logger: silentLogger(),
    onRunComplete: (run) => {
      completed++;
      lags.push(run.startedAt - run.dueAt);
      if (run.outcome !== 'ok' && !stopping) errors[`run-${run.outcome}`] = (errors[`run-${run.outcome}`] ?? 0) + 1;
    },
    onSkipped: () => skipped++,
  });
  specs(cfg.n).forEach((spec, i) =>
    scheduler.add({
      id: `http:${i}`,
      everyMs: cfg.everyMs,
      timeoutMs: cfg.probeTimeoutMs + 1000,
      run: async (signal) => {
        const outcome = await prober.probe(spec, signal);
        if (!stopping) countError(errors, outcome);
      },
    }),
  );
  const result = await measure(async () => {
    scheduler.start();
    await sleep(cfg.durationMs);
    stopping = true;
    await scheduler.stop();
    return { completed, skipped, errors };
  });
  await prober.close();
  return { ...result, lag: summarize(lags) };
}

async function raw() {
  const prober = createHttpProber({ connectionsPerOrigin: cfg.connectionsPerOrigin });
  const all = specs(cfg.n);
  const errors = {};
  let completed = 0;
  const result = await measure(async () => {
    const deadline = performance.now() + cfg.durationMs;
    const worker = async (start) => {
      for (let i = start; performance.now() < deadline; i += cfg.concurrency) {
        countError(errors, await prober.probe(all[i % all.length]));
        completed++;
      }
    };
    await Promise.all(Array.from({ length: cfg.concurrency }, (_, w) => worker(w)));
    return { completed, skipped: 0, errors };
  });
  await prober.close();
  return result;
}

const result = cfg.mode === 'raw' ? await raw() : await scheduled();
process.send(result, () => process.exit(0));
