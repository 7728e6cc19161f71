import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';

export interface DemoTargetOptions {
  port: number;
  healthyForMs: number;
  failingForMs: number;
  clock: Clock;
  logger: Logger;
}

/** Whether the demo target is failing `elapsedMs` after it started: healthy first, then failing, repeating. */
export function demoTargetFailing(elapsedMs: number, healthyForMs: number, failingForMs: number): boolean {
  return elapsedMs % (healthyForMs + failingForMs) >= healthyForMs;
}

/**
 * A local HTTP target that fails and recovers on a schedule, so local mode shows incidents
 * opening and resolving without any real infrastructure. Answers `GET /health`.
 */
export class DemoTarget {
  private server: http.Server | null = null;
  private startedAt = 0;

  constructor(private readonly options: DemoTargetOptions) {}

  /** Listens on 127.0.0.1 only; returns the bound port. */
  async start(): Promise<number> {
    const { clock, healthyForMs, failingForMs } = this.options;
    this.startedAt = clock.now();
    const server = http.createServer((request, response) => {
      const failing = demoTargetFailing(clock.now() - this.startedAt, healthyForMs, failingForMs);
      if (request.url !== '/health') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /health\n');
        return;
      }
      response.writeHead(failing ? 503 : 200, { 'content-type': 'text/plain' }).end(failing ? 'demo outage in progress\n' : 'ok\n');
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    this.options.logger.info(
      { port, healthyForMs, failingForMs },
      `demo target on http://127.0.0.1:${port}/health: healthy for ${healthyForMs / 1000}s, then failing for ${failingForMs / 1000}s, repeating`,
    );
    return port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
