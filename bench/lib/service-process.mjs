// `lifeboat start` as a child process for a bench: a generated config of N HTTP checks, the
// environment of a Redis-backed replica with Slack and PagerDuty off, its /metrics scraped over
// HTTP as Prometheus would, and a graceful stop (SIGTERM) at the end.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli.js');
/** SPEC: SIGTERM exits 0 within 10 s; a little more before the bench calls it hung. */
const STOP_LIMIT_MS = 12_000;

/** The URL of check i: distinct per check, spread round-robin over the target ports. */
export const checkUrl = (ports, i) => `http://127.0.0.1:${ports[i % ports.length]}/health/${i}`;

/**
 * A config of `n` HTTP checks `every` apart (YAML; every value is plain, so no quoting is needed).
 * `failingPercent` of them (spread evenly) expect HTTP 201 from targets that answer 200: they fail
 * on every run, so each keeps an open incident, as a real fleet's few broken checks do.
 */
export function serviceConfigYaml({ n, ports, every, timeout, concurrency, failingPercent = 0 }) {
  const lines = ['monitor:', `  concurrency: ${concurrency}`, 'checks:'];
  const failingEvery = failingPercent > 0 ? Math.round(100 / failingPercent) : 0;
  for (let i = 0; i < n; i++) {
    const status = failingEvery > 0 && i % failingEvery === 0 ? 201 : 200;
    lines.push(
      `  - id: bench-${i}`,
      '    type: http',
      `    url: ${checkUrl(ports, i)}`,
      `    every: ${every}`,
      `    timeout: ${timeout}`,
      `    expect: { status: [${status}], bodyContains: '"status":"ok"' }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the config into a fresh temporary directory; `remove()` deletes it. */
export function writeServiceConfig(options) {
  const dir = mkdtempSync(join(tmpdir(), 'lifeboat-bench-service-'));
  const path = join(dir, 'lifeboat.yaml');
  writeFileSync(path, serviceConfigYaml(options));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A TCP port free right now on 127.0.0.1 (another process could take it before the service does). */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Thrown when the service does not come up, dies, or does not stop cleanly: the bench fails. */
export class ServiceFailure extends Error {}

/**
 * Spawns `node dist/cli.js start --config <path>` (or another build's `cli`) with only the environment it needs (no Slack,
 * PagerDuty or AWS variables leak in from the bench's), JSON logs at `logLevel`, and `nodeOptions` as
 * NODE_OPTIONS when given (what a deployment sets, such as deploy/k8s/base's heap cap).
 */
export function spawnService({ configPath, port, redisUrl, logLevel, nodeOptions = '', cli = CLI }) {
  const child = spawn(process.execPath, [cli, 'start', '--config', configPath], {
    env: {
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      REDIS_URL: redisUrl,
      LIFEBOAT_PORT: String(port),
      LOG_LEVEL: logLevel,
      LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = { count: 0, head: [], tail: [] };
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      log.count++;
      if (log.head.length < 5) log.head.push(line);
      log.tail.push(line);
      if (log.tail.length > 20) log.tail.shift();
    });
  }
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let exit = null;
  exited.then((e) => (exit = e));
  return {
    pid: child.pid,
    port,
    log,
    /** null while it runs, else { code, signal }. */
    exit: () => exit,
    exited,
    /** SIGTERM, then waits for the exit (SIGKILL past the limit); { code, signal, ms, killed }. */
    async stop() {
      if (exit) return { ...exit, ms: 0, killed: false };
      const started = performance.now();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_LIMIT_MS);
      const result = await exited;
      clearTimeout(timer);
      return { ...result, ms: performance.now() - started, killed: result.signal === 'SIGKILL' };
    },
  };
}

/**
 * GET http://127.0.0.1:<port><path>: { status, body, bytes, wireBytes, ms } (ms: request sent to
 * body read). With `gzip`, asks for it as Prometheus does (Accept-Encoding: gzip) and inflates the
 * body after `ms` is taken: Prometheus's scrape duration ends when the body is in, too.
 */
export function get(port, path, timeoutMs = 30_000, { gzip = false } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const headers = gzip ? { 'accept-encoding': 'gzip' } : {};
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const ms = performance.now() - started;
        const wire = Buffer.concat(chunks);
        const body = res.headers['content-encoding'] === 'gzip' ? gunzipSync(wire) : wire;
        resolve({ status: res.statusCode, body: body.toString('utf8'), bytes: body.length, wireBytes: wire.length, ms });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} took over ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Waits until the service answers /healthz and reports itself the monitor leader on /metrics
 * (its checks run only then). Fails as soon as the process exits, or after `timeoutMs`.
 */
export async function waitUntilLeading(service, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  let stage = 'answer GET /healthz';
  while (performance.now() < deadline) {
    const exit = service.exit();
    if (exit) throw new ServiceFailure(`the service exited (code ${exit.code}, signal ${exit.signal}) before it could ${stage}`);
    try {
      if (stage === 'answer GET /healthz') {
        if ((await get(service.port, '/healthz', 2_000)).status === 200) stage = 'become the monitor leader';
      } else {
        const { status, body } = await get(service.port, '/metrics');
        if (status === 200 && /^lifeboat_monitor_leader 1$/m.test(body)) return;
      }
    } catch {
      // Not listening yet: try again.
    }
    await sleep(250);
  }
  throw new ServiceFailure(`the service did not ${stage} within ${timeoutMs} ms`);
}
