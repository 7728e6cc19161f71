import net from 'node:net';
import { TEST_REDIS_URL } from './test-redis.js';

/** One command as Redis's MONITOR reports it: its arguments (the name first) and who sent it. */
export interface MonitorLine {
  args: string[];
  /** `127.0.0.1:53310` for a client, `lua` for a command a script ran. */
  source: string;
}

/**
 * MONITOR on a plain socket rather than through ioredis. ioredis's monitor mode loses track of its
 * replies when other clients' commands stream in around the MONITOR reply ("Command queue state
 * error", redis/ioredis#1981), which the suite's parallel files made happen on CI. Here the feed is
 * only lines to parse: `+<time> [<db> <source>] "<arg>" "<arg>" …`, each argument quoted as Redis's
 * sdscatrepr writes it.
 */
export async function openMonitorFeed(onLine: (line: MonitorLine) => void): Promise<{ close(): void }> {
  const url = new URL(TEST_REDIS_URL);
  const socket = net.connect({ host: url.hostname, port: Number(url.port || 6379) });
  socket.setNoDelay(true);
  const password = decodeURIComponent(url.password);
  let pending = '';
  let acks = password ? 2 : 1; // AUTH's +OK, then MONITOR's
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (let end = pending.indexOf('\r\n'); end >= 0; end = pending.indexOf('\r\n')) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 2);
        if (line.startsWith('-')) reject(new Error(`MONITOR refused: ${line.slice(1)}`));
        else if (acks > 0 && line === '+OK') {
          acks -= 1;
          if (acks === 0) resolve();
        } else if (line.startsWith('+')) {
          const parsed = parseMonitorLine(line.slice(1));
          if (parsed) onLine(parsed);
        }
      }
    });
    const user = decodeURIComponent(url.username);
    if (password) socket.write(user ? `AUTH ${user} ${password}\r\n` : `AUTH ${password}\r\n`);
    socket.write('MONITOR\r\n');
  });
  return { close: () => socket.destroy() };
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', '"': '"', '\\': '\\' };

/** `1796668228.057831 [0 127.0.0.1:35352] "get" "k"` -> { args: ['get', 'k'], source: '127.0.0.1:35352' }. */
export function parseMonitorLine(text: string): MonitorLine | null {
  const open = text.indexOf('[');
  const close = text.indexOf(']', open);
  if (open < 0 || close < 0) return null;
  const source = text.slice(open + 1, close).split(' ')[1] ?? '';
  const args: string[] = [];
  let i = close + 1;
  while (i < text.length) {
    if (text[i] !== '"') {
      i += 1;
      continue;
    }
    let arg = '';
    for (i += 1; i < text.length && text[i] !== '"'; i += 1) {
      if (text[i] !== '\\') {
        arg += text[i];
        continue;
      }
      const next = text[i + 1] ?? '';
      if (next === 'x') {
        arg += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 4), 16));
        i += 3;
      } else {
        arg += ESCAPES[next] ?? next;
        i += 1;
      }
    }
    args.push(Buffer.from(arg, 'latin1').toString('utf8'));
    i += 1;
  }
  return { args, source };
}
