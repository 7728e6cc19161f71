import { describe, expect, it } from 'vitest';
import type { AuditLog } from '../../../src/audit/audit-log.js';
import type { ApprovalStore } from '../../../src/approvals/approval-store.js';
import { IncidentRetention } from '../../../src/backend/redis/incident-retention.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { ManualClock, MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import { testBackend } from '../../doubles/test-backend.js';
import { aFailoverPlan, aRestorePlan } from '../approvals/fixtures.js';

/*
 * The audit log (SPEC §11): incident entries join the approval store's stream. Approval readers
 * keep seeing approval entries only; the whole log reads newest first; retention trims all of it.
 */

const redisPrefix = useRedisPrefix('audit-log', { perTest: true });
const T0 = MANUAL_CLOCK_START;
const DAY = 86_400_000;

/** Both backends: the log must behave the same in Redis and in memory. */
const BACKENDS = {
  redis: () => testBackend(redisPrefix.redis, redisPrefix.prefix, new ManualClock()),
  memory: () => testBackend(null, 'unused:', new ManualClock()),
};

/** Two approval requests with incident entries before, between and after them. */
async function interleaved(log: AuditLog, approvals: ApprovalStore): Promise<void> {
  await log.append({ type: 'incident-opened', incidentId: 'INC-1', at: T0, detail: 'SEV1 api: HTTP 503' });
  await approvals.create({ plan: aRestorePlan(), requester: 'U0AAA', requiredApprovals: 1, createdAt: T0 + 1, expiresAt: T0 + 60_000 });
  await log.append({ type: 'page-delivered', incidentId: 'INC-1', at: T0 + 2, detail: 'SEV1 is at or above pageAt (SEV2)' });
  await log.append({ type: 'incident-acknowledged', incidentId: 'INC-1', at: T0 + 3, actor: 'U0AAA', detail: 'SEV1 api: HTTP 503' });
  await approvals.create({ plan: aFailoverPlan(), requester: 'U0BBB', requiredApprovals: 1, createdAt: T0 + 4, expiresAt: T0 + 60_000 });
  await log.append({ type: 'incident-resolved', incidentId: 'INC-1', at: T0 + 5, actor: 'U0BBB', detail: 'SEV1 api: HTTP 503' });
}

for (const [kind, create] of Object.entries(BACKENDS)) {
  describe(`the audit log (${kind})`, () => {
    it('shows silences set and ended among the newest entries (/dr audit), with who and why', async () => {
      const backend = create();
      await backend.auditLog.append({ type: 'incident-opened', incidentId: 'INC-1', at: T0, detail: 'SEV1 api: HTTP 503' });
      await backend.silences.setSilence({
        checkId: 'api',
        since: T0 + 1,
        until: T0 + 3_600_000,
        by: 'U0AAA',
        reason: 'DB upgrade',
        source: 'command',
      });
      await backend.silences.endSilence('api', 'U0BBB', T0 + 2);
      const newest = await backend.auditLog.newest({ limit: 10 });
      expect(newest.map((e) => [e.type, 'checkId' in e ? e.checkId : 'incidentId' in e ? e.incidentId : '', e.actor])).toEqual([
        ['unsilenced', 'api', 'U0BBB'],
        ['silenced', 'api', 'U0AAA'],
        ['incident-opened', 'INC-1', undefined],
      ]);
      expect(newest[1]).toMatchObject({ at: T0 + 1, detail: expect.stringContaining('DB upgrade') });
    });

    it('keeps drill runs (started by whom, how they ended) beside the others, and out of approval readers', async () => {
      const backend = create();
      await backend.auditLog.appendDrill({
        type: 'drill-started',
        drillRunId: 'DRL-1',
        drill: 'orders-restore',
        at: T0,
        actor: 'U0AAA',
        detail: 'restore orders',
      });
      await backend.auditLog.append({ type: 'incident-opened', incidentId: 'INC-1', at: T0 + 1 });
      await backend.auditLog.appendDrill({
        type: 'drill-finished',
        drillRunId: 'DRL-1',
        drill: 'orders-restore',
        at: T0 + 2,
        detail: 'passed',
      });
      const newest = await backend.auditLog.newest({ limit: 10 });
      expect(newest.map(({ id: _id, ...e }) => e)).toEqual([
        { type: 'drill-finished', drillRunId: 'DRL-1', drill: 'orders-restore', at: T0 + 2, detail: 'passed' },
        { type: 'incident-opened', incidentId: 'INC-1', at: T0 + 1 },
        { type: 'drill-started', drillRunId: 'DRL-1', drill: 'orders-restore', at: T0, actor: 'U0AAA', detail: 'restore orders' },
      ]);
      expect(await backend.approvals.readAudit({ limit: 100 })).toEqual([]);
    });

    it('reads newest first across approval and incident entries, page by page', async () => {
      const backend = create();
      await interleaved(backend.auditLog, backend.approvals);
      const newest = await backend.auditLog.newest({ limit: 4 });
      expect(
        newest.map(
          (e) =>
            `${e.type}:${'incidentId' in e ? e.incidentId : 'approvalId' in e ? e.approvalId : 'checkId' in e ? e.checkId : ''}:${e.actor ?? ''}`,
        ),
      ).toEqual(['incident-resolved:INC-1:U0BBB', 'requested:APR-2:U0BBB', 'incident-acknowledged:INC-1:U0AAA', 'page-delivered:INC-1:']);
      expect(newest[3]).toMatchObject({ at: T0 + 2, detail: 'SEV1 is at or above pageAt (SEV2)' });
      const older = await backend.auditLog.newest({ limit: 4, beforeId: newest[3]?.id as string });
      expect(older.map((e) => e.type)).toEqual(['requested', 'incident-opened']);
    });

    it('leaves approval readers with approval entries only, paging on past incident entries', async () => {
      const backend = create();
      await interleaved(backend.auditLog, backend.approvals);
      const first = await backend.approvals.readAudit({ limit: 1 });
      expect(first.map((e) => `${e.type}:${e.approvalId}`)).toEqual(['requested:APR-1']);
      // Two incident entries lie between the requests: a page of one must still reach the next request.
      const next = await backend.approvals.readAudit({ sinceId: first[0]?.id as string, limit: 1 });
      expect(next.map((e) => `${e.type}:${e.approvalId}`)).toEqual(['requested:APR-2']);
      expect((await backend.approvals.readAudit({ limit: 100 })).map((e) => e.approvalId)).toEqual(['APR-1', 'APR-2']);
    });
  });
}

describe('the audit log in Redis', () => {
  it('skips entries of kinds this version does not know (a newer replica wrote them)', async () => {
    const backend = BACKENDS.redis();
    await backend.auditLog.append({ type: 'incident-opened', incidentId: 'INC-1', at: T0 });
    await redisPrefix.redis.xadd(`${redisPrefix.prefix}approvals:audit`, '*', 'type', 'silenced', 'check', 'api', 'at', String(T0 + 1));
    expect((await backend.auditLog.newest({ limit: 10 })).map((e) => e.type)).toEqual(['incident-opened']);
    expect(await backend.approvals.readAudit({ limit: 10 })).toEqual([]);
  });

  it('is trimmed by retention with the approval entries: older than retention.audit goes, newer stays', async () => {
    const backend = BACKENDS.redis();
    await interleaved(backend.auditLog, backend.approvals);
    const retention = new IncidentRetention({
      redis: redisPrefix.redis,
      keyPrefix: redisPrefix.prefix,
      policy: { incidentsMs: 400 * DAY, auditMs: 400 * DAY },
      clock: new ManualClock(),
      logger: silentLogger(),
    });
    // Stream ids carry Redis's own time: a sweep now keeps everything, one past retention drops it all.
    expect((await retention.sweep(Date.now())).auditEntriesTrimmed).toBe(0);
    expect(await backend.auditLog.newest({ limit: 10 })).toHaveLength(6);
    expect((await retention.sweep(Date.now() + 400 * DAY + 60_000)).auditEntriesTrimmed).toBe(6);
    expect(await backend.auditLog.newest({ limit: 10 })).toEqual([]);
  });
});
