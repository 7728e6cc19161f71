// /dr status bench: the check-state read one `/dr status` makes (readCheckStates, shared by its
// check lines and the DR posture), against a real Redis holding N checks, each with a committed
// state and a newer quiet pass (the leader's latest, as in a quiet fleet). Prints ms per call
// (median of --reps after one warm-up), how long another command on the same connection waits
// when sent during the read, and the Redis commands one call sends (MONITOR), for the
// batched read (getCheckStates: MGET + HMGET per chunk of ids) and, with --mode per-id, for the
// read before it (one GET + HGET pipeline per check, all at once).
// `npm run bench -- dr-status [--n 1000,20000] [--reps 7] [--mode per-id,batch] [--redis redis://127.0.0.1:6379/10]`
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { DEFAULT_KEY_PREFIX, redisKeys } from '../dist/backend/redis/keyspace.js';
import { CHECK_STATE_READ_CHUNK, RedisStore } from '../dist/backend/redis/redis-store.js';
import { initialCheckState } from '../dist/core/check-state.js';
import { readCheckStates } from '../dist/store/read-check-states.js';
import { UNFENCED } from '../dist/store/store.js';
import { parseFlags, parseIntList } from './lib/args.mjs';
import { fmt } from './lib/format.mjs';
import { claimBenchDb } from './lib/redis-bench-db.mjs';
import { startCommandCount } from './lib/redis-command-count.mjs';
import { percentile } from './lib/stats.mjs';

const MODES = {
  /** What `/dr status` does now. */
  batch: (store, ids) => readCheckStates(store, ids),
  /** readCheckStates before getCheckStates existed: every distinct id's getCheckState at once. */
  'per-id': async (store, ids) => new Map(await Promise.all([...new Set(ids)].map(async (id) => [id, await store.getCheckState(id)]))),
};

/** Writes per pipeline while seeding (the bench's own connection, not counted). */
const SEED_CHUNK = 1_000;

export async function main(argv) {
  const flags = parseFlags(argv, ['n', 'reps', 'mode', 'redis']);
  const counts = parseIntList(flags.n ?? '1000,20000');
  const reps = parseIntList(flags.reps ?? '7')[0];
  const modes = String(flags.mode ?? 'per-id,batch').split(',');
  for (const mode of modes) if (!(mode in MODES)) throw new Error(`--mode: one of ${Object.keys(MODES).join(', ')} (got "${mode}")`);
  const redisUrl = flags.redis ?? 'redis://127.0.0.1:6379/10';

  let db;
  try {
    db = await claimBenchDb(redisUrl);
  } catch (err) {
    console.error(err.message);
    return 2;
  }
  // The store's connection is its own, so MONITOR counts it and leaves out the bench's (seeding).
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const store = new RedisStore({ redis, keyPrefix: DEFAULT_KEY_PREFIX });
  const excludeAddr = `${db.redis.stream.localAddress}:${db.redis.stream.localPort}`;
  console.log(
    `dr-status: readCheckStates over N checks, each with a state and a newer quiet pass; median of ${reps} calls after 1 warm-up; chunk ${CHECK_STATE_READ_CHUNK} ids`,
  );
  const rows = [];
  try {
    for (const n of counts) {
      await db.empty();
      const bytes = await seed(db.redis, store, n);
      const ids = Array.from({ length: n }, (_, i) => `check-${i}`);
      let reference = null;
      for (const mode of modes) {
        const read = MODES[mode];
        const answer = await read(store, ids); // warm-up, and the answer both modes must agree on
        const text = JSON.stringify([...answer].sort(([a], [b]) => (a < b ? -1 : 1)));
        reference ??= text;
        const times = [];
        for (let r = 0; r < reps; r++) {
          const began = performance.now();
          await read(store, ids);
          times.push(performance.now() - began);
        }
        // Another request's command on the same connection, sent once the read is under way:
        // how long it waits behind the read (a /dr incidents, a commit on a replica's client).
        const pings = [];
        for (let r = 0; r < reps; r++) {
          const reading = read(store, ids);
          await new Promise((resolve) => setImmediate(resolve));
          const began = performance.now();
          await redis.ping();
          pings.push(performance.now() - began);
          await reading;
        }
        // Counted in a call of its own: MONITOR slows Redis, so it stays out of the timed calls.
        const counter = await startCommandCount({ url: redisUrl, db: db.db, excludeAddr });
        await read(store, ids);
        await db.redis.ping(); // on the excluded connection: Redis has streamed the call's commands by its reply
        await new Promise((resolve) => setTimeout(resolve, 100));
        const commands = counter.stop();
        const sorted = Float64Array.from(times).sort();
        rows.push({
          n,
          mode,
          bytes,
          p50: percentile(sorted, 50),
          min: sorted[0],
          max: sorted[sorted.length - 1],
          commands,
          ping: percentile(Float64Array.from(pings).sort(), 50),
          same: text === reference,
        });
      }
    }
  } finally {
    await redis.quit().catch(() => redis.disconnect());
    await db.release();
  }

  console.log('\n| checks | read   | ms/call (median) | min – max ms | PING during it (median) | Redis commands per call | same answer |');
  console.log('| -----: | ------ | ---------------: | -----------: | ----------------------: | ----------------------- | ----------- |');
  for (const row of rows) {
    const byCommand = [...row.commands.byCommand].map(([name, count]) => `${count.toLocaleString('en-US')} ${name.toUpperCase()}`);
    console.log(
      `| ${row.n.toLocaleString('en-US').padStart(6)} | ${row.mode.padEnd(6)} | ${fmt(row.p50, 1).padStart(16)} | ${`${fmt(row.min, 1)} – ${fmt(row.max, 1)}`.padStart(12)} | ${`${fmt(row.ping, 1)} ms`.padStart(23)} | ${`${row.commands.client.toLocaleString('en-US')} (${byCommand.join(' + ')})`.padEnd(23)} | ${row.same ? 'yes' : 'NO'.padEnd(11)} |`,
    );
  }
  const [first] = rows;
  if (first)
    console.log(`\nstored per check: ${fmt(first.bytes.state, 0)} bytes of state JSON + ${fmt(first.bytes.pass, 0)} of quiet pass JSON`);
  return rows.every((row) => row.same) ? 0 : 1;
}

/** N checks as a quiet fleet leaves them: a committed state, and a newer quiet pass over it. */
async function seed(bench, store, n) {
  const keys = redisKeys(DEFAULT_KEY_PREFIX);
  const at = Date.now() - 60_000;
  const result = (checkId, startedAt) => ({
    checkId,
    startedAt,
    durationMs: 12,
    ok: true,
    severity: null,
    summary: 'HTTP 200 in 12ms',
    measurement: { kind: 'http', status: 200, url: `https://service-${checkId}.example.com/health` },
  });
  let stateBytes = 0;
  for (let start = 0; start < n; start += SEED_CHUNK) {
    const pipeline = bench.pipeline();
    for (let i = start; i < Math.min(n, start + SEED_CHUNK); i++) {
      const id = `check-${i}`;
      const json = JSON.stringify({ ...initialCheckState(id), consecutiveSuccesses: 3, lastResult: result(id, at) });
      stateBytes += json.length;
      pipeline.set(keys.checkState(id), json);
    }
    await pipeline.exec();
  }
  const passes = Array.from({ length: n }, (_, i) => ({
    checkId: `check-${i}`,
    result: result(`check-${i}`, at + 10_000),
    consecutiveSuccesses: 4,
  }));
  const outcome = await store.recordQuietPasses({ fence: UNFENCED, passes });
  if (outcome !== 'committed') throw new Error(`seeding quiet passes: ${outcome}`);
  const passBytes = passes.reduce((sum, pass) => sum + JSON.stringify(pass).length, 0);
  return { state: stateBytes / n, pass: passBytes / n };
}
