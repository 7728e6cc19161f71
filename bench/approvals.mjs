// Approvals bench: N concurrent Approve attempts on one request, spread over two replicas (two
// ApprovalEngines, each with its own Redis connection and RedisApprovalStore on one key prefix),
// repeated R times. Prints executions per request (must be exactly 1 every time) and the approval
// decision latency (call to answer of engine.approve) p50/p99.
// `npm run bench -- approvals [--attempts 1000] [--rounds 100] [--approvals 1] [--approvers 20]`
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { ApprovalEngine } from '../dist/approvals/approval-engine.js';
import { RedisApprovalStore } from '../dist/backend/redis/redis-approval-store.js';
import { silentLogger } from '../dist/observability/logger.js';
import { systemClock } from '../dist/core/clock.js';
import { parseFlags } from './lib/args.mjs';
import { summarize } from './lib/stats.mjs';

const FLAGS = ['attempts', 'rounds', 'approvals', 'approvers'];
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function main(argv) {
  const flags = parseFlags(argv, FLAGS);
  const cfg = {
    attempts: positive(flags.attempts ?? '1000', 'attempts'),
    rounds: positive(flags.rounds ?? '100', 'rounds'),
    approvals: positive(flags.approvals ?? '1', 'approvals'), // distinct approvers needed
    approvers: positive(flags.approvers ?? '20', 'approvers'), // distinct users clicking
  };
  if (cfg.approvers < cfg.approvals) throw new Error('--approvers must be at least --approvals');

  const keyPrefix = `lifeboat-bench:approvals:${randomBytes(4).toString('hex')}:`;
  const connections = [newClient(), newClient()];
  try {
    await Promise.all(connections.map((c) => c.ping()));
  } catch (err) {
    connections.forEach((c) => c.disconnect());
    console.error(
      `cannot reach Redis at ${REDIS_URL} (${err.message}); start one, e.g.\n` +
        '  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\n' +
        'or set REDIS_URL',
    );
    return 2;
  }
  const serverVersion = /redis_version:(\S+)/.exec(await connections[0].info('server'))?.[1] ?? '?';
  console.log(
    `approvals bench: ${cpus().length} CPUs, node ${process.version}, Redis ${serverVersion} at ${REDIS_URL}; ` +
      `${cfg.attempts} concurrent approve attempts x ${cfg.rounds} rounds over 2 replicas; ` +
      `approvals: ${cfg.approvals}, ${cfg.approvers} distinct approvers clicking`,
  );

  const approvers = Array.from({ length: cfg.approvers }, (_, i) => `U-APPROVER-${i}`);
  const executions = new Map(); // approval id -> executions started, over both replicas
  const replicas = connections.map((redis, i) => {
    const engine = new ApprovalEngine({
      store: new RedisApprovalStore({ redis, keyPrefix }),
      clock: systemClock,
      logger: silentLogger(),
      instanceId: `bench-replica-${i}`,
      policy: { approvers, requiredApprovals: cfg.approvals, ttlMs: 15 * 60_000 },
    });
    engine.onExecute(async (approval, control) => {
      executions.set(approval.id, (executions.get(approval.id) ?? 0) + 1);
      await control.started();
      await control.succeeded('bench run');
    });
    return engine;
  });

  const latenciesMs = [];
  const winnerLatenciesMs = [];
  const perRequest = [];
  let wrong = 0;
  const started = performance.now();
  try {
    for (let round = 0; round < cfg.rounds; round += 1) {
      const request = await replicas[0].request(benchPlan(round), 'U-REQUESTER');
      if (!request.ok) throw new Error(`request refused: ${request.message}`);
      const id = request.approval.id;
      const attempts = Array.from({ length: cfg.attempts }, async (_, i) => {
        const t0 = performance.now();
        const result = await replicas[i % 2].approve(id, approvers[i % approvers.length]);
        const ms = performance.now() - t0;
        latenciesMs.push(ms);
        if (result.ok && result.executing) winnerLatenciesMs.push(ms);
      });
      await Promise.all(attempts);
      await Promise.all(replicas.map((r) => r.whenIdle()));
      const count = executions.get(id) ?? 0;
      perRequest.push(count);
      if (count !== 1) {
        wrong += 1;
        console.log(`  round ${round + 1}: ${id} executed ${count} times`);
      }
    }
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
    await deleteKeys(connections[0], keyPrefix);
    await Promise.all(connections.map((c) => c.quit()));
  }
  const wallS = (performance.now() - started) / 1000;

  const all = summarize(latenciesMs);
  const winners = summarize(winnerLatenciesMs);
  console.log(
    `\nexecutions per request: min ${Math.min(...perRequest)}, max ${Math.max(...perRequest)} ` +
      `over ${perRequest.length} requests (${wrong} not exactly 1)`,
  );
  console.log(`decision latency, all ${all.count} attempts: p50 ${fmt(all.p50)} ms, p99 ${fmt(all.p99)} ms, max ${fmt(all.max)} ms`);
  console.log(`decision latency, the ${winners.count} executing clicks: p50 ${fmt(winners.p50)} ms, p99 ${fmt(winners.p99)} ms`);
  console.log(`throughput: ${fmt((cfg.attempts * cfg.rounds) / wallS, 0)} approve decisions/s (${fmt(wallS)} s wall)`);
  console.log(wrong === 0 ? '\nPASS: every request executed exactly once' : `\nFAIL: ${wrong} requests did not execute exactly once`);
  return wrong === 0 ? 0 : 1;
}

function newClient() {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2_000, lazyConnect: false });
}

/** A plan as the actions module would build it; a distinct id per round. */
function benchPlan(round) {
  return {
    id: `bench-plan-${round}`,
    request: { kind: 'restore', runbook: 'orders', dryRun: false, source: { type: 'latest' } },
    title: 'Restore orders from its latest restorable time',
    subject: 'orders',
    calls: [
      {
        id: 'restore',
        service: 'rds',
        operation: 'RestoreDBInstanceToPointInTime',
        region: 'us-east-1',
        input: { SourceDBInstanceIdentifier: 'orders-db', TargetDBInstanceIdentifier: `orders-db-bench-${round}` },
        description: 'Restore orders-db to a new instance',
      },
    ],
    preflight: [{ name: 'restore window', ok: true, observed: 'latest', requirement: 'within the window' }],
    resources: ['runbook:restore:orders', `rds:us-east-1:instance:orders-db-bench-${round}`],
    destructive: false,
    warnings: [],
    createdAt: Date.now(),
  };
}

async function deleteKeys(redis, prefix) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

function positive(text, name) {
  const n = Number(String(text).replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive whole number, got "${text}"`);
  return n;
}

function fmt(n, digits = 2) {
  return Number.isFinite(n) ? n.toFixed(digits) : String(n);
}
