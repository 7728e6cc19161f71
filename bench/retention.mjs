// Retention bench: Redis bytes per incident before and after retention. N incident cycles (open,
// `--flaps` severity changes, resolve) through the real IncidentEngine on a RedisStore under a
// fresh key prefix, on the Redis at REDIS_URL; then each resolved incident compacted and given
// its expiry (IncidentRetention.onResolved, as the app does on resolve); then a sweep as if the
// retention had passed. Prints MEMORY USAGE per incident (incident + events, plus its share of
// the recent index) and the INFO used_memory delta per incident at each stage.
// `npm run bench -- retention [--n 1000] [--flaps 4,200]`
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { IncidentEngine } from '../dist/incidents/incident-engine.js';
import { IncidentRetention } from '../dist/backend/redis/incident-retention.js';
import { RedisStore } from '../dist/backend/redis/redis-store.js';
import { silentLogger } from '../dist/observability/logger.js';
import { parseFlags, parseIntList } from './lib/args.mjs';

const FLAGS = ['n', 'flaps'];
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DAY = 86_400_000;

export async function main(argv) {
  const flags = parseFlags(argv, FLAGS);
  const n = Number(flags.n ?? '1000');
  const flapsList = parseIntList(flags.flaps ?? '4,200');
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    console.log(`retention bench: ${n} incidents per run, Redis ${(await redis.info('server')).match(/redis_version:(\S+)/)?.[1]}`);
    console.log('| flaps per incident | events kept | stage | MEMORY USAGE bytes/incident | used_memory delta bytes/incident |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const flaps of flapsList) await runOne(redis, n, flaps);
  } finally {
    redis.disconnect();
  }
  return 0;
}

async function runOne(redis, n, flaps) {
  const prefix = `lifeboat-bench:retention:${randomBytes(4).toString('hex')}:`;
  let now = Date.now();
  const clock = { now: () => now };
  const store = new RedisStore({ redis, keyPrefix: prefix });
  const engine = new IncidentEngine({
    store,
    clock,
    logger: silentLogger(),
    policies: new Map([['api', { failAfter: 1, recoverAfter: 1 }]]),
    fencing: { mode: 'unfenced' },
  });
  const retention = new IncidentRetention({
    redis,
    keyPrefix: prefix,
    policy: { incidentsMs: 400 * DAY, auditMs: 400 * DAY },
    clock,
    logger: silentLogger(),
  });
  const resolved = [];
  engine.subscribe((change) => {
    if (change.event?.type === 'resolved') resolved.push(change.incident);
  });
  const base = await usedMemory(redis);
  for (let i = 0; i < n; i++) {
    await engine.apply(result(false, 'SEV2', now));
    for (let f = 0; f < flaps; f++) {
      now += 1_000;
      await engine.apply(result(false, f % 2 === 0 ? 'SEV1' : 'SEV2', now));
    }
    now += 1_000;
    await engine.apply(result(true, null, now));
    now += 8_000;
  }
  const events = (await redis.llen(`${prefix}incident-events:INC-1`)) || 0;
  await report(redis, prefix, n, base, flaps, events, 'resolved, no retention (before)');
  for (const incident of resolved) await retention.onResolved(incident);
  const kept = (await redis.llen(`${prefix}incident-events:INC-1`)) || 0;
  await report(redis, prefix, n, base, flaps, kept, 'compacted, expiry set (after, while retained)');
  await retention.sweep(now + 401 * DAY);
  await report(redis, prefix, n, base, flaps, 0, 'past retention (after the sweep)');
  await deletePrefix(redis, prefix);
}

async function report(redis, prefix, n, base, flaps, events, stage) {
  let bytes = 0;
  for (const key of await keysOf(redis, prefix)) {
    if (key.endsWith('check:api') || key.endsWith('incident-seq')) continue; // per check, not per incident
    bytes += (await redis.memory('USAGE', key, 'SAMPLES', '0')) ?? 0;
  }
  const delta = (await usedMemory(redis)) - base;
  console.log(`| ${flaps} | ${events} | ${stage} | ${Math.round(bytes / n)} | ${Math.round(delta / n)} |`);
}

async function usedMemory(redis) {
  return Number((await redis.info('memory')).match(/used_memory:(\d+)/)?.[1] ?? 0);
}

async function keysOf(redis, prefix) {
  const keys = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

async function deletePrefix(redis, prefix) {
  const keys = await keysOf(redis, prefix);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
}

function result(ok, severity, at) {
  return {
    checkId: 'api',
    startedAt: at,
    durationMs: 5,
    ok,
    severity,
    summary: ok ? 'HTTP 200 in 5ms' : 'HTTP 503 (expected 200)',
    measurement: { kind: 'http', status: ok ? 200 : 503, url: 'https://api.example.com/health' },
    ...(ok ? {} : { error: { kind: 'unexpected-status', message: 'HTTP 503' } }),
  };
}
