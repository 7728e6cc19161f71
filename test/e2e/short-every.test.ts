import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config/parse-config.js';
import type { IncidentChange } from '../../src/incidents/incident-engine.js';
import { silentLogger } from '../../src/observability/logger.js';
import { testBackend } from '../doubles/test-backend.js';
import { until } from '../doubles/until.js';

/*
 * SPEC §3: "a short `every` alone makes a valid check": its timeout defaults to 80 % of every when
 * that is below the type's default. Through `buildApp` in local mode with the real HTTP prober
 * and scheduler: a 500ms check times out at 400ms, not at the http default of 5s.
 */

const running: Array<{ stop: () => Promise<void> }> = [];
afterEach(async () => {
  for (const item of running.splice(0)) await item.stop();
});

/** A health endpoint that answers only after `delayMs`. */
async function slowTarget(delayMs: number): Promise<string> {
  const server: Server = createServer((_req, res) => {
    const timer = setTimeout(() => res.end('ok'), delayMs);
    res.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  running.push({
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
}

it('a check with `every: 500ms` and no timeout probes with a 400ms deadline', async () => {
  const url = await slowTarget(1_500);
  const parsed = parseConfig(`checks:\n  - { id: quick, type: http, url: "${url}", every: 500ms }\n`, {});
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  expect(parsed.config.checks[0]?.timeoutMs).toBe(400);

  const app: App = buildApp({ config: parsed.config, logger: silentLogger(), backend: testBackend(null) });
  running.unshift({ stop: () => app.stop() });
  const changes: IncidentChange[] = [];
  app.engine.subscribe((change) => {
    changes.push(change);
  });
  await app.start(0, '127.0.0.1');
  await until(() => changes.some((c) => c.event?.type === 'opened'), 'the slow target opens an incident', 8_000);
  const opened = changes.find((c) => c.event?.type === 'opened');
  expect(opened?.incident).toMatchObject({ checkId: 'quick', summary: expect.stringContaining('timeout after 400ms') });
});
