import nock from 'nock';
import { afterEach, expect, it } from 'vitest';
import { isIncidentAuditEntry } from '../../../src/audit/audit-log.js';
import { AuditRecorder } from '../../../src/audit/audit-recorder.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { ACCEPTED, nockEnqueue } from '../../doubles/pagerduty-events-nock.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import { fail, lag } from '../../doubles/results.js';
import { testBackend } from '../../doubles/test-backend.js';
import { pagerHarness } from './pager-harness.js';

/*
 * Pages join the audit log (SPEC §11): a trigger PagerDuty accepted and an escalation timer that
 * fired, each recorded once, by the replica whose queue step completed it.
 */

const db = useRedisPrefix('page-audit', { perTest: true });
const T0 = MANUAL_CLOCK_START;
const MINUTE = 60_000;

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

function audited() {
  const log = testBackend(db.redis, db.prefix).auditLog;
  const recorder = new AuditRecorder(log, silentLogger());
  const h = pagerHarness({ redis: db.redis, keyPrefix: db.prefix, onPageEvent: recorder.onPage });
  const entries = async () =>
    (await log.newest({ limit: 100 }))
      .filter(isIncidentAuditEntry)
      .map((e) => [e.type, e.incidentId, e.at - T0, e.detail, e.actor ?? null]);
  return { h, entries };
}

it('records an escalation that fired and the page it led to, once each, and nothing for a page PagerDuty refused', async () => {
  const { h, entries } = audited();
  await h.engine.apply(lag(90, 'SEV3'));
  h.clock.set(T0 + 15 * MINUTE);
  nockEnqueue([], ACCEPTED);
  await h.pager.runOnce();
  await h.pager.runOnce(); // nothing more is due: nothing more is recorded
  expect(await entries()).toEqual([
    ['page-delivered', 'INC-1', 15 * MINUTE, 'SEV3 was not acknowledged within 15m', null],
    ['page-escalated', 'INC-1', 15 * MINUTE, 'not acknowledged in time', null],
  ]);
});

it('records who pressed Page, and not a trigger PagerDuty refused', async () => {
  const { h, entries } = audited();
  await h.engine.apply(fail('SEV1', 'api', T0));
  nockEnqueue([], { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors: ['bad'] } });
  await h.pager.runOnce();
  h.clock.advance(MINUTE);
  const incident = await h.store.getIncident('INC-1');
  if (!incident) throw new Error('INC-1 was not opened');
  expect((await h.pager.pageNow(incident, { userId: 'U0BBB' })).ok).toBe(true);
  nockEnqueue([], ACCEPTED);
  await h.pager.runOnce();
  expect(await entries()).toEqual([['page-delivered', 'INC-1', MINUTE, 'paged from Slack by U0BBB', 'U0BBB']]);
});
