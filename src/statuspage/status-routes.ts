import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import { renderStatusFeed } from './render-status-feed.js';
import { renderStatusHtml, STATUS_PATHS } from './render-status-html.js';
import { MONITOR_RECENT_SCAN, type MonitorIncidentSource } from './monitor-incidents.js';
import type { StatusPageStore } from './statuspage-store.js';
import { buildStatusView, type StatusView } from './status-view.js';

/** Published incidents the page shows; older ones stay in the store. */
export const STATUS_PAGE_INCIDENT_LIMIT = 50;

export interface StatusRoutesOptions {
  store: StatusPageStore;
  clock: Clock;
  logger: Logger;
  /** The page heading ("Service status"). */
  title: string;
  /** Components shown, in order (see publicComponentNames). */
  componentNames: readonly string[];
  /** Absolute base for the feed's ids and links (`https://status.example.com`); else taken from each request. */
  publicUrl?: string;
  /**
   * Only when `statuspage.showMonitorIncidents` is on: where the monitor's incidents are read, and
   * which component each check speaks for. The page and JSON show them; the feed never does.
   */
  monitor?: { incidents: MonitorIncidentSource; componentOf: ReadonlyMap<string, string> };
}

// The page runs no script, so it forbids all of it: an escaping slip cannot become an XSS.
const HTML_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // Revalidate every time: a status page that serves a stale "operational" misleads.
  'cache-control': 'no-cache',
};

/**
 * The built-in status page's routes, as a fastify plugin: `GET /status` (HTML), `GET /status.json`
 * (the same content) and `GET /status/feed.xml` (Atom). When the store cannot be read they answer
 * 503 and say so, never an "all operational" page built from nothing.
 */
export function statusRoutes(options: StatusRoutesOptions): FastifyPluginAsync {
  // The feed is for published updates only, so it never reads the monitor's incidents.
  const loadView = async (withMonitor: boolean): Promise<StatusView> => {
    const monitor = withMonitor ? options.monitor : undefined;
    const [components, incidents, open, recent] = await Promise.all([
      options.store.getComponents(),
      options.store.listPublished(STATUS_PAGE_INCIDENT_LIMIT),
      monitor?.incidents.listOpenIncidents(),
      monitor?.incidents.listRecentIncidents(MONITOR_RECENT_SCAN),
    ]);
    return buildStatusView({
      title: options.title,
      componentNames: options.componentNames,
      components,
      incidents,
      now: options.clock.now(),
      ...(monitor && { monitor: { open: open ?? [], recent: recent ?? [], componentOf: monitor.componentOf } }),
    });
  };

  const serve =
    (render: (view: StatusView, request: FastifyRequest) => { type: string; body: string | StatusView }, withMonitor = true) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      let view: StatusView;
      try {
        view = await loadView(withMonitor);
      } catch (err) {
        options.logger.error({ err, path: request.url }, 'status page: cannot read the store; answering 503');
        return unavailable(reply, request.url);
      }
      const { type, body } = render(view, request);
      return reply.headers(HTML_HEADERS).type(type).send(body);
    };

  return async (app) => {
    app.get(
      STATUS_PATHS.page,
      serve((view) => ({ type: 'text/html; charset=utf-8', body: renderStatusHtml(view) })),
    );
    app.get(
      STATUS_PATHS.json,
      serve((view) => ({ type: 'application/json; charset=utf-8', body: view })),
    );
    app.get(
      STATUS_PATHS.feed,
      serve(
        (view, request) => ({
          type: 'application/atom+xml; charset=utf-8',
          body: renderStatusFeed(view, options.publicUrl ?? `${request.protocol}://${request.host}`),
        }),
        false,
      ),
    );
  };
}

function unavailable(reply: FastifyReply, url: string): FastifyReply {
  const sentence = 'The status page cannot be shown right now. Please try again in a minute.';
  reply.code(503).headers(HTML_HEADERS).header('retry-after', '30');
  if (url.startsWith(STATUS_PATHS.json)) return reply.type('application/json; charset=utf-8').send({ error: sentence });
  if (url.startsWith(STATUS_PATHS.feed)) return reply.type('text/plain; charset=utf-8').send(sentence);
  return reply
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Status unavailable</title></head>` +
        `<body><main><h1>Status unavailable</h1><p>${sentence}</p></main></body></html>\n`,
    );
}
