import { connect } from 'node:net';

/** Whether a restored database's endpoint accepted a TCP connection, and how long that took. */
export type TcpProbe = { ok: true; elapsedMs: number } | { ok: false; reason: string };

/** `host:port` as RDS reports it (the port after the last colon). */
export function splitEndpoint(endpoint: string): { host: string; port: number } | null {
  const at = endpoint.lastIndexOf(':');
  const port = Number(endpoint.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port < 1 || port > 65_535) return null;
  return { host: endpoint.slice(0, at), port };
}

/**
 * Opens one TCP connection to `endpoint` and closes it at once: a drill proves the restored
 * database listens, not that any credentials work (that is the validation webhook's part).
 * Bounded by `timeoutMs`; never throws.
 */
export function probeTcp(endpoint: string, timeoutMs: number): Promise<TcpProbe> {
  const target = splitEndpoint(endpoint);
  if (!target) return Promise.resolve({ ok: false, reason: `${JSON.stringify(endpoint)} is not host:port` });
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port });
    const done = (result: TcpProbe) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, reason: `no connection to ${endpoint} within ${Math.round(timeoutMs / 1000)}s` }));
    socket.once('connect', () => done({ ok: true, elapsedMs: Date.now() - started }));
    socket.once('error', (err: NodeJS.ErrnoException) => done({ ok: false, reason: `${endpoint}: ${err.code ?? err.message}` }));
  });
}
