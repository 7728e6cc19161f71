// Counts the Redis commands sent on one DB index while a bench window is open, through MONITOR,
// and alongside it the server-wide INFO total_commands_processed delta.
//
// Why MONITOR: Redis 7.0 counts commands only server-wide (INFO stats total_commands_processed,
// INFO commandstats), so on a Redis that other clients share those deltas include their traffic.
// MONITOR streams every command with the DB and client it came from ("1339518083.107412
// [0 127.0.0.1:60866] "keys" "*""; commands a Lua script runs show as "[0 lua]"), so commands
// on the bench's DB can be counted exactly. Its caveat, from the Redis docs: MONITOR costs the
// server throughput (their benchmark lost about half), so Redis answers somewhat later meanwhile.
import { connect } from 'node:net';

/** total_commands_processed from INFO stats: every client, every DB, since the server started. */
export async function serverCommandsProcessed(redis) {
  const info = await redis.info('stats');
  const match = /^total_commands_processed:(\d+)/m.exec(info);
  if (!match) throw new Error('INFO stats has no total_commands_processed');
  return Number(match[1]);
}

/**
 * Opens a MONITOR connection and counts, until `stop()`, the commands on `db` from every client
 * but `excludeAddr` (the bench's own connection, `host:port`). Resolves once MONITOR is on.
 */
export async function startCommandCount({ url, db, excludeAddr }) {
  const { hostname, port, username, password } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port || 6379) });
  socket.setEncoding('utf8');
  const counts = { client: 0, script: 0, byCommand: new Map() };
  const dbTag = `[${db} `;
  let pending = '';
  let monitoring = false;
  let oksBeforeStream = password ? 2 : 1;

  const onLine = (line) => {
    if (!monitoring) return;
    // "+<timestamp> [<db> <client>] "<command>" ...": the tag follows the first space.
    const open = line.indexOf(' ') + 1;
    if (!line.startsWith(dbTag, open)) return; // another DB's command
    const close = line.indexOf(']', open);
    const source = line.slice(open + dbTag.length, close);
    if (source === excludeAddr) return;
    if (source === 'lua') counts.script++;
    else counts.client++;
    const nameStart = close + 3; // past '] "'
    const name = `${source === 'lua' ? 'lua:' : ''}${line.slice(nameStart, line.indexOf('"', nameStart)).toLowerCase()}`;
    counts.byCommand.set(name, (counts.byCommand.get(name) ?? 0) + 1);
  };

  await new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      pending += chunk;
      let start = 0;
      for (let end = pending.indexOf('\r\n'); end !== -1; end = pending.indexOf('\r\n', start)) {
        const line = pending.slice(start, end);
        start = end + 2;
        if (!monitoring) {
          if (line.startsWith('-')) reject(new Error(`Redis refused ${password ? 'AUTH or ' : ''}MONITOR: ${line.slice(1)}`));
          // With a password AUTH answers +OK first; MONITOR's own +OK starts the stream.
          else if (line === '+OK' && --oksBeforeStream === 0) {
            monitoring = true;
            socket.off('error', reject);
            resolve();
          }
        } else onLine(line);
      }
      pending = pending.slice(start);
    });
    socket.once('connect', () => {
      if (password) {
        const auth = username
          ? ['AUTH', decodeURIComponent(username), decodeURIComponent(password)]
          : ['AUTH', decodeURIComponent(password)];
        socket.write(auth.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).reduce((acc, a) => acc + a, `*${auth.length}\r\n`));
      }
      socket.write('MONITOR\r\n');
    });
  });
  socket.on('error', () => undefined); // closing is ours; a late error must not crash the bench

  return {
    /** Stops counting and closes the connection; the counts so far. */
    stop() {
      monitoring = false;
      socket.destroy();
      return { client: counts.client, script: counts.script, byCommand: new Map(counts.byCommand) };
    },
  };
}
