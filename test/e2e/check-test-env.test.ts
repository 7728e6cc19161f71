import { spawn } from 'node:child_process';
import net from 'node:net';
import { expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

/** A port nothing listens on (free a moment ago). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

it("npm test's set-up says at once that it waits for an unreachable Redis, and for how long, then prints how to get one", async () => {
  // Not a local address to the script (127.0.0.1, localhost, ::1), so it starts no redis-server of its own.
  const port = await freePort();
  const child = spawn(process.execPath, ['scripts/check-test-env.mjs'], {
    cwd: ROOT,
    // CHROMIUM_PATH: any file that exists, so nothing is installed.
    env: { PATH: process.env.PATH ?? '', REDIS_URL: `redis://127.0.0.2:${port}`, CHROMIUM_PATH: process.execPath },
  });
  let stdout = '';
  let stderr = '';
  let firstLineAt: number | null = null;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    firstLineAt ??= Date.now();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const closedAt = Date.now();

  expect(stdout.split('\n')[0]).toBe(`test setup: waiting up to 10 s for Redis at 127.0.0.2:${port} (REDIS_URL)`);
  // Said when the wait begins, not when it ends: most of the 10 s were still to come (a slower
  // machine only widens the gap; the script's wait is measured on the clock).
  expect(closedAt - (firstLineAt ?? closedAt)).toBeGreaterThan(5_000);
  expect(code).toBe(1);
  expect(stderr).toContain(
    `- Redis at 127.0.0.2:${port} (set REDIS_URL to use another) did not answer within 10 s. Start one, for example:\n` +
      `  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port ${port} --save "" --appendonly no\n` +
      'or with Docker:\n' +
      `  docker run -d -p ${port}:6379 redis:7`,
  );
}, 30_000);
