// Leader takeover: two replicas on one Redis; the leader is killed with SIGKILL (no release,
// no goodbye) and we time how long until the standby is elected and probes, and the longest
// gap between two probes of one check across the takeover. Prints the median of several runs.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { parseDurationMs, parseFlags } from './lib/args.mjs';
import { percentile } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const KNOWN = ['runs', 'lease', 'every', 'checks', 'redis'];

function startReplica(name, cfg, events) {
  const child = fork(join(here, 'lib', 'leader-replica.mjs'), [JSON.stringify({ ...cfg, name })], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.on('message', (msg) => events.push({ ...msg, who: name }));
  return child;
}

async function waitFor(probe, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  if (child.connected) child.disconnect();
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Longest gap between consecutive probes of one check (both replicas together), in the window. */
function longestGap(events, checks, from, to) {
  let worst = { gapMs: 0, check: '' };
  for (let i = 0; i < checks; i++) {
    const times = events
      .filter((e) => e.type === 'probe' && e.check === `c${i}` && e.at >= from && e.at <= to)
      .map((e) => e.at)
      .sort((a, b) => a - b);
    for (let k = 1; k < times.length; k++)
      if (times[k] - times[k - 1] > worst.gapMs) worst = { gapMs: times[k] - times[k - 1], check: `c${i}` };
  }
  return worst;
}

async function oneRun(run, opts) {
  const keyPrefix = `lifeboat-bench:leader:${randomBytes(4).toString('hex')}:`;
  const cfg = { redisUrl: opts.redisUrl, keyPrefix, leaseTtlMs: opts.leaseMs, everyMs: opts.everyMs, checks: opts.checks };
  const events = [];
  const replicas = { a: startReplica('a', cfg, events) };
  try {
    const first = await waitFor(() => events.find((e) => e.type === 'elected leader'), opts.leaseMs * 2, 'a leader');
    replicas.b = startReplica('b', cfg, events);
    await waitFor(() => events.find((e) => e.type === 'started' && e.who === 'b'), 30_000, 'the standby to start');
    // Kill at a random phase of the leader's renewals, as a crash would.
    await sleep(opts.everyMs * 3 + Math.random() * (opts.leaseMs / 3));
    const leader = first.who;
    const standby = leader === 'a' ? 'b' : 'a';
    const killedAt = Date.now();
    replicas[leader].kill('SIGKILL');
    // When the dead leader's lease lapses in Redis: no successor can be elected before that.
    const admin = new Redis(opts.redisUrl);
    const lapseAt = Date.now() + (await admin.pttl(`${keyPrefix}lease:monitor`));
    await admin.quit();
    const elected = await waitFor(
      () => events.find((e) => e.type === 'elected leader' && e.who === standby),
      opts.leaseMs * 3,
      'the standby elected',
    );
    const firstProbe = await waitFor(
      () => events.find((e) => e.type === 'probe' && e.who === standby && e.at >= elected.at),
      opts.everyMs * 3,
      'the standby probing',
    );
    // Every check probed by the standby at least once, then a little more, so the gaps are closed.
    await waitFor(
      () => new Set(events.filter((e) => e.type === 'probe' && e.who === standby).map((e) => e.check)).size === opts.checks,
      opts.everyMs * 3,
      'every check probed',
    );
    await sleep(opts.everyMs);
    const gap = longestGap(events, opts.checks, killedAt - opts.everyMs * 2, Date.now());
    const result = {
      run,
      lapseMs: lapseAt - killedAt,
      afterLapseMs: elected.at - lapseAt,
      electedMs: elected.at - killedAt,
      firstProbeMs: firstProbe.at - killedAt,
      longestGapMs: gap.gapMs,
    };
    console.log(
      `run ${run}: lease lapsed ${result.lapseMs} ms after SIGKILL; standby elected ${result.electedMs} ms after it (${result.afterLapseMs} ms after the lapse), ` +
        `first probe at ${result.firstProbeMs} ms, longest gap between probes of one check ${result.longestGapMs} ms (${gap.check})`,
    );
    return result;
  } finally {
    await Promise.all(Object.values(replicas).map(stop));
    const redis = new Redis(opts.redisUrl);
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  }
}

export async function main(argv) {
  const flags = parseFlags(argv, KNOWN);
  const opts = {
    runs: Number(flags.runs ?? 5),
    leaseMs: parseDurationMs(flags.lease ?? '15s'),
    everyMs: parseDurationMs(flags.every ?? '1s'),
    checks: Number(flags.checks ?? 5),
    redisUrl: flags.redis ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
  console.log(
    `leader takeover: ${opts.runs} runs, lease ${opts.leaseMs} ms, ${opts.checks} checks every ${opts.everyMs} ms, Redis ${opts.redisUrl.replace(/\/\/[^@]*@/, '//')}`,
  );
  const results = [];
  for (let run = 1; run <= opts.runs; run++) results.push(await oneRun(run, opts));
  const median = (key) =>
    percentile(
      results.map((r) => r[key]).sort((x, y) => x - y),
      50,
    );
  const range = (key) => `${Math.min(...results.map((r) => r[key]))}–${Math.max(...results.map((r) => r[key]))}`;
  console.log('');
  console.log('| figure | median | range |');
  console.log('| --- | ---: | ---: |');
  console.log(`| SIGKILL → the dead leader's lease lapses | ${median('lapseMs')} ms | ${range('lapseMs')} ms |`);
  console.log(`| lease lapse → standby elected | ${median('afterLapseMs')} ms | ${range('afterLapseMs')} ms |`);
  console.log(`| SIGKILL → standby elected | ${median('electedMs')} ms | ${range('electedMs')} ms |`);
  console.log(`| SIGKILL → standby's first probe | ${median('firstProbeMs')} ms | ${range('firstProbeMs')} ms |`);
  console.log(`| longest gap between probes of one check | ${median('longestGapMs')} ms | ${range('longestGapMs')} ms |`);
  return 0;
}
