// Child process: the HTTP prober alone (no scheduler, store, engine or metrics) against the
// checks of a service bench config, so its CPU per request can be set beside the service's CPU
// per run. Mode "paced": requests started at a fixed rate (the service's due rate), spread evenly;
// mode "full": `concurrency` workers in a tight loop, the client's own ceiling.
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../dist/config/load-config.js';
import { createHttpProber } from '../../dist/monitor/probes/http-probe.js';

const cfg = JSON.parse(process.argv[2]);
/** Unmeasured run of the same mode before the measured one. */
const WARMUP_MS = 3_000;

/** The probe specs the monitor uses for the same config: each HTTP check is its own (src/monitor/probe-check.ts). */
async function specsFromConfig(path) {
  const loaded = await loadConfig({ path, env: {} });
  if (!loaded.ok) throw new Error(`bench config invalid: ${loaded.errors.join('; ')}`);
  return loaded.config.checks.filter((c) => c.type === 'http');
}

const specs = await specsFromConfig(cfg.configPath);
// The prober as the service makes it (src/app.ts: createHttpProber() with its defaults).
const prober = createHttpProber();
const errors = {};
let completed = 0;
const probe = async (spec) => {
  const outcome = await prober.probe(spec);
  completed++;
  if (!outcome.ok) errors[outcome.error.kind] = (errors[outcome.error.kind] ?? 0) + 1;
};

async function paced(durationMs) {
  const inFlight = new Set();
  const started = performance.now();
  // Wake often enough to spread the requests, rarely enough that waking is not what is measured.
  const tickMs = Math.min(50, Math.max(10, 1000 / cfg.rate));
  let launched = 0;
  for (let elapsed = 0; elapsed < durationMs; elapsed = performance.now() - started) {
    // Start the requests due by now (rate × elapsed), round-robin over the checks.
    const due = Math.floor((cfg.rate * elapsed) / 1000);
    for (; launched < due; launched++) {
      const p = probe(specs[launched % specs.length]);
      inFlight.add(p);
      p.finally(() => inFlight.delete(p));
    }
    await sleep(tickMs);
  }
  await Promise.all(inFlight);
}

async function full(durationMs) {
  const deadline = performance.now() + durationMs;
  const worker = async (start) => {
    for (let i = start; performance.now() < deadline; i += cfg.concurrency) await probe(specs[i % specs.length]);
  };
  await Promise.all(Array.from({ length: cfg.concurrency }, (_, w) => worker(w)));
}

const run = cfg.mode === 'full' ? full : paced;
// Warm up first, as the service is measured after its warm-up: connections open, code compiled.
await run(WARMUP_MS);
completed = 0;
for (const kind of Object.keys(errors)) delete errors[kind];
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await run(cfg.durationMs);
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
await prober.close();
process.send({ completed, errors, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 }, () => process.exit(0));
