// Fails fast, with the fix, when the test suite cannot reach Redis (integration tests need a real one).
import net from 'node:net';

const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const host = url.hostname || '127.0.0.1';
const port = Number(url.port || 6379);

const reachable = await new Promise((resolve) => {
  const socket = net.connect({ host, port });
  socket.setTimeout(2000);
  socket.once('connect', () => { socket.end(); resolve(true); });
  socket.once('timeout', () => { socket.destroy(); resolve(false); });
  socket.once('error', () => resolve(false));
});

if (!reachable) {
  console.error(`lifeboat tests need Redis at ${host}:${port} (set REDIS_URL to use another) and cannot reach it.
Start one, for example:
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
or with Docker:
  docker run -d -p 6379:6379 redis:7`);
  process.exit(1);
}
