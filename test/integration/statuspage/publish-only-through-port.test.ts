import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IncidentEngine } from '../../../src/incidents/incident-engine.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { MemoryStore } from '../../../src/backend/memory/memory-store.js';
import { createStatusPage, type StatusPageModule } from '../../../src/statuspage/create-status-page.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { fail, pass } from '../../doubles/results.js';
import { builtinConfig, builtinServer } from './builtin-fixtures.js';
import { API_URL, atlassianConfig, incidentAnswer } from './statuspage-nock.js';
import { testBackend } from '../../doubles/test-backend.js';

beforeAll(() => {
  nock.disableNetConnect();
});
afterAll(() => {
  nock.enableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});

/** Opens, escalates and resolves incidents for every check, with the status page module built beside the engine. */
async function runIncidents(clock: ManualClock, checkIds: string[]): Promise<number> {
  const store = new MemoryStore({ clock });
  const engine = new IncidentEngine({
    store,
    clock,
    logger: silentLogger(),
    policies: new Map(checkIds.map((id) => [id, { failAfter: 1, recoverAfter: 1 }])),
    fencing: { mode: 'unfenced' },
  });
  let changes = 0;
  engine.subscribe(() => {
    changes += 1;
  });
  for (const checkId of checkIds) {
    for (const result of [fail('SEV3', checkId), fail('SEV1', checkId), pass(checkId)]) {
      await engine.apply(result);
      clock.advance(15_000);
    }
  }
  return changes;
}

describe('nothing reaches a status page except through publish', () => {
  it('building the atlassian module and running incidents sends nothing to Statuspage; only publish does', async () => {
    const requests: string[] = [];
    nock(API_URL)
      .persist()
      .post(/.*/)
      .reply(201, (uri) => {
        requests.push(`POST ${uri}`);
        return incidentAnswer('z0x9c8v7b6n5');
      })
      .patch(/.*/)
      .reply(200, (uri) => {
        requests.push(`PATCH ${uri}`);
        return incidentAnswer('z0x9c8v7b6n5');
      });
    const clock = new ManualClock();
    const module: StatusPageModule = createStatusPage({
      config: atlassianConfig(),
      logger: silentLogger(),
      store: testBackend(null, 'x:', clock).statusPage,
      clock,
    });

    expect(await runIncidents(clock, ['api', 'web'])).toBe(6);
    await module.readiness?.check();
    expect(requests).toEqual([]);

    // The interceptor is live: the one sanctioned path does reach it.
    await module.statusPage.publish({
      incidentId: 'INC-1',
      title: 'API down',
      status: 'investigating',
      message: 'Looking.',
      components: {},
    });
    expect(requests).toEqual(['POST /v1/pages/kctbh9vrtdwd/incidents']);
  });

  it('on the built-in page, incidents that were never published do not appear, and components stay operational', async () => {
    const clock = new ManualClock();
    const { server, statusPage } = await builtinServer(
      createStatusPage({ config: builtinConfig(), logger: silentLogger(), store: testBackend(null, 'x:', clock).statusPage, clock }),
    );
    try {
      await runIncidents(clock, ['api', 'web']);
      const body = (await server.inject({ method: 'GET', url: '/status.json' })).json<{
        incidents: unknown[];
        components: Array<{ status: string }>;
      }>();
      expect(body.incidents).toEqual([]);
      expect(body.components.map((c) => c.status)).toEqual(['operational', 'operational', 'operational']);
      expect(await statusPage.store.listPublished(10)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
