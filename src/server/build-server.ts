import fastifyCompress from '@fastify/compress';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { METRICS_COMPRESS_THRESHOLD_BYTES, METRICS_GZIP_OPTIONS, METRICS_SYNC_GZIP_MAX_BYTES } from './metrics-compression.js';
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
