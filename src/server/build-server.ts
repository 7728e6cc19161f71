import fastifyCompress from '@fastify/compress';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { checkReadiness, type ReadinessProbe } from './readiness.js';

export interface ServerDeps {
  logger: Logger;
  metrics: Metrics;
  readiness: ReadinessProbe[];
  /** Refreshes gauges that are read from the store (open incidents) before a scrape. */
  beforeScrape?: () => Promise<void>;
  /** Bound on each readiness probe, in ms. */
  readinessTimeoutMs?: number;
}

/** Below this a scrape is sent as is: compressing a few kilobytes saves less than it costs. */
const METRICS_COMPRESS_THRESHOLD_BYTES = 16 * 1024;

/**
 * How a large scrape is gzipped. zlib's defaults (level 6) through a stream turned a 2 MiB scrape
 * at 20,000 checks into a dozen thread-pool jobs and stream hops, each waiting its turn on the
 * event loop the monitor keeps busy: 30–70 ms, and up to 200 ms, on top of the render. Level 1
 * compresses that scrape to 156 KB in ~4 ms (level 6: 137 KB in ~9 ms), so up to
 * METRICS_SYNC_GZIP_MAX_BYTES it is done in one synchronous call, which holds the loop for less
 * than the hops made the scrape wait; a larger scrape still streams.
 */
const METRICS_GZIP_OPTIONS = { level: 1 };
const METRICS_SYNC_GZIP_MAX_BYTES = 8 * 1024 * 1024;

/** Builds the HTTP app without listening: cli.ts listens, tests use `inject()`. */
export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Scrapes and probes arrive every few seconds; per-request lines would drown the incidents.
    logController: new LogController({ disableRequestLogging: true }),
    // Slack, Prometheus and load balancers call us; nothing legitimate sends large bodies.
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const report = await checkReadiness(deps.readiness, deps.readinessTimeoutMs ?? 1500);
    return reply.code(report.ready ? 200 : 503).send(report);
  });

  // Only where it pays: a scrape of thousands of checks is megabytes of repetitive text, and
  // Prometheus asks for gzip on every scrape (Accept-Encoding: gzip); how: METRICS_GZIP_OPTIONS.
  void app.register(fastifyCompress, { global: false });

  // Registered after the plugin so its route hook sees this route's `compress` option.
  void app.register(async (scope) => {
    scope.get(
      '/metrics',
      {
        compress: {
          threshold: METRICS_COMPRESS_THRESHOLD_BYTES,
          encodings: ['gzip'],
          zlibOptions: METRICS_GZIP_OPTIONS,
          syncThreshold: METRICS_SYNC_GZIP_MAX_BYTES,
        },
      },
      async (_request, reply) => {
        if (deps.beforeScrape) {
          try {
            await deps.beforeScrape();
          } catch (err) {
            // Serve the last known values rather than fail the scrape; the store's state shows in /readyz.
            deps.logger.warn({ err }, 'could not refresh store-backed metrics before scrape');
          }
        }
        const body = await deps.metrics.render();
        return reply.type(deps.metrics.registry.contentType).send(body);
      },
    );
  });

  return app;
}
