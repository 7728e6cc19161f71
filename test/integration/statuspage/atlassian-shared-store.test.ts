import type { Redis } from 'ioredis';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.js';
import { createStatusPage } from '../../../src/statuspage/create-status-page.js';
import type { StatusPageUpdate } from '../../../src/statuspage/status-page.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { atlassianConfig, incidentAnswer, nockCreateIncident, nockUpdateIncident, trackUnmatched } from './statuspage-nock.js';
import { testBackend } from '../../doubles/test-backend.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';

const db = useRedisPrefix('statuspage-atlassian');
let tracker: ReturnType<typeof trackUnmatched>;

beforeAll(() => {
  nock.disableNetConnect();
});
afterAll(() => {
  nock.enableNetConnect();
});
beforeEach(() => {
  tracker = trackUnmatched();
});
afterEach(() => {
  tracker.stop();
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(tracker.unmatched).toEqual([]);
  expect(pending).toEqual([]);
});

/** One replica's status page on the shared Redis. */
function replica(client: Redis, keyPrefix: string) {
  const clock = new ManualClock();
  return createStatusPage({
    config: atlassianConfig(),
    logger: silentLogger(),
    store: testBackend(client, keyPrefix, clock).statusPage,
    clock,
  });
}

const update = (message: string): StatusPageUpdate => ({
  incidentId: 'INC-9',
  title: 'Orders database failing over',
  status: 'investigating',
  message,
  components: { api: 'partial_outage' },
});

describe('Atlassian adapter on a shared Redis store', () => {
  it('two replicas posting the first update for one incident at once create one Statuspage incident and update it', async () => {
    const keyPrefix = db.nextPrefix();
    const bodies: string[] = [];
    // The create is slow, so the second replica arrives while the first holds the publish lock.
    nockCreateIncident((body: { incident: { body: string } }) => {
      bodies.push(body.incident.body);
      return true;
    })
      .delay(150)
      .reply(201, incidentAnswer('q1w2e3r4t5y6'));
    nockUpdateIncident('q1w2e3r4t5y6', (body: { incident: { body: string } }) => {
      bodies.push(body.incident.body);
      return true;
    }).reply(200, incidentAnswer('q1w2e3r4t5y6'));

    const [a, b] = await Promise.all([
      replica(db.redis, keyPrefix).statusPage.publish(update('from replica A')),
      replica(db.other, keyPrefix).statusPage.publish(update('from replica B')),
    ]);

    expect([a.action, b.action].sort()).toEqual(['created', 'updated']);
    expect(a.providerIncidentId).toBe('q1w2e3r4t5y6');
    expect(b.providerIncidentId).toBe('q1w2e3r4t5y6');
    expect(bodies.sort()).toEqual(['from replica A', 'from replica B']);
  });

  it('after a restart the next post updates the Statuspage incident created before it', async () => {
    const keyPrefix = db.nextPrefix();
    nockCreateIncident(() => true).reply(201, incidentAnswer('a9s8d7f6g5h4'));
    await replica(db.redis, keyPrefix).statusPage.publish(update('before the restart'));

    const patch = nockUpdateIncident('a9s8d7f6g5h4', {
      incident: {
        name: 'Orders database failing over',
        status: 'investigating',
        body: 'after the restart',
        component_ids: ['8kbf7d35c070'],
        components: { '8kbf7d35c070': 'partial_outage' },
      },
    }).reply(200, incidentAnswer('a9s8d7f6g5h4'));
    const restarted = replica(db.newConnection(), keyPrefix);
    const result = await restarted.statusPage.publish(update('after the restart'));
    expect(patch.isDone()).toBe(true);
    expect(result.action).toBe('updated');
  });
});
