import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import { AtlassianStatusPage } from './atlassian-status-page.js';
import { BuiltinStatusPage } from './builtin-status-page.js';
import type { MonitorIncidentSource } from './monitor-incidents.js';
import { publicComponentNames } from './public-component-names.js';
import { StatuspageClient } from './statuspage-client.js';
import type { StatusPageError } from './statuspage-error.js';
import type { StatusPageStore } from './statuspage-store.js';
import { statusRoutes } from './status-routes.js';
import type { StatusPage } from './status-page.js';

/** Heading of the built-in page unless told otherwise. */
export const DEFAULT_STATUS_PAGE_TITLE = 'Service status';

export interface CreateStatusPageDeps {
  config: Config;
  logger: Logger;
  /** The backend's record of what was published: shared by replicas in Redis. */
  store: StatusPageStore;
  clock: Clock;
  /** Heading of the built-in page. */
  title?: string;
  /** Absolute public base URL of the built-in page, for the feed's links (else from each request). */
  publicUrl?: string;
  /** Waits between rate-limited retries and lock polls; tests inject one that does not sleep. */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source for retry backoff; tests inject a fixed one. */
  random?: () => number;
  /**
   * The monitor's incidents (the Store): required when `statuspage.showMonitorIncidents` is on,
   * read by the built-in page only, never published anywhere.
   */
  incidents?: MonitorIncidentSource;
}

/** Readiness of the status-page provider, in the shape of the server's ReadinessProbe. */
export interface StatusPageReadiness {
  name: 'statuspage';
  /**
   * False: a refused Statuspage key breaks public posts, not the service, so /readyz should show
   * it in its details without taking the replica out of rotation (see the report to the lead).
   */
  critical: false;
  /** Rejects with the reason while Statuspage refuses the key; resolves otherwise. */
  check(): Promise<void>;
}

export interface StatusPageModule {
  /** The only way anything reaches a public page; call it from the approved-action runner only. */
  statusPage: StatusPage;
  /** `GET /status`, `/status.json`, `/status/feed.xml`: builtin provider only, else null. */
  routes: FastifyPluginAsync | null;
  /** atlassian only, else null. */
  readiness: StatusPageReadiness | null;
  store: StatusPageStore;
  /** Called once when Statuspage starts refusing the API key (atlassian only), e.g. to tell operators in Slack. */
  onAuthFailure(listener: (error: StatusPageError) => void): () => void;
}

/** Builds the configured status page (builtin or atlassian), its store and, for builtin, its routes. */
export function createStatusPage(deps: CreateStatusPageDeps): StatusPageModule {
  const { config, clock } = deps;
  const logger = deps.logger.child({ component: 'statuspage' });
  const { store } = deps;
  const componentNames = publicComponentNames(config);

  if (config.statuspage.provider === 'builtin') {
    const monitor = monitorOption(config, deps.incidents);
    if (monitor) logger.info("status page: showing the monitor's own incidents on /status (statuspage.showMonitorIncidents)");
    const routes = statusRoutes({
      store,
      clock,
      logger,
      title: deps.title ?? DEFAULT_STATUS_PAGE_TITLE,
      componentNames,
      ...(deps.publicUrl !== undefined && { publicUrl: deps.publicUrl.replace(/\/+$/, '') }),
      ...(monitor && { monitor }),
    });
    const statusPage = new BuiltinStatusPage({ store, clock, logger, componentNames });
    // The built-in page has no key to refuse.
    return { statusPage, routes, readiness: null, store, onAuthFailure: () => () => undefined };
  }

  if (config.statuspage.showMonitorIncidents) {
    // parseConfig refuses this; unreviewed incidents must never reach a public Statuspage.
    throw new Error('statuspage.showMonitorIncidents works with provider builtin only');
  }
  const { pageId } = config.statuspage;
  const apiKey = config.env.statuspageApiKey;
  if (!pageId || !apiKey) {
    // parseConfig already refuses this; a hand-built Config must not get a half-working adapter.
    throw new Error('statuspage.provider is atlassian but statuspage.pageId or STATUSPAGE_API_KEY is missing');
  }
  const client = new StatuspageClient({
    baseUrl: config.env.statuspageApiUrl,
    apiKey,
    pageId,
    logger,
    clock,
    ...(deps.sleep && { sleep: deps.sleep }),
    ...(deps.random && { random: deps.random }),
  });
  const atlassian = new AtlassianStatusPage({
    client,
    store,
    clock,
    logger,
    componentIds: config.statuspage.components,
    ...(deps.sleep && { sleep: deps.sleep }),
  });
  const readiness: StatusPageReadiness = {
    name: 'statuspage',
    critical: false,
    async check() {
      const failure = atlassian.currentAuthFailure();
      if (failure) {
        throw new Error(
          `Statuspage refused the API key since ${new Date(failure.since).toISOString()} ` +
            `(HTTP ${failure.error.httpStatus ?? '?'}); status-page posts fail until it is fixed: ${failure.error.hint ?? ''}`,
        );
      }
    },
  };
  return { statusPage: atlassian, routes: null, readiness, store, onAuthFailure: (listener) => atlassian.onAuthFailure(listener) };
}

/** The built-in page's monitor-incident source and check -> component map, when the option is on. */
function monitorOption(config: Config, incidents: MonitorIncidentSource | undefined) {
  if (!config.statuspage.showMonitorIncidents) return undefined;
  if (!incidents) {
    // A wiring slip, not a user's: say so at start-up instead of serving a page without them.
    throw new Error('statuspage.showMonitorIncidents is on but createStatusPage was given no `incidents` source (pass the store)');
  }
  const componentOf = new Map<string, string>();
  for (const check of config.checks) {
    if (check.component !== undefined) componentOf.set(check.id, check.component);
  }
  return { incidents, componentOf };
}
