import { Writable } from 'node:stream';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/logger.js';
import { createStatusPage, type StatusPageModule } from '../../../src/statuspage/create-status-page.js';
import { StatusPageError } from '../../../src/statuspage/statuspage-error.js';
import type { StatusPageUpdate } from '../../../src/statuspage/status-page.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import {
  API_KEY,
  atlassianConfig,
  COMPONENT_IDS,
  incidentAnswer,
  nockCreateIncident,
  nockUpdateIncident,
  trackUnmatched,
} from './statuspage-nock.js';
import { testBackend } from '../../doubles/test-backend.js';

const first: StatusPageUpdate = {
  incidentId: 'INC-4',
  title: 'Elevated API errors',
  status: 'investigating',
  message: 'Some API requests fail. We are investigating.',
  components: { api: 'major_outage' },
  impact: 'critical',
};

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

interface Harness {
  module: StatusPageModule;
  waits: number[];
  logs: Array<Record<string, unknown>>;
  authFailures: StatusPageError[];
}

function harness(): Harness {
  const waits: number[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const authFailures: StatusPageError[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const clock = new ManualClock();
  const module = createStatusPage({
    config: atlassianConfig(),
    logger: createLogger({ level: 'info', destination, secrets: [API_KEY] }),
    store: testBackend(null, 'unused:', clock).statusPage,
    clock,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
  });
  module.onAuthFailure((error) => authFailures.push(error));
  return { module, waits, logs, authFailures };
}

async function publishError(h: Harness, update: StatusPageUpdate): Promise<StatusPageError> {
  const error = await h.module.statusPage.publish(update).catch((err: unknown) => err);
  if (!(error instanceof StatusPageError)) throw new Error(`expected a StatusPageError, got ${String(error)}`);
  return error;
}

describe('Atlassian Statuspage adapter', () => {
  it('the first post creates a Statuspage incident with name, status, body, impact_override and component statuses', async () => {
    const h = harness();
    const create = nockCreateIncident({
      incident: {
        name: 'Elevated API errors',
        status: 'investigating',
        body: 'Some API requests fail. We are investigating.',
        impact_override: 'critical',
        component_ids: [COMPONENT_IDS.api],
        components: { [COMPONENT_IDS.api]: 'major_outage' },
      },
    }).reply(201, incidentAnswer('p31zjtct2jer'));

    const result = await h.module.statusPage.publish(first);

    expect(create.isDone()).toBe(true);
    expect(result).toEqual({
      provider: 'atlassian',
      action: 'created',
      providerIncidentId: 'p31zjtct2jer',
      publishedAt: Date.parse('2026-11-21T12:00:00Z'),
      url: 'https://stspg.io/p31zjtct2jer',
    });
    expect(await h.module.store.getProviderIncidentId('INC-4')).toBe('p31zjtct2jer');
  });

  it('later posts update the same Statuspage incident, changing component statuses', async () => {
    const h = harness();
    nockCreateIncident(() => true).reply(201, incidentAnswer('p31zjtct2jer'));
    const escalate = nockUpdateIncident('p31zjtct2jer', {
      incident: {
        name: 'API and website down',
        status: 'identified',
        body: 'The primary database is down; failing over.',
        impact_override: 'critical',
        component_ids: [COMPONENT_IDS.api, COMPONENT_IDS.web],
        components: { [COMPONENT_IDS.api]: 'major_outage', [COMPONENT_IDS.web]: 'partial_outage' },
      },
    }).reply(200, incidentAnswer('p31zjtct2jer', 'identified'));
    const resolve = nockUpdateIncident('p31zjtct2jer', {
      incident: {
        name: 'API and website down',
        status: 'resolved',
        body: 'Failed over to us-west-2; all requests succeed.',
        component_ids: [COMPONENT_IDS.api, COMPONENT_IDS.web],
        components: { [COMPONENT_IDS.api]: 'operational', [COMPONENT_IDS.web]: 'operational' },
      },
    }).reply(200, incidentAnswer('p31zjtct2jer', 'resolved'));

    await h.module.statusPage.publish(first);
    const escalated = await h.module.statusPage.publish({
      incidentId: 'INC-4',
      title: 'API and website down',
      status: 'identified',
      message: 'The primary database is down; failing over.',
      components: { api: 'major_outage', web: 'partial_outage' },
      impact: 'critical',
    });
    const resolved = await h.module.statusPage.publish({
      incidentId: 'INC-4',
      title: 'API and website down',
      status: 'resolved',
      message: 'Failed over to us-west-2; all requests succeed.',
      components: { api: 'operational', web: 'operational' },
    });

    expect(escalate.isDone() && resolve.isDone()).toBe(true);
    expect([escalated.action, resolved.action]).toEqual(['updated', 'updated']);
    expect(resolved.providerIncidentId).toBe('p31zjtct2jer');
  });

  it('an update naming no component sends no component fields, so the affected components are kept', async () => {
    const h = harness();
    await h.module.store.saveProviderIncidentId('INC-4', 'p31zjtct2jer');
    const update = nockUpdateIncident('p31zjtct2jer', {
      incident: { name: 'Elevated API errors', status: 'monitoring', body: 'A fix is out; watching error rates.' },
    }).reply(200, incidentAnswer('p31zjtct2jer', 'monitoring'));

    await h.module.statusPage.publish({
      ...first,
      status: 'monitoring',
      message: 'A fix is out; watching error rates.',
      components: {},
      impact: undefined,
    });
    expect(update.isDone()).toBe(true);
  });

  it('a 429 is retried after exactly the Retry-After wait, and the post lands once', async () => {
    const h = harness();
    nockCreateIncident(() => true).reply(429, { error: 'rate limited' }, { 'Retry-After': '3' });
    nockCreateIncident(() => true).reply(201, incidentAnswer('p31zjtct2jer'));

    const result = await h.module.statusPage.publish(first);

    expect(result.providerIncidentId).toBe('p31zjtct2jer');
    expect(h.waits).toEqual([3_000]);
    expect(h.logs.filter((l) => l.level === 40).map((l) => l.msg)).toEqual([
      'Statuspage rate-limited POST /pages/kctbh9vrtdwd/incidents (HTTP 429); retrying in 3000 ms',
    ]);
  });

  it('a 420 without Retry-After is retried with exponential backoff and jitter', async () => {
    const h = harness();
    nockCreateIncident(() => true)
      .times(2)
      .reply(420, 'Enhance your calm');
    nockCreateIncident(() => true).reply(201, incidentAnswer('p31zjtct2jer'));

    await h.module.statusPage.publish(first);
    // 2 s then 4 s, each jittered into [half, full]; random() = 0.5 gives three quarters.
    expect(h.waits).toEqual([1_500, 3_000]);
  });

  it('gives up after 5 rate-limited attempts with an error that says to try later', async () => {
    const h = harness();
    nockCreateIncident(() => true)
      .times(5)
      .reply(429, '', { 'Retry-After': '1' });

    const error = await publishError(h, first);

    expect(error.code).toBe('LIFEBOAT_STATUSPAGE_RATE_LIMITED');
    expect(error.userMessage).toBe('Statuspage is limiting how often Lifeboat may post, so nothing was published. Try again in a minute.');
    expect(h.waits).toEqual([1_000, 1_000, 1_000, 1_000]);
    expect(await h.module.store.getProviderIncidentId('INC-4')).toBeNull();
  });

  it('a Retry-After longer than a minute fails at once instead of holding the run', async () => {
    const h = harness();
    nockCreateIncident(() => true).reply(429, '', { 'Retry-After': '3600' });
    const error = await publishError(h, first);
    expect(error).toMatchObject({ code: 'LIFEBOAT_STATUSPAGE_RATE_LIMITED', httpStatus: 429 });
    expect(error.message).toContain('it asked to wait 3600 s');
    expect(h.waits).toEqual([]);
  });

  it('a 401 is never retried, is reported once, and shows in readiness until a post succeeds', async () => {
    const h = harness();
    nockCreateIncident(() => true)
      .times(2)
      .reply(401, { error: 'Could not authenticate' });
    await expect(h.module.readiness?.check()).resolves.toBeUndefined();

    const firstError = await publishError(h, first);
    const secondError = await publishError(h, first);

    for (const error of [firstError, secondError]) {
      expect(error).toMatchObject({ code: 'LIFEBOAT_STATUSPAGE_UNAUTHORIZED', httpStatus: 401 });
      expect(error.userMessage).toBe(
        "Statuspage refused Lifeboat's API key, so nothing was published. Ask whoever runs Lifeboat to fix its Statuspage key.",
      );
    }
    expect(h.waits).toEqual([]);
    expect(h.authFailures).toHaveLength(1);
    const errorLogs = h.logs.filter((l) => l.level === 50);
    expect(errorLogs).toHaveLength(1);
    expect(errorLogs[0]?.msg).toContain('check STATUSPAGE_API_KEY');
    await expect(h.module.readiness?.check()).rejects.toThrow(
      /^Statuspage refused the API key since 2026-11-21T12:00:00.000Z \(HTTP 401\); status-page posts fail until it is fixed: check STATUSPAGE_API_KEY/,
    );
    expect(JSON.stringify(h.logs)).not.toContain(API_KEY);

    nockCreateIncident(() => true).reply(201, incidentAnswer('p31zjtct2jer'));
    await h.module.statusPage.publish(first);
    await expect(h.module.readiness?.check()).resolves.toBeUndefined();
  });

  it("a message over Statuspage's 25000-character limit is refused before anything is sent", async () => {
    const h = harness();
    const error = await publishError(h, { ...first, message: 'x'.repeat(25_001) });
    expect(error.code).toBe('LIFEBOAT_STATUSPAGE_INVALID_UPDATE');
    expect(error.userMessage).toBe('The message is 25001 characters long; the status page allows 25000.');
  });

  it('a component without a Statuspage id is refused before anything is sent', async () => {
    const h = harness();
    const error = await publishError(h, { ...first, components: { db: 'major_outage' } });
    expect(error.userMessage).toBe('"db" is not a status-page component (known: api, web).');
  });

  it('a 5xx is not retried, since the incident may exist, and says to check the page', async () => {
    const h = harness();
    nockCreateIncident(() => true).reply(502, 'Bad gateway');
    const error = await publishError(h, first);
    expect(error).toMatchObject({ code: 'LIFEBOAT_STATUSPAGE_UNAVAILABLE', httpStatus: 502 });
    expect(error.userMessage).toContain('may or may not have been published');
    expect(h.waits).toEqual([]);
  });

  it("a 422 is reported with Statuspage's reason in the log and a plain sentence for the user", async () => {
    const h = harness();
    nockCreateIncident(() => true).reply(422, { error: ['Status is not included in the list'] });
    const error = await publishError(h, first);
    expect(error).toMatchObject({ code: 'LIFEBOAT_STATUSPAGE_REJECTED', httpStatus: 422 });
    expect(error.message).toBe('Statuspage answered POST /pages/kctbh9vrtdwd/incidents with HTTP 422: Status is not included in the list');
    expect(error.userMessage).toBe('Statuspage refused the update (HTTP 422), so nothing was published.');
  });

  it('waits for another publish of the same incident, and gives up with a clear error if it never ends', async () => {
    const h = harness();
    expect(await h.module.store.acquirePublishLock('INC-4', 'a stuck replica', 600_000)).toBe(true);
    const error = await publishError(h, first);
    expect(error.code).toBe('LIFEBOAT_STATUSPAGE_BUSY');
    expect(error.userMessage).toBe('Another status-page update for INC-4 is still being published. Try again in a few minutes.');
    // Polled every 250 ms for the 90 s wait.
    expect(h.waits).toHaveLength(360);
    expect(new Set(h.waits)).toEqual(new Set([250]));
  });

  it('no answer at all is reported as unknown outcome, not retried', async () => {
    const h = harness();
    nockCreateIncident(() => true).replyWithError('socket hang up');
    const error = await publishError(h, first);
    expect(error.code).toBe('LIFEBOAT_STATUSPAGE_UNAVAILABLE');
    expect(error.message).toContain('socket hang up');
  });
});
