// Child process: loopback HTTP health targets for benches. Prints nothing; reports its ports
// over IPC and exits when the parent disconnects, so it never outlives the bench.
import { createServer } from 'node:http';

const count = Number(process.argv[2] ?? 4);
const delayMs = Number(process.argv[3] ?? 0);
const body = JSON.stringify({ status: 'ok', service: 'bench-target' });

function handle(req, res) {
  const reply = () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (delayMs > 0) setTimeout(reply, delayMs);
  else reply();
}

const servers = await Promise.all(
  Array.from({ length: count }, () => {
    const server = createServer({ keepAliveTimeout: 60_000 }, handle);
    return new Promise((resolve) => server.listen(0, '127.0.0.1', 1024, () => resolve(server)));
  }),
);
process.send({ ports: servers.map((s) => s.address().port) });
process.on('disconnect', () => process.exit(0));
