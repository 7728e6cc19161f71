// Readiness bench: one evaluation of every runbook's pre-flight (the leader's cycle and
// `/dr readiness`) for N runbooks, half failover (replica + DNS record) and half restore (latest
// restorable time), spread over two regions and two hosted zones, against a loopback AWS that
// answers after --latency. Prints evaluation time (p50/max over --cycles) and AWS calls per cycle
// by action, batched (what Lifeboat does) and, for comparison, through the request path's own
// per-resource gateways (one describe per check). Each plan that passes is held to the display
// check, as in the product (its Slack messages are drawn).
// `npm run bench -- readiness [--runbooks 50] [--cycles 10] [--latency 20ms]`
import { performance } from 'node:perf_hooks';
import { ActionPlanner } from '../dist/actions/action-planner.js';
import { storeLagSource } from '../dist/actions/lag-source.js';
import { AwsClients } from '../dist/aws/aws-clients.js';
import { SdkRdsGateway } from '../dist/aws/rds-gateway-sdk.js';
import { planDisplayRefusal } from '../dist/bot/approvals/blocks/plan-display-refusal.js';
import { SdkRoute53Gateway } from '../dist/aws/route53-gateway-sdk.js';
import { MemoryStore } from '../dist/backend/memory/memory-store.js';
import { parseConfig } from '../dist/config/parse-config.js';
import { systemClock } from '../dist/core/clock.js';
import { silentLogger } from '../dist/observability/logger.js';
import { Metrics } from '../dist/observability/metrics.js';
import { ReadinessEvaluator } from '../dist/readiness/readiness-evaluator.js';
import { evaluateRunbook } from '../dist/readiness/runbook-readiness.js';
import { parseDurationMs, parseFlags } from './lib/args.mjs';
import { startFakeAws } from './lib/fake-aws.mjs';
import { summarize } from './lib/stats.mjs';

const REGIONS = ['us-east-1', 'us-west-2'];
const ZONES = ['Z0FAKE1', 'Z0FAKE2'];

export async function main(argv) {
  const flags = parseFlags(argv, ['runbooks', 'cycles', 'latency']);
  const n = Number(flags.runbooks ?? '50');
  const cycles = Number(flags.cycles ?? '10');
  const latencyMs = parseDurationMs(flags.latency ?? '20ms');
  if (!Number.isInteger(n) || n < 2 || !Number.isInteger(cycles) || cycles < 1) throw new Error('--runbooks >= 2 and --cycles >= 1');

  const now = Date.now();
  const instances = new Map(REGIONS.map((r) => [r, new Map()]));
  const backups = new Map(REGIONS.map((r) => [r, new Map()]));
  const zones = new Map(ZONES.map((z) => [z, []]));
  const failover = {};
  const restore = {};
  for (let i = 0; i < n; i++) {
    const region = REGIONS[Math.floor(i / 2) % REGIONS.length];
    if (i % 2 === 0) {
      const zone = ZONES[Math.floor(i / 4) % ZONES.length];
      const name = `db-${i}.example.com`;
      instances.get(region).set(`replica-${i}`, { status: 'available', replicaSource: `primary-${i}` });
      zones.get(zone).push({ name: `${name}.`, type: 'CNAME', ttl: 60, values: [`primary-${i}.abc.rds.amazonaws.com`] });
      failover[`fo-${i}`] = {
        region,
        promote: { dbInstance: `replica-${i}` },
        dns: { hostedZoneId: zone, name, type: 'CNAME', value: `replica-${i}.abc.rds.amazonaws.com`, ttl: 60 },
      };
    } else {
      instances.get(region).set(`db-${i}`, { status: 'available', latestRestorableTime: now - 120_000 });
      backups.get(region).set(`db-${i}`, { earliest: now - 7 * 86_400_000, latest: now - 120_000 });
      restore[`rs-${i}`] = { region, dbInstance: `db-${i}`, instanceClass: 'db.r6g.large' };
    }
  }
  for (const records of zones.values()) records.sort((a, b) => a.name.localeCompare(b.name));

  const aws = await startFakeAws({ instances, backups, zones, latencyMs });
  process.env.AWS_ENDPOINT_URL = aws.url;
  const clients = new AwsClients({ maxAttempts: 1, credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' } });
  try {
    const parsed = parseConfig(JSON.stringify({ runbooks: { failover, restore } }), {});
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const { config } = parsed;
    const store = new MemoryStore({ clock: systemClock });
    const evaluator = new ReadinessEvaluator({
      config,
      clients,
      store,
      clock: systemClock,
      metrics: new Metrics(),
      logger: silentLogger(),
      // As buildApp wires it: each plan that passes pre-flight is also drawn as its Slack messages.
      displayRefusal: planDisplayRefusal,
    });

    console.log(
      `readiness: ${n} runbooks (${Object.keys(failover).length} failover, ${Object.keys(restore).length} restore), ${REGIONS.length} regions, ${ZONES.length} zones, AWS latency ${latencyMs} ms, ${cycles} cycles`,
    );
    await evaluator.evaluate(); // warm-up: SDK clients, credentials, sockets
    aws.takeCounts();
    const batched = await measure(cycles, () => evaluator.evaluate(), aws);
    report('batched (readiness gateways)', batched, n);

    // The request path's gateways: what a cycle would cost planning each runbook on its own.
    const planner = new ActionPlanner({
      rds: new SdkRdsGateway(clients),
      route53: new SdkRoute53Gateway(() => clients.route53()),
      lag: storeLagSource(store),
      clock: systemClock,
      config,
      incidents: store,
    });
    const perRunbook = () =>
      Promise.all(
        evaluator.runbooks().map(({ kind, runbook }) => evaluateRunbook(planner, kind, runbook, { displayRefusal: planDisplayRefusal })),
      );
    const unbatched = await measure(cycles, async () => ({ runbooks: await perRunbook() }), aws);
    report('unbatched (request gateways)', unbatched, n);
    return 0;
  } finally {
    clients.destroy();
    await aws.close();
  }
}

async function measure(cycles, run, aws) {
  const times = [];
  let calls = null;
  let verdicts = null;
  for (let c = 0; c < cycles; c++) {
    const start = performance.now();
    const report = await run();
    times.push(performance.now() - start);
    calls = aws.takeCounts();
    verdicts = {};
    for (const r of report.runbooks) verdicts[r.status] = (verdicts[r.status] ?? 0) + 1;
  }
  return { time: summarize(times), calls, verdicts };
}

function report(label, { time, calls, verdicts }, n) {
  const total = Object.values(calls).reduce((a, b) => a + b, 0);
  console.log(`\n${label}`);
  console.log(`  evaluation time  p50 ${time.p50.toFixed(1)} ms, max ${time.max.toFixed(1)} ms`);
  console.log(
    `  AWS calls/cycle  ${total} (${(total / n).toFixed(2)} per runbook): ${Object.entries(calls)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  console.log(
    `  verdicts         ${Object.entries(verdicts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
}
