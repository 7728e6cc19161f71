// Fails fast, with the fix, when the test suite lacks what its real integrations need:
// a Redis server (store, approvals, queues) and Debian's chromium (status page in a real browser).
import { existsSync } from 'node:fs';
import net from 'node:net';

const problems = [];

const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const host = url.hostname || '127.0.0.1';
const port = Number(url.port || 6379);
const redisReachable = await new Promise((resolve) => {
  const socket = net.connect({ host, port });
  socket.setTimeout(2000);
  socket.once('connect', () => { socket.end(); resolve(true); });
  socket.once('timeout', () => { socket.destroy(); resolve(false); });
  socket.once('error', () => resolve(false));
});
if (!redisReachable) {
  problems.push(`Redis at ${host}:${port} (set REDIS_URL to use another) cannot be reached. Start one, for example:
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
or with Docker:
  docker run -d -p 6379:6379 redis:7`);
}

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  problems.push(`Chromium is not at ${chromium} (set CHROMIUM_PATH to use another). On Debian/Ubuntu:
  sudo apt-get update && sudo apt-get install -y chromium`);
}

if (problems.length > 0) {
  console.error(`lifeboat tests need real parts that are missing:\n\n${problems.map((p) => `- ${p}`).join('\n\n')}`);
  process.exit(1);
}
