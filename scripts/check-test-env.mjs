// Prepares what the test suite's real integrations need, or stops with the exact fix:
// a Redis server (store, approvals, queues), Debian's chromium (status page in a real browser) and kubectl (Kubernetes kit).
// Where this machine can provide them (a local Redis URL and redis-server installed; root with apt
// for chromium, as on CI), it does so and says what it did; elsewhere it prints the command to run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const problems = [];
const say = (line) => console.log(`test setup: ${line}`);

const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const host = url.hostname || '127.0.0.1';
const port = Number(url.port || 6379);
const isLocal = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Whether a TCP connection to Redis opens within `timeoutMs`. */
function reachable(timeoutMs) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: host.replace(/^\[|\]$/g, ''), port });
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Runs a set-up command with its output shown; true when it exited 0. */
function run(command, args) {
  say(`$ ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
}

let aptUpdated = false;
function aptInstall(pkg) {
  if (!isRoot || !onPath('apt-get')) return false;
  if (!aptUpdated) aptUpdated = run('apt-get', ['update', '-qq']);
  return aptUpdated && run('apt-get', ['install', '-y', '-qq', pkg]);
}

// How long Redis gets to answer, all tries together: an unroutable REDIS_URL hangs each
// connection attempt, so the bound is on the total, not on the number of tries.
const REDIS_WAIT_MS = 10_000; // 10 seconds
/** One connection attempt's longest wait. */
const REDIS_TRY_MS = 2_000; // 2 seconds

let announced = false;
function announceWait() {
  if (announced) return;
  announced = true;
  say(
    `waiting up to ${REDIS_WAIT_MS / 1000} s for Redis at ${host}:${port} (${process.env.REDIS_URL ? 'REDIS_URL' : 'the default; set REDIS_URL to use another'})`,
  );
}

/** Tries Redis until it answers or `deadline` (ms since the epoch) passes. */
async function waitForRedis(deadline) {
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    if (await reachable(Math.min(REDIS_TRY_MS, left))) return true;
    await new Promise((resolve) => setTimeout(resolve, Math.min(100, Math.max(0, deadline - Date.now()))));
  }
}

let deadline = Date.now() + REDIS_WAIT_MS;
// Said at once unless Redis answers at once, so a slow or unroutable REDIS_URL is never a silent pause.
const quietUntilSlow = setTimeout(announceWait, 250);
const redisUp = await reachable(REDIS_TRY_MS);
clearTimeout(quietUntilSlow);
if (!redisUp) {
  announceWait();
  const startCommand = `redis-server --daemonize yes --bind 127.0.0.1 -::1 --port ${port} --save "" --appendonly no`;
  const settingUpSince = Date.now();
  if (isLocal && !onPath('redis-server')) {
    say("Redis is not installed; installing Debian's redis-server");
    aptInstall('redis-server');
  }
  if (isLocal && onPath('redis-server')) {
    // Nothing is persisted: the suite's keys are throwaway, and a stale dump must not be loaded.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeboat-test-redis-'));
    say(`Redis is not running on ${host}:${port}; starting one (data in ${dir}, nothing saved)`);
    run('redis-server', [
      '--daemonize',
      'yes',
      '--bind',
      '127.0.0.1',
      '-::1',
      '--port',
      String(port),
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ]);
  }
  // Installing and starting are not waiting for Redis: they do not use up its time.
  deadline += Date.now() - settingUpSince;
  if (!(await waitForRedis(deadline))) {
    problems.push(`Redis at ${host}:${port} (set REDIS_URL to use another) did not answer within ${REDIS_WAIT_MS / 1000} s. Start one, for example:
  ${startCommand}
or with Docker:
  docker run -d -p ${port}:6379 redis:7`);
  }
}

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium) && !process.env.CHROMIUM_PATH) {
  say("Chromium is not at /usr/bin/chromium; installing Debian's chromium (the status-page tests drive it)");
  aptInstall('chromium');
}
if (!existsSync(chromium)) {
  problems.push(`Chromium is not at ${chromium} (set CHROMIUM_PATH to use another). On Debian/Ubuntu:
  sudo apt-get update && sudo apt-get install -y chromium`);
}

// The Kubernetes kit's test renders it with the kustomize built into kubectl.
if (!onPath('kubectl')) {
  problems.push(`kubectl is not on PATH (the Kubernetes kit is rendered with \`kubectl kustomize\`, which needs kubectl 1.27
  or newer for kustomize v5). Install it from https://kubernetes.io/docs/tasks/tools/ (Debian's kubernetes-client is too old)`);
}

if (problems.length > 0) {
  console.error(`lifeboat tests need real parts that are missing:\n\n${problems.map((p) => `- ${p}`).join('\n\n')}`);
  process.exit(1);
}
