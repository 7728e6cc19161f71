import { parseConfig } from '../../../src/config/parse-config.js';
import type { Config } from '../../../src/config/types.js';
import { Metrics } from '../../../src/observability/metrics.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { buildServer } from '../../../src/server/build-server.js';
import { createStatusPage, type StatusPageModule } from '../../../src/statuspage/create-status-page.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { testBackend } from '../../doubles/test-backend.js';

/**
 * A builtin config: `cdn` is listed in statuspage.components, `api` and `web` come from checks;
 * `showMonitorIncidents` sets the option of that name (left out of the file when undefined).
 */
export function builtinConfig(options: { showMonitorIncidents?: boolean } = {}): Config {
  const show = options.showMonitorIncidents === undefined ? '' : `\n  showMonitorIncidents: ${options.showMonitorIncidents}`;
  const result = parseConfig(
    `
statuspage:
  provider: builtin
  components: { cdn: cdn }${show}
checks:
  - { id: api, type: http, url: "https://api.example.com/health", every: 15s, severity: SEV1, component: api }
  - { id: web, type: http, url: "https://www.example.com/", every: 15s, severity: SEV2, component: web }
  - { id: orders-backups, type: backup, region: us-east-1, dbInstance: orders-db, maxAge: 26h, every: 15m, severity: SEV2 }
`,
    {},
  );
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config;
}

/** The real server with the built-in status page's routes registered, as the lead will wire it. */
export async function builtinServer(module?: StatusPageModule, clock = new ManualClock()) {
  const statusPage =
    module ??
    createStatusPage({ config: builtinConfig(), logger: silentLogger(), store: testBackend(null, 'unused:', clock).statusPage, clock });
  const server = buildServer({ logger: silentLogger(), metrics: new Metrics(), readiness: [] });
  if (!statusPage.routes) throw new Error('builtin must have routes');
  await server.register(statusPage.routes);
  await server.ready();
  return { server, statusPage, clock };
}
