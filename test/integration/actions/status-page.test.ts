import { beforeEach, describe, expect, it } from 'vitest';
import type { StatusPageRequest } from '../../../src/core/action-request.js';
import type { Incident } from '../../../src/core/incident.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { harness } from './fixtures.js';

const h = harness();
const request: StatusPageRequest = {
  kind: 'statuspage',
  incidentId: 'INC-4',
  status: 'identified',
  message: 'A database failover is under way.',
};
const incident: Incident = {
  id: 'INC-4',
  checkId: 'api',
  severity: 'SEV1',
  state: 'acknowledged',
  revision: 3,
  openedAt: MANUAL_CLOCK_START - 60_000,
  updatedAt: MANUAL_CLOCK_START,
  summary: 'HTTP 503',
  measurement: { kind: 'http', status: 503, url: 'https://api.example.com/health' },
  peakSeverity: 'SEV1',
};

beforeEach(() => h.reset());

describe('status-page updates through the planner and runner', () => {
  it('publishes exactly the planned input through the publisher port and records the URL', async () => {
    h.incidents.set('INC-4', incident);
    const plan = await h.planner.plan(request);

    const outcome = await h.runner.run('run-1', plan);

    expect(h.published).toEqual([plan.calls[0]?.input]);
    expect(h.published).toEqual([
      {
        incidentId: 'INC-4',
        title: 'Service disruption: api',
        status: 'identified',
        message: 'A database failover is under way.',
        components: { api: 'major_outage' },
      },
    ]);
    expect(outcome).toMatchObject({
      status: 'succeeded',
      action: 'statuspage',
      statusPageUrl: 'https://status.example.com/incidents/INC-4',
    });
    expect(outcome.summary).toBe('Status-page update INC-4 succeeded in 0s. Published: https://status.example.com/incidents/INC-4.');
    expect(h.journal.trace).toEqual(['started:publish', 'done:publish', 'finished:succeeded']);
    expect(h.east.calls()).toHaveLength(0);
  });

  it('refuses an incident that does not exist', async () => {
    await expect(h.planner.plan({ ...request, incidentId: 'INC-99' })).rejects.toMatchObject({
      code: 'LIFEBOAT_UNKNOWN_INCIDENT',
      message: 'There is no incident INC-99; /dr incidents lists them.',
    });
  });
});
