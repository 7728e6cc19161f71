#!/usr/bin/env node
// An example validation webhook for Lifeboat's restore drills (README "Restore drills"):
// Lifeboat POSTs {"endpoint", "port", "engine", "drill", "runId"} once the restored copy accepts
// TCP; this server runs VALIDATE_COMMAND against it and answers 2xx (valid) or 422 (not valid,
// with the command's last output, which Lifeboat quotes in the drill's report).
//
//   LIFEBOAT_DRILL_TOKEN=… VALIDATE_COMMAND='psql "host=$DB_HOST port=$DB_PORT dbname=orders user=drill_ro" \
//     -tAc "select count(*) > 0 from orders where created_at > now() - interval '\''1 day'\''" | grep -qx t' \
//     node examples/validate-restore-webhook.mjs
//
// Environment:
//   PORT                     where to listen (default 8080)
//   LIFEBOAT_DRILL_TOKEN     the bearer token Lifeboat sends (its LIFEBOAT_DRILL_<NAME>_TOKEN);
//                            required: this server connects to whatever endpoint it is told
//   VALIDATE_COMMAND         run with /bin/sh -c, with DB_HOST, DB_PORT, DB_ENGINE, DRILL and
//                            RUN_ID set; exit 0 means valid. Credentials come from your own
//                            environment (PGPASSWORD, ~/.pgpass, IAM auth), never from Lifeboat
//   ALLOWED_ENDPOINT_SUFFIX  the endpoint must end with this (default .rds.amazonaws.com)
//   VALIDATE_TIMEOUT_MS      the command's limit (default 240000; keep it under the drill's timeout)
//
// Node 20 or newer, no dependencies.
import { execFile } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const token = process.env.LIFEBOAT_DRILL_TOKEN ?? '';
const command = process.env.VALIDATE_COMMAND ?? '';
const suffix = process.env.ALLOWED_ENDPOINT_SUFFIX ?? '.rds.amazonaws.com';
const timeoutMs = Number(process.env.VALIDATE_TIMEOUT_MS ?? 240_000);
const MAX_BODY_BYTES = 16 * 1024;
const SHOWN_OUTPUT_CHARS = 180; // Lifeboat shows the first 200 characters of a refusal

if (!token || !command) {
  console.error('LIFEBOAT_DRILL_TOKEN and VALIDATE_COMMAND must be set');
  process.exit(2);
}

function authorized(header) {
  const given = Buffer.from(String(header ?? ''));
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function answer(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
}

/** The request's coordinates, or why they are not acceptable. */
function coordinates(body) {
  let input;
  try {
    input = JSON.parse(body);
  } catch {
    return { error: 'the body is not JSON' };
  }
  const { endpoint, port, engine, drill, runId } = input ?? {};
  if (typeof endpoint !== 'string' || !/^[A-Za-z0-9.-]+$/.test(endpoint)) return { error: 'endpoint must be a host name' };
  if (!endpoint.endsWith(suffix)) return { error: `endpoint ${endpoint} does not end with ${suffix}` };
  if (!Number.isInteger(port) || port < 1 || port > 65_535) return { error: 'port must be a TCP port' };
  return { endpoint, port, engine: String(engine ?? ''), drill: String(drill ?? ''), runId: String(runId ?? '') };
}

const server = createServer((req, res) => {
  if (req.method !== 'POST') return answer(res, 405, 'POST only');
  if (!authorized(req.headers.authorization)) return answer(res, 401, 'missing or wrong bearer token');
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => {
    body += chunk;
    if (body.length > MAX_BODY_BYTES) req.destroy();
  });
  req.on('end', () => {
    const target = coordinates(body);
    if (target.error) return answer(res, 400, target.error);
    const env = {
      ...process.env,
      DB_HOST: target.endpoint,
      DB_PORT: String(target.port),
      DB_ENGINE: target.engine,
      DRILL: target.drill,
      RUN_ID: target.runId,
    };
    // The coordinates reach the command as variables, never spliced into its text.
    execFile('/bin/sh', ['-c', command], { env, timeout: timeoutMs }, (err, stdout, stderr) => {
      const output = `${stderr}${stdout}`.trim().slice(-SHOWN_OUTPUT_CHARS);
      const at = `${target.drill} ${target.runId} ${target.endpoint}:${target.port}`;
      if (err) {
        console.log(`${at}: not valid (${err.killed ? 'timed out' : `exit ${err.code}`})`);
        return answer(res, 422, output || (err.killed ? `no result within ${timeoutMs} ms` : `exit ${err.code}`));
      }
      console.log(`${at}: valid`);
      answer(res, 200, output || 'valid');
    });
  });
});

server.listen(Number(process.env.PORT ?? 8080), () => console.log(`validation webhook listening on ${JSON.stringify(server.address())}`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
