import { describe, expect, it } from 'vitest';
import { isIncidentAuditEntry } from '../../../src/audit/audit-log.js';
import { AuditRecorder } from '../../../src/audit/audit-recorder.js';
import { loadIncidentTimeline } from '../../../src/audit/incident-timeline.js';
import { renderTimelineMarkdown } from '../../../src/audit/render-timeline.js';
import type { Backend } from '../../../src/backend/create-backend.js';
import type { IncidentEvent } from '../../../src/core/incident.js';
import { IncidentEngine } from '../../../src/incidents/incident-engine.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { ManualClock, MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import { fail, pass } from '../../doubles/results.js';
import { testBackend } from '../../doubles/test-backend.js';
import { aFailoverPlan, aRestorePlan } from '../approvals/fixtures.js';

/*
 * The postmortem timeline (SPEC §11) read back from the real Redis stores: incident events, the
 * audit log's page entries, and the approval records of a failover proposed from the incident.
 */

const redisPrefix = useRedisPrefix('incident-timeline', { perTest: true });
const T0 = MANUAL_CLOCK_START; // 2026-11-21 12:00:00 UTC
const RUNNER = 'replica-a';
const LEASE = 60_000;

/** Checks that depend on `api` (SPEC §9 `dependsOn`): their failures join api's incident. */
const CHILDREN = Array.from({ length: 45 }, (_, i) => `svc-${String(i + 1).padStart(2, '0')}`);

function setup() {
  const clock = new ManualClock();
  const backend = testBackend(redisPrefix.redis, redisPrefix.prefix, clock);
  const retention = backend.retention;
  if (!retention) throw new Error('the Redis backend has a retention');
  const engine = new IncidentEngine({
    store: backend.store,
    clock,
    logger: silentLogger(),
    policies: new Map(['api', 'orders-api', ...CHILDREN].map((id) => [id, { failAfter: 1, recoverAfter: 1 }])),
    dependencies: new Map(['orders-api', ...CHILDREN].map((id) => [id, ['api']])),
    fencing: { mode: 'unfenced' },
  });
  const recorder = new AuditRecorder(backend.auditLog, silentLogger());
  engine.subscribe(recorder.onIncidentChange);
  // As app-subscriptions.ts wires it: compaction on the resolved event.
  engine.subscribe((change) => (change.event?.type === 'resolved' ? retention.onResolved(change.incident) : undefined));
  const sources = { store: backend.store, auditLog: backend.auditLog, approvals: backend.approvals, compactions: retention };
  return { clock, backend, engine, recorder, sources };
}

async function markdownOf(sources: ReturnType<typeof setup>['sources'], id: string, now: number): Promise<string> {
  const timeline = await loadIncidentTimeline(id, sources);
  if (!timeline) throw new Error(`no timeline for ${id}`);
  return renderTimelineMarkdown(timeline, now);
}

/** The table's rows: what happened and its detail, in order. */
function rows(markdown: string): string[] {
  return markdown
    .split('\n')
    .filter((l) => /^\| 20/.test(l))
    .map((l) => l.split(' | ').slice(3).join(' | '));
}

/** api fails at SEV2, then every child in `children` fails at SEV3 (one second apart), then api recovers. */
async function parentWithChildren(engine: IncidentEngine, clock: ManualClock, children: string[]): Promise<void> {
  await engine.apply(fail('SEV2', 'api', clock.now()));
  for (const [i, child] of children.entries()) {
    clock.advance(1_000);
    const joined = await engine.apply(fail('SEV3', child, clock.now(), 500 + (i % 5)));
    expect(joined?.event?.type).toBe('child-failed');
  }
  clock.advance(60_000);
  await engine.apply(pass('api', clock.now()));
}

/** Runs an approved failover through the approval store as the runner does, the clock moving between steps. */
async function approvedFailover(backend: Backend, clock: ManualClock, incidentId: string | undefined): Promise<string> {
  const plan = aFailoverPlan({
    id: `plan-${incidentId ?? 'none'}`,
    request: { kind: 'failover', runbook: 'orders', dryRun: false, allowDataLoss: false, ...(incidentId ? { incidentId } : {}) },
  });
  const created = await backend.approvals.create({
    plan,
    requester: 'U0AAA',
    requiredApprovals: 1,
    createdAt: clock.now(),
    expiresAt: clock.now() + 15 * 60_000,
  });
  if (!created.ok) throw new Error('create refused');
  const id = created.approval.id;
  clock.advance(60_000);
  const approved = await backend.approvals.approve(id, {
    approverId: 'U0BBB',
    at: clock.now(),
    runnerId: RUNNER,
    leaseExpiresAt: clock.now() + LEASE,
  });
  expect(approved.kind).toBe('execute');
  clock.advance(5_000);
  const run = () => ({ runnerId: RUNNER, at: clock.now(), leaseExpiresAt: clock.now() + LEASE });
  expect((await backend.approvals.startRun(id, run())).ok).toBe(true);
  clock.advance(41_000);
  const promote = {
    stepId: 'promote',
    description: 'Promote orders-replica to a standalone primary',
    at: clock.now(),
    note: 'available after 41 s',
  };
  expect((await backend.approvals.stepDone(id, { ...run(), step: promote })).ok).toBe(true);
  clock.advance(14_000);
  const dns = {
    stepId: 'dns-upsert',
    description: 'Point orders.db.example.com at orders-replica',
    at: clock.now(),
    note: 'INSYNC after 14 s',
  };
  expect((await backend.approvals.stepDone(id, { ...run(), step: dns })).ok).toBe(true);
  clock.advance(1_000);
  return succeeded(backend, clock, id, 'Failover orders to us-west-2 succeeded in 56 s');
}

/** The runner's last word on a run: succeeded, with `message`, now. */
async function succeeded(backend: Backend, clock: ManualClock, id: string, message: string): Promise<string> {
  const finished = await backend.approvals.finishRun(id, { runnerId: RUNNER, at: clock.now(), outcome: 'succeeded', message });
  expect(finished.ok).toBe(true);
  return id;
}

/** A status-page post about the incident, approved and published. */
async function statusPagePost(backend: Backend, clock: ManualClock, incidentId: string): Promise<string> {
  const plan = aFailoverPlan({
    id: `plan-statuspage-${incidentId}`,
    request: { kind: 'statuspage', incidentId, status: 'investigating', message: 'Checkout is failing for some customers' },
    title: `Status page: investigating for ${incidentId}`,
    subject: incidentId,
    calls: [],
    resources: [`statuspage:${incidentId}`],
    destructive: false,
    warnings: [],
  });
  const created = await backend.approvals.create({
    plan,
    requester: 'U0AAA',
    requiredApprovals: 1,
    createdAt: clock.now(),
    expiresAt: clock.now() + 60_000,
  });
  if (!created.ok) throw new Error('create refused');
  const id = created.approval.id;
  clock.advance(30_000);
  await backend.approvals.approve(id, { approverId: 'U0BBB', at: clock.now(), runnerId: RUNNER, leaseExpiresAt: clock.now() + LEASE });
  clock.advance(1_000);
  await backend.approvals.startRun(id, { runnerId: RUNNER, at: clock.now(), leaseExpiresAt: clock.now() + LEASE });
  clock.advance(1_000);
  return succeeded(backend, clock, id, 'Published "investigating" to the status page');
}

describe('the postmortem timeline of an incident with an approved failover', () => {
  it('lists detection, escalation, page, ack, every failover step, the status-page post and the recovery, with times and the time between each', async () => {
    const { clock, backend, engine, recorder, sources } = setup();
    await engine.apply(fail('SEV3', 'api', clock.now()));
    clock.advance(60_000);
    await engine.apply(fail('SEV1', 'api', clock.now()));
    clock.advance(30_000);
    await recorder.onPage({ kind: 'delivered', incidentId: 'INC-1', at: clock.now(), reason: 'SEV1 is at or above pageAt (SEV2)' });
    clock.advance(30_000);
    expect((await engine.acknowledge('INC-1', 'U0AAA')).ok).toBe(true);
    clock.advance(60_000);
    const failover = await approvedFailover(backend, clock, 'INC-1');
    clock.advance(30_000);
    const post = await statusPagePost(backend, clock, 'INC-1');
    // A request about nothing (or another incident) is not part of this incident's timeline.
    clock.advance(1_000);
    await backend.approvals.create({
      plan: aRestorePlan(),
      requester: 'U0CCC',
      requiredApprovals: 1,
      createdAt: clock.now(),
      expiresAt: clock.now() + 60_000,
    });
    clock.advance(120_000);
    await engine.apply(pass('api', clock.now()));

    // Every transition was audited once, with who made it (the monitor: nobody).
    const audited = (await backend.auditLog.newest({ limit: 100 })).filter(isIncidentAuditEntry).reverse();
    expect(audited.map((e) => [e.type, e.at - T0, e.actor ?? null, e.detail])).toEqual([
      ['incident-opened', 0, null, 'SEV3 api: HTTP 503 (expected 200)'],
      ['incident-escalated', 60_000, null, 'SEV3 → SEV1 api: HTTP 503 (expected 200)'],
      ['page-delivered', 90_000, null, 'SEV1 is at or above pageAt (SEV2)'],
      ['incident-acknowledged', 120_000, 'U0AAA', 'SEV1 api: HTTP 503 (expected 200)'],
      ['incident-resolved', 484_000, null, 'SEV1 api: HTTP 200 in 5ms'],
    ]);

    const timeline = await loadIncidentTimeline('INC-1', sources);
    expect(timeline).not.toBeNull();
    const markdown = renderTimelineMarkdown(timeline as NonNullable<typeof timeline>, clock.now());
    expect([failover, post]).toEqual(['APR-1', 'APR-2']);
    expect(markdown).toBe(
      [
        '# INC-1: api (SEV1 at worst)',
        '',
        '- Measured last: HTTP 200 in 5ms',
        '- Opened: 2026-11-21 12:00:00 UTC',
        '- Resolved: 2026-11-21 12:08:04 UTC, after 8m 4s',
        '- Acknowledged: 2026-11-21 12:02:00 UTC by @U0AAA, 2m after it opened',
        '',
        '| Time (UTC) | Since opened | Since previous | What happened | Who | Detail |',
        '| --- | --- | --- | --- | --- | --- |',
        '| 2026-11-21 12:00:00 UTC | +0s | — | Detected at SEV3 on api |  | HTTP 503 (expected 200) |',
        '| 2026-11-21 12:01:00 UTC | +1m | +1m | Escalated SEV3 → SEV1 |  | HTTP 503 (expected 200) |',
        '| 2026-11-21 12:01:30 UTC | +1m 30s | +30s | Paged on-call (PagerDuty accepted the trigger) |  | SEV1 is at or above pageAt (SEV2) |',
        '| 2026-11-21 12:02:00 UTC | +2m | +30s | Acknowledged | @U0AAA |  |',
        '| 2026-11-21 12:03:00 UTC | +3m | +1m | Failover proposed (APR-1) | @U0AAA | Failover orders to us-west-2 |',
        '| 2026-11-21 12:04:00 UTC | +4m | +1m | APR-1 approved (1 of 1) | @U0BBB |  |',
        '| 2026-11-21 12:04:05 UTC | +4m 5s | +5s | APR-1 run started |  |  |',
        '| 2026-11-21 12:04:46 UTC | +4m 46s | +41s | APR-1 step promote done after 41s |  | Promote orders-replica to a standalone primary (available after 41 s) |',
        '| 2026-11-21 12:05:00 UTC | +5m | +14s | APR-1 step dns-upsert done after 14s |  | Point orders.db.example.com at orders-replica (INSYNC after 14 s) |',
        '| 2026-11-21 12:05:01 UTC | +5m 1s | +1s | APR-1 succeeded in 56s |  | Failover orders to us-west-2 succeeded in 56 s |',
        '| 2026-11-21 12:05:31 UTC | +5m 31s | +30s | Status page post proposed (APR-2) | @U0AAA | Status page: investigating for INC-1 |',
        '| 2026-11-21 12:06:01 UTC | +6m 1s | +30s | APR-2 approved (1 of 1) | @U0BBB |  |',
        '| 2026-11-21 12:06:02 UTC | +6m 2s | +1s | APR-2 run started |  |  |',
        '| 2026-11-21 12:06:03 UTC | +6m 3s | +1s | APR-2 succeeded in 1s (published) |  | Published "investigating" to the status page |',
        '| 2026-11-21 12:08:04 UTC | +8m 4s | +2m 1s | Recovered (checks pass again) |  | HTTP 200 in 5ms |',
        '',
      ].join('\n'),
    );
  });

  it('shows a declared incident as declared by its person, resolved by hand, and unknown event kinds generically', async () => {
    const { clock, backend, engine, sources } = setup();
    await engine.declare({ severity: 'SEV2', title: 'Checkout | payments failing', actor: 'U0AAA' });
    clock.advance(90_000);
    expect((await engine.resolve('INC-1', 'pagerduty:Jane Doe', 'card processor back')).ok).toBe(true);
    // Another version's event kind (children joining a parent's incident), as its store returns it.
    const foreign = {
      type: 'child-joined',
      incidentId: 'INC-1',
      checkId: 'orders-api',
      at: T0 + 30_000,
      severity: 'SEV2',
      summary: 'HTTP 502',
      measurement: { kind: 'http', status: 502, url: 'https://orders/health' },
    } as unknown as IncidentEvent;
    const store = {
      getIncident: (id: string) => backend.store.getIncident(id),
      getIncidentEvents: async (id: string) => [...(await backend.store.getIncidentEvents(id)), foreign],
    };
    const timeline = await loadIncidentTimeline('INC-1', { ...sources, store });
    expect(timeline?.incident.checkId).toBe('declared:checkout-payments-failing');
    const markdown = renderTimelineMarkdown(timeline as NonNullable<typeof timeline>, clock.now());
    expect(markdown).toContain('| 2026-11-21 12:00:00 UTC | +0s | — | Declared at SEV2 | @U0AAA | Checkout \\| payments failing |');
    expect(markdown).toContain('# INC-1: Checkout | payments failing (SEV2 at worst)');
    expect(markdown).toContain('| 2026-11-21 12:00:30 UTC | +30s | +30s | child-joined (orders-api) |  | HTTP 502 |');
    expect(markdown).toContain('| Resolved by hand | Jane Doe (PagerDuty) | card processor back |');
  });

  it('names the child that joined the parent, with its severity and measurement, in the timeline and the audit log', async () => {
    const { clock, backend, engine, sources } = setup();
    await engine.apply(fail('SEV2', 'api', clock.now()));
    clock.advance(20_000);
    await engine.apply(fail('SEV3', 'orders-api', clock.now(), 502));

    const audited = (await backend.auditLog.newest({ limit: 10 })).filter(isIncidentAuditEntry);
    expect(audited.map((e) => [e.type, e.incidentId, e.detail])).toEqual([
      ['incident-child-failed', 'INC-1', 'SEV3 orders-api (depends on api): HTTP 502 (expected 200)'],
      ['incident-opened', 'INC-1', 'SEV2 api: HTTP 503 (expected 200)'],
    ]);
    const markdown = await markdownOf(sources, 'INC-1', clock.now());
    expect(markdown).toContain(
      '| 2026-11-21 12:00:20 UTC | +20s | +20s | Dependent check orders-api failing at SEV3, joined this incident |  | HTTP 502 (expected 200) |',
    );
    expect(markdown).not.toContain('child-failed');
  });

  it('shows its check silenced and unsilenced while it was open, by whom and until when, and nothing of other checks or after it resolved', async () => {
    const { clock, backend, engine, sources } = setup();
    await engine.apply(fail('SEV2', 'api', clock.now()));
    clock.advance(60_000);
    const silence = {
      checkId: 'api',
      since: clock.now(),
      until: clock.now() + 3_600_000,
      reason: 'replica rebuild',
      source: 'command' as const,
    };
    await backend.silences.setSilence({ ...silence, by: 'U0AAA' });
    await backend.silences.setSilence({ ...silence, checkId: 'orders-api', by: 'U0AAA' });
    clock.advance(60_000);
    await backend.silences.endSilence('api', 'U0BBB', clock.now());
    clock.advance(60_000);
    const window = {
      checkId: 'api',
      since: clock.now(),
      until: clock.now() + 600_000,
      reason: 'DB upgrade',
      source: 'maintenance' as const,
    };
    await backend.silences.auditWindowOpened(window);
    clock.advance(60_000);
    await backend.silences.endWindow(window, 'U0BBB', clock.now());
    clock.advance(60_000);
    await engine.apply(pass('api', clock.now()));
    clock.advance(60_000);
    await backend.silences.setSilence({ ...silence, since: clock.now(), by: 'U0AAA', reason: 'after the fact' });

    expect(rows(await markdownOf(sources, 'INC-1', clock.now()))).toEqual([
      'Detected at SEV2 on api |  | HTTP 503 (expected 200) |',
      'Silenced on api: nobody paged, nothing new posted | @U0AAA | until 2026-11-21T13:01:00.000Z: replica rebuild |',
      'api no longer silenced | @U0BBB | ended early |',
      'Maintenance window opened on api: nobody paged, nothing new posted |  | until 2026-11-21T12:13:00.000Z: DB upgrade |',
      'api no longer silenced | @U0BBB | maintenance window ended early (configured until 2026-11-21T12:13:00.000Z: DB upgrade) |',
      'Recovered (checks pass again) |  | HTTP 200 in 5ms |',
    ]);
  });

  it("keeps every step of a parent's timeline when retention compacts its 47 events at resolution, from the audit log", async () => {
    const { clock, backend, engine, sources } = setup();
    await parentWithChildren(engine, clock, CHILDREN);

    // Compaction did drop events from the store (the first and last 20 stay) ...
    const events = await backend.store.getIncidentEvents('INC-1');
    expect(events).toHaveLength(40);
    // ... and the timeline still lists the opening, all 45 children in order and the recovery.
    const markdown = await markdownOf(sources, 'INC-1', clock.now());
    const table = rows(markdown);
    expect(table).toHaveLength(47);
    expect(table[0]).toBe('Detected at SEV2 on api |  | HTTP 503 (expected 200) |');
    expect(table.at(-1)).toBe('Recovered (checks pass again) |  | HTTP 200 in 5ms |');
    const children = table.slice(1, -1);
    expect(children.map((row) => /svc-\d\d/.exec(row)?.[0])).toEqual(CHILDREN);
    // The 7 dropped ones (children 20 to 26) come from their audit entries, which name them too.
    expect(children[19]).toBe('Dependent check failing, joined this incident |  | SEV3 svc-20 (depends on api): HTTP 504 (expected 200) |');
    expect(children[18]).toBe('Dependent check svc-19 failing at SEV3, joined this incident |  | HTTP 503 (expected 200) |');
    expect(markdown).not.toContain('compacted');
  });

  it('says how many compacted events are gone once the audit log no longer holds them', async () => {
    const { clock, backend, engine, sources } = setup();
    await parentWithChildren(engine, clock, CHILDREN.slice(0, 43));
    // retention.audit shorter than retention.incidents: the audit entries went before the incident.
    await redisPrefix.redis.xtrim(`${redisPrefix.prefix}approvals:audit`, 'MINID', Date.now() + 1_000);

    const markdown = await markdownOf(sources, 'INC-1', clock.now());
    expect(rows(markdown)).toHaveLength(40);
    expect(await backend.store.getIncidentEvents('INC-1')).toHaveLength(40);
    expect(markdown).toContain(
      '_5 events compacted when the incident resolved, between 2026-11-21 12:00:20 UTC and 2026-11-21 12:00:24 UTC, ' +
        'are no longer in the audit log (trimmed by `retention.audit`, or older than the entries searched): the table is incomplete there._',
    );
  });

  it('is null for an incident that does not exist', async () => {
    const { sources } = setup();
    expect(await loadIncidentTimeline('INC-404', sources)).toBeNull();
  });
});
