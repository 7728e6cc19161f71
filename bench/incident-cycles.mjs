// Incident cycles bench: the process's memory over N incident open/resolve cycles through the
// app users run (buildApp from dist/app.js: Redis store, Slack bot with its outbox, PagerDuty
// pager, status page, retention), against a fake Slack Web API and a fake PagerDuty Events API
// in a child process on 127.0.0.1 (their state does not count here). The app is started, so it
// holds the monitor lease and the engine's writes are fenced with it as in production; the
// monitor's own probes report whatever state the bench last drove, so they never fight it.
// Every `--every` cycles it waits until Slack and PagerDuty deliveries have caught up, then
// samples RSS and heapUsed (after global.gc() when run with --expose-gc).
// `node --expose-gc bench/run.mjs incident-cycles [--n 20000] [--checks 4] [--every 1000] [--warmup 5000] [--snapshot-at 2000,8000]`
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { writeHeapSnapshot } from 'node:v8';
import { Redis } from 'ioredis';
import { endChild, forkChild } from './lib/children.mjs';
import { parseDurationMs, parseFlags, parseIntList } from './lib/args.mjs';

const FLAGS = ['n', 'checks', 'every', 'warmup', 'catch-up', 'snapshot-at'];
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const MiB = 1024 * 1024;

export async function main(argv) {
  const flags = parseFlags(argv, FLAGS);
  const cfg = {
    n: Number(flags.n ?? 20_000),
    checks: Number(flags.checks ?? 4),
    every: Number(flags.every ?? 1_000),
    warmup: Number(flags.warmup ?? 5_000),
    catchUpMs: parseDurationMs(flags['catch-up'] ?? '60s'),
    // Heap snapshots (v8.writeHeapSnapshot, in the working directory) after these samples, to compare.
    snapshotAt: flags['snapshot-at'] ? parseIntList(flags['snapshot-at']) : [],
  };
  const { buildApp } = await import('../dist/app.js');
  const { parseConfig } = await import('../dist/config/parse-config.js');
  const { createRedisClient } = await import('../dist/backend/redis/redis-connection.js');
  const { createBackend } = await import('../dist/backend/create-backend.js');
  const { systemClock } = await import('../dist/core/clock.js');
  const { silentLogger } = await import('../dist/observability/logger.js');

  const fakes = forkChild('fake-slack-pagerduty.mjs', [], { timeoutMs: 10_000 });
  const { slackUrl, pagerdutyUrl } = await fakes.message;
  const counts = () =>
    new Promise((resolve) => {
      const onMessage = (msg) => {
        if (msg?.type !== 'counts') return;
        fakes.child.off('message', onMessage);
        resolve(msg);
      };
      fakes.child.on('message', onMessage);
      fakes.child.send({ type: 'counts' });
    });

  const checkIds = Array.from({ length: cfg.checks }, (_, i) => `svc${i + 1}`);
  const config = benchConfig(parseConfig, checkIds, slackUrl);
  // PAGERDUTY_EVENTS_URL accepts https only; the fake is plain http on loopback, so the parsed
  // URL is swapped after validation. The client appends /v2/enqueue exactly as in production.
  config.env.pagerdutyEventsUrl = pagerdutyUrl;

  const logger = silentLogger();
  const prefix = `lifeboat-bench:incident-cycles:${randomBytes(4).toString('hex')}:`;
  const redis = createRedisClient(REDIS_URL, logger);
  const backend = createBackend(redis, prefix, { clock: systemClock, logger, retention: config.retention });
  // The monitor probes what the bench last drove: ok unless the check is mid-incident.
  const failing = new Set();
  const outcome = (checkId) => (failing.has(checkId) ? failure(checkId) : success(checkId));
  const probes = {
    http: async (spec) => outcome(checkIds.find((id) => spec.url.includes(`//${id}.`)) ?? 'svc1'),
    lagBatch: async () => new Map(),
    backup: async () => success('none'),
  };
  const app = buildApp({ config, logger, backend, probes });
  const gc = globalThis.gc;
  console.log(
    `incident-cycles bench: ${cpus().length} CPUs, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB, node ${process.version}, ` +
      `gc ${gc ? 'forced before each sample (--expose-gc)' : 'NOT forced (run node with --expose-gc)'}; ${cfg.n} cycles over ${cfg.checks} checks; ` +
      `Redis ${REDIS_URL} prefix ${prefix}`,
  );
  const samples = [];
  const sample = (cycles, lagMs) => {
    gc?.();
    const m = process.memoryUsage();
    samples.push({ cycles, rss: m.rss, heap: m.heapUsed, lagMs });
    const mib = (bytes) => (bytes / MiB).toFixed(1);
    console.log(
      `| ${cycles} | ${mib(m.rss)} | ${mib(batchPeak)} | ${mib(m.heapUsed)} | ${mib(m.heapTotal)} | ${mib(m.external)} | ${lagMs} |`,
    );
    batchPeak = 0;
    if (cfg.snapshotAt.includes(cycles)) console.log(`heap snapshot: ${writeHeapSnapshot(`incident-cycles-${cycles}.heapsnapshot`)}`);
  };
  let peakRss = 0;
  let batchPeak = 0; // highest RSS since the previous sample, gc or not
  const peakTimer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    peakRss = Math.max(peakRss, rss);
    batchPeak = Math.max(batchPeak, rss);
  }, 100);
  try {
    await app.start(0, '127.0.0.1');
    const leaseDeadline = Date.now() + 10_000;
    while ((await leaderGauge(app)) !== 1) {
      if (Date.now() > leaseDeadline) throw new Error('the app did not take the monitor lease within 10 s');
      await sleep(50);
    }
    console.log(
      '| cycles | RSS MiB | peak RSS since last sample MiB | heapUsed MiB | heapTotal MiB | external MiB | delivery catch-up ms |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    sample(0, 0);
    const started = Date.now();
    let done = 0;
    while (done < cfg.n) {
      const batch = Math.min(cfg.every, cfg.n - done);
      // One lane per check, so a check's results stay in order as the monitor applies them.
      await Promise.all(
        checkIds.map(async (checkId, lane) => {
          for (let k = lane; k < batch; k += checkIds.length) {
            failing.add(checkId);
            if (!(await app.engine.apply(failure(checkId)))) throw new Error(`${checkId}: failing result did not open an incident`);
            failing.delete(checkId);
            if (!(await app.engine.apply(success(checkId)))) throw new Error(`${checkId}: passing result did not resolve it`);
          }
        }),
      );
      done += batch;
      const lagMs = await caughtUp(app, counts, done, cfg.catchUpMs);
      sample(done, lagMs);
    }
    const seconds = (Date.now() - started) / 1000;
    const final = await counts();
    report(samples, cfg, peakRss, seconds, final);
    return 0;
  } finally {
    clearInterval(peakTimer);
    await app.stop();
    const cleaner = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    await deletePrefix(cleaner, prefix);
    await cleaner.quit();
    await endChild(fakes.child);
  }
}

async function leaderGauge(app) {
  return (await app.metrics.isLeader.get()).values[0]?.value ?? 0;
}

/** Waits until every incident is delivered: Slack outbox empty, a trigger and a resolve per cycle at PagerDuty. */
async function caughtUp(app, counts, cycles, timeoutMs) {
  const from = Date.now();
  for (;;) {
    const { counts: c } = await counts();
    const pending = await app.slack.bot.outbox.pending();
    if (pending === 0 && c.pagerduty.trigger >= cycles && c.pagerduty.resolve >= cycles) return Date.now() - from;
    if (Date.now() - from > timeoutMs) {
      throw new Error(
        `deliveries did not catch up within ${timeoutMs} ms: outbox ${pending}, PagerDuty ${JSON.stringify(c.pagerduty)} for ${cycles} cycles`,
      );
    }
    await sleep(20);
  }
}

function report(samples, cfg, peakRss, seconds, final) {
  const after = samples.filter((s) => s.cycles >= cfg.warmup);
  const slope = (key) => {
    if (after.length < 2) return NaN;
    // Least squares over the samples after warm-up, per 1,000 incidents.
    const xs = after.map((s) => s.cycles / 1000);
    const ys = after.map((s) => s[key] / MiB);
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    const num = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0);
    const den = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    return num / den;
  };
  const first = samples[0];
  const last = samples.at(-1);
  console.log(`${cfg.n} cycles in ${seconds.toFixed(1)} s (${(cfg.n / seconds).toFixed(0)} incidents/s, open + resolve, delivered)`);
  console.log(`Slack calls ${JSON.stringify(final.counts.slack)}; PagerDuty ${JSON.stringify(final.counts.pagerduty)}`);
  console.log(
    `RSS ${(first.rss / MiB).toFixed(1)} -> ${(last.rss / MiB).toFixed(1)} MiB, peak ${(peakRss / MiB).toFixed(1)} MiB; heapUsed ${(first.heap / MiB).toFixed(1)} -> ${(last.heap / MiB).toFixed(1)} MiB`,
  );
  console.log(
    `growth per 1,000 incidents after ${cfg.warmup} (least squares): RSS ${slope('rss').toFixed(2)} MiB, heapUsed ${slope('heap').toFixed(3)} MiB`,
  );
}

function benchConfig(parseConfig, checkIds, slackUrl) {
  const checks = checkIds
    .map(
      (id) => `
  - id: ${id}
    type: http
    url: https://${id}.example.com/health
    every: 1h
    severity: SEV2
    failAfter: 1
    recoverAfter: 1`,
    )
    .join('');
  const parsed = parseConfig(
    `slack:\n  channel: C0INCIDENTS\n  operators: [U0AAA]\n  approvers: [U0BBB]\npagerduty:\n  pageAt: SEV2\nmonitor: { leaseTtl: 15s }\nchecks:${checks}\n`,
    {
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: 'bench-secret',
      SLACK_API_URL: slackUrl,
      PAGERDUTY_ROUTING_KEY: 'R0BENCHROUTINGKEY0000000000000000',
      PAGERDUTY_EVENTS_URL: 'https://events.pagerduty.com',
      REDIS_URL,
    },
  );
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.config;
}

function failure(checkId) {
  return {
    checkId,
    startedAt: Date.now(),
    durationMs: 5,
    ok: false,
    severity: 'SEV2',
    summary: 'HTTP 503 (expected 200)',
    measurement: { kind: 'http', status: 503, url: `https://${checkId}.example.com/health` },
    error: { kind: 'unexpected-status', message: 'HTTP 503' },
  };
}

function success(checkId) {
  return {
    checkId,
    startedAt: Date.now(),
    durationMs: 5,
    ok: true,
    severity: null,
    summary: 'HTTP 200 in 5ms',
    measurement: { kind: 'http', status: 200, url: `https://${checkId}.example.com/health` },
  };
}

async function deletePrefix(redis, prefix) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
