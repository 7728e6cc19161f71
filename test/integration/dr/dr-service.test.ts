import { randomUUID } from 'node:crypto';
import { DescribeDBInstancesCommand, PromoteReadReplicaCommand } from '@aws-sdk/client-rds';
import { ChangeResourceRecordSetsCommand, GetChangeCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { beforeEach, describe, expect, it } from 'vitest';
import { ActionPlanner } from '../../../src/actions/action-planner.js';
import { ActionRunner } from '../../../src/actions/action-runner.js';
import { ApprovalEngine } from '../../../src/approvals/approval-engine.js';
import { RedisApprovalStore } from '../../../src/backend/redis/redis-approval-store.js';
import type { FailoverRequest } from '../../../src/core/action-request.js';
import { ControlJournal } from '../../../src/dr/control-journal.js';
import { DrService } from '../../../src/dr/dr-service.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { Metrics } from '../../../src/observability/metrics.js';
import { MANUAL_CLOCK_START, ManualClock } from '../../doubles/manual-clock.js';
import { FakeLagSource, RecordingReporter, cname, commandNames, dbInstance, harness } from '../actions/fixtures.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import { ORDERS_REPLICA_ENDPOINT } from '../../doubles/runbook-fixtures.js';

const db = useRedisPrefix('dr');
const h = harness();
const request: FailoverRequest = { kind: 'failover', runbook: 'orders', dryRun: false, allowDataLoss: false };
const NEW = ORDERS_REPLICA_ENDPOINT;

/** One replica of the service: its own Redis connection, approval engine, planner and runner. */
function replica(name: string, redisIndex: number, clock: ManualClock, lag: FakeLagSource) {
  const journal = new ControlJournal();
  const live = { rds: h.rds, route53: h.route53, lag, clock };
  const planner = new ActionPlanner({ ...live, config: h.config, incidents: { getIncident: async () => null } });
  const reporter = new RecordingReporter();
  const runner = new ActionRunner({
    ...live,
    journal,
    reporter,
    logger: silentLogger(),
    metrics: new Metrics().actions,
    sleep: async (ms) => clock.advance(ms),
  });
  const approvals = new ApprovalEngine({
    store: new RedisApprovalStore({ redis: [db.redis, db.other][redisIndex]!, keyPrefix: db.prefix }),
    clock,
    logger: silentLogger(),
    instanceId: name,
    policy: { approvers: ['U0BBB', 'U0CCC'], requiredApprovals: 1, ttlMs: 15 * 60_000 },
  });
  const dr = new DrService({ planner, runner, approvals, journal, logger: silentLogger() });
  // As app-subscriptions.ts wires it.
  approvals.onExecute(dr.execute);
  return { dr, approvals, reporter };
}

function mockHealthyFailover() {
  const replicaInstance = dbInstance('orders-replica', 'available', { ReadReplicaSourceDBInstanceIdentifier: 'orders-db' });
  const promoted = dbInstance('orders-replica', 'available', { Endpoint: { Address: NEW, Port: 5432 } });
  h.west
    .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-replica' })
    .resolvesOnce({ DBInstances: [replicaInstance] })
    .resolvesOnce({ DBInstances: [replicaInstance] })
    .resolves({ DBInstances: [promoted] });
  h.west.on(PromoteReadReplicaCommand).resolves({ DBInstance: replicaInstance });
  h.r53.on(ListResourceRecordSetsCommand).resolves({
    ResourceRecordSets: [cname('orders.db.example.com.', 'orders-db.abc.us-east-1.rds.amazonaws.com')],
    IsTruncated: false,
    MaxItems: 20,
  });
  h.r53
    .on(ChangeResourceRecordSetsCommand)
    .resolves({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date(MANUAL_CLOCK_START) } });
  h.r53.on(GetChangeCommand).resolves({ ChangeInfo: { Id: '/change/C1', Status: 'INSYNC', SubmittedAt: new Date(MANUAL_CLOCK_START) } });
}

describe('DrService: request, approve, execute', () => {
  let clock: ManualClock;
  let lag: FakeLagSource;
  beforeEach(() => {
    h.reset();
    clock = new ManualClock();
    lag = new FakeLagSource();
    lag.set('orders-lag', 12, clock.now() - 30_000);
  });

  it('a dry run shows the plan and creates no request', async () => {
    mockHealthyFailover();
    const a = replica('a', 0, clock, lag);
    const outcome = await a.dr.submit({ ...request, dryRun: true }, { userId: 'U0AAA' });
    expect(outcome.kind).toBe('dry-run');
    if (outcome.kind !== 'dry-run') return;
    expect(outcome.plan.calls.map((c) => c.operation)).toEqual([
      'PromoteReadReplica',
      'DescribeDBInstances',
      'ChangeResourceRecordSets',
      'GetChange',
    ]);
    expect(await a.approvals.listPending()).toEqual([]);
    expect(commandNames(h.west)).not.toContain('PromoteReadReplicaCommand');
  });

  it('refuses at request time when the lag guard fails, with the plan showing why', async () => {
    mockHealthyFailover();
    lag.set('orders-lag', 900, clock.now() - 30_000);
    const outcome = await replica('a', 0, clock, lag).dr.submit(request, { userId: 'U0AAA' });
    expect(outcome.kind).toBe('refused');
    if (outcome.kind !== 'refused') return;
    expect(outcome.message).toMatch(/lag/i);
    expect(outcome.plan?.preflight.some((p) => !p.ok)).toBe(true);
  });

  it('names the request in the way before planning: a pending request, then an interrupted run that keeps its locks', async () => {
    mockHealthyFailover();
    const a = replica(`a-${randomUUID()}`, 0, clock, lag);
    const first = await a.dr.submit(request, { userId: 'U0AAA' });
    if (first.kind !== 'requested') throw new Error('not requested');
    const id = first.approval.id;
    const reads = h.west.commandCalls(DescribeDBInstancesCommand).length;

    const whilePending = await a.dr.submit(request, { userId: 'U0CCC' });
    expect(whilePending).toEqual({
      kind: 'refused',
      message: `${id} (${first.approval.plan.title}) already uses runbook:failover:orders and is waiting for approval; wait for it to finish or reject it first.`,
    });
    expect(h.west.commandCalls(DescribeDBInstancesCommand)).toHaveLength(reads); // nothing was planned

    // A replica claims the run and dies during the promotion; its lease lapses.
    const dead = new ApprovalEngine({
      store: new RedisApprovalStore({ redis: db.other, keyPrefix: db.prefix }),
      clock,
      logger: silentLogger(),
      instanceId: `dead-${randomUUID()}`,
      policy: { approvers: ['U0BBB', 'U0CCC'], requiredApprovals: 1, ttlMs: 15 * 60_000 },
    });
    let hang: () => void = () => undefined;
    dead.onExecute(async (_approval, control) => {
      await control.started();
      await control.stepStarted({ stepId: 'promote', description: 'Promote read replica orders-replica' });
      await new Promise<void>((resolve) => {
        hang = resolve;
      });
    });
    expect(await dead.approve(id, 'U0BBB', 'orders')).toMatchObject({ ok: true, executing: true });
    await expect.poll(async () => (await a.approvals.get(id))?.run?.currentStep?.stepId).toBe('promote');
    clock.advance(31_000);
    expect((await a.approvals.recoverInterruptedRuns()).map((r) => r.id)).toEqual([id]);
    // AWS finished the promotion: a plan now would fail its pre-flight (no longer a replica).
    h.west
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-replica' })
      .resolves({ DBInstances: [dbInstance('orders-replica', 'available')] });

    const whileInterrupted = await a.dr.submit(request, { userId: 'U0AAA' });
    expect(whileInterrupted).toEqual({
      kind: 'refused',
      message:
        `${id} (${first.approval.plan.title}) was interrupted and still holds runbook:failover:orders: AWS may still be working on it. ` +
        'Check the state in AWS, then release its locks (Release locks on its message) before requesting again.',
    });
    expect(h.west.commandCalls(DescribeDBInstancesCommand)).toHaveLength(reads);
    // A dry run still shows the plan (and why it would fail now): it locks nothing.
    expect(await a.dr.submit({ ...request, dryRun: true }, { userId: 'U0AAA' })).toMatchObject({ kind: 'dry-run' });
    hang();
    await dead.whenIdle();
    expect(await a.approvals.release(id, 'U0BBB', () => true)).toMatchObject({ ok: true });
  });

  it('executes exactly once when approvers click Approve on two replicas at once, and records the RTO', async () => {
    mockHealthyFailover();
    const a = replica(`a-${randomUUID()}`, 0, clock, lag);
    const b = replica(`b-${randomUUID()}`, 1, clock, lag);
    const submitted = await a.dr.submit(request, { userId: 'U0AAA' });
    expect(submitted.kind).toBe('requested');
    if (submitted.kind !== 'requested') return;
    const id = submitted.approval.id;

    expect(await a.approvals.approve(id, 'U0AAA', 'orders')).toMatchObject({ ok: false, reason: 'own-request' });
    // Promotion is destructive: approving without typing the runbook's name changes nothing.
    expect(await b.approvals.approve(id, 'U0BBB')).toMatchObject({ ok: false, reason: 'confirmation-required' });
    const clicks = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).approvals.approve(id, i % 3 === 0 ? 'U0CCC' : 'U0BBB', 'orders')),
    );
    expect(clicks.filter((c) => c.ok && c.executing)).toHaveLength(1);
    await Promise.all([a.approvals.whenIdle(), b.approvals.whenIdle()]);

    expect(commandNames(h.west).filter((n) => n === 'PromoteReadReplicaCommand')).toHaveLength(1);
    expect(commandNames(h.r53).filter((n) => n === 'ChangeResourceRecordSetsCommand')).toHaveLength(1);
    const done = await a.approvals.get(id);
    expect(done?.state).toBe('succeeded');
    expect(done?.run?.steps.map((s) => s.stepId)).toEqual(['promote', 'wait-promoted', 'dns-upsert', 'dns-insync']);
    // What each step saw is kept on the request, and so in the audit log.
    expect(done?.run?.steps[0]?.note).toMatch(/^PromoteReadReplica accepted for orders-replica/);
    expect(done?.run?.steps[3]?.note).toMatch(/^DNS change C1 is INSYNC/);
    expect(done?.run?.detail).toMatchObject({ status: 'succeeded', elapsedMs: expect.any(Number), dataLossWindowSeconds: 12 });
    const progress = [...a.reporter.trace(), ...b.reporter.trace()];
    expect(progress.at(-1)).toBe('finished:succeeded');
  });
});
