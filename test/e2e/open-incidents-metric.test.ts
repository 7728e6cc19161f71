import { afterEach, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { redisKeys } from '../../src/backend/redis/keyspace.js';
import { parseConfig } from '../../src/config/parse-config.js';
import { SEVERITIES, type Severity } from '../../src/core/severity.js';
import { silentLogger } from '../../src/observability/logger.js';
import { ManualClock } from '../doubles/manual-clock.js';
import { NO_PROBES } from '../doubles/no-probes.js';
import { useRedisPrefix } from '../doubles/redis-prefix.js';
import { fail, pass } from '../doubles/results.js';
import { testBackend } from '../doubles/test-backend.js';
import { untilLeader } from '../doubles/until-leader.js';

/*
 * lifeboat_incidents_open as a scrape of `buildApp` on the test Redis shows it, while incidents
 * open, escalate and resolve. The checks never run on their own: the test applies their results.
 */

const bed = useRedisPrefix('open-incidents-metric', { perTest: true });
let running: App | null = null;
afterEach(async () => {
  await running?.stop();
  running = null;
});

const HTTP = 'type: http, url: "https://api.example.com/health", schedule: "0 0 1 1 *", failAfter: 1, recoverAfter: 1';

async function scrapeOpen(app: App): Promise<Record<Severity, number>> {
  const body = (await app.server.inject({ method: 'GET', url: '/metrics' })).body;
  const counts = {} as Record<Severity, number>;
  for (const severity of SEVERITIES) {
    const match = new RegExp(`^lifeboat_incidents_open\\{severity="${severity}"\\} (\\d+)$`, 'm').exec(body);
    counts[severity] = Number(match?.[1]);
  }
  return counts;
}

it('/metrics counts open incidents by severity as they open, escalate and resolve, without decoding them', async () => {
  const clock = new ManualClock();
  const parsed = parseConfig(`checks:\n  - { id: api, ${HTTP}, severity: SEV2 }\n  - { id: db, ${HTTP}, severity: SEV3 }\n`, {});
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const app = buildApp({
    config: parsed.config,
    logger: silentLogger(),
    clock,
    backend: testBackend(bed.newConnection(), bed.prefix, clock),
    probes: NO_PROBES,
  });
  running = app;
  await app.start(0, '127.0.0.1');
  await untilLeader(app);
  expect(await scrapeOpen(app)).toEqual({ SEV1: 0, SEV2: 0, SEV3: 0, SEV4: 0 });

  await app.engine.apply(fail('SEV2', 'api', clock.now()));
  await app.engine.apply(fail('SEV3', 'db', clock.now()));
  expect(await scrapeOpen(app)).toEqual({ SEV1: 0, SEV2: 1, SEV3: 1, SEV4: 0 });

  clock.advance(60_000);
  await app.engine.apply(fail('SEV1', 'api', clock.now()));
  expect((await app.store.listOpenIncidents()).map((i) => [i.checkId, i.severity])).toEqual([
    ['api', 'SEV1'],
    ['db', 'SEV3'],
  ]);
  expect(await scrapeOpen(app)).toEqual({ SEV1: 1, SEV2: 0, SEV3: 1, SEV4: 0 });

  // From here the api incident's record is unreadable: a scrape that still decoded every open
  // incident would fail and serve the last counts, so db's resolution would not show.
  const api = (await app.store.listOpenIncidents()).find((i) => i.checkId === 'api');
  await bed.redis.set(redisKeys(bed.prefix).incident(api?.id ?? ''), '{not json');
  clock.advance(60_000);
  await app.engine.apply(pass('db', clock.now()));
  expect(await scrapeOpen(app)).toEqual({ SEV1: 1, SEV2: 0, SEV3: 0, SEV4: 0 });
});
