import { describe, expect, it } from 'vitest';
import { ApprovalEngine } from '../../../src/approvals/approval-engine.js';
import type { ApprovalRefusal } from '../../../src/approvals/approval-refusal.js';
import { MemoryApprovalStore } from '../../../src/backend/memory/memory-approval-store.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { Metrics } from '../../../src/observability/metrics.js';
import { APPROVERS, gate, type Replica, replicaTestbed, TTL_MS } from './engine-harness.js';
import { aFailoverPlan, aRestorePlan } from './fixtures.js';

const bed = replicaTestbed('approval-runs');
const { clock, executions, replica } = bed;

async function approvedRun(on: Replica, plan = aRestorePlan()): Promise<string> {
  const result = await on.engine.request(plan, 'U-REQ');
  if (!result.ok) throw new Error(result.message);
  const approved = await on.engine.approve(result.approval.id, 'U-APP', plan.destructive ? plan.subject : undefined);
  if (!approved.ok || !approved.executing) throw new Error('approval did not start the run');
  await on.engine.whenIdle();
  return result.approval.id;
}

async function gaugeValue(metrics: Metrics): Promise<number | undefined> {
  return (await metrics.approvalsPending.get()).values[0]?.value;
}

describe('approval engine runs', () => {
  it('hands the approved plan to the runner once and announces each report in order; the pending gauge follows', async () => {
    const metrics = new Metrics();
    const a = replica('a', {
      metrics,
      runner: async (approval, control) => {
        await control.started();
        for (const call of approval.plan.calls) {
          await control.stepStarted({ stepId: call.id, description: call.description });
          clock.advance(2_000);
          await control.stepDone({ stepId: call.id, description: call.description });
        }
        await control.succeeded('Failed over in 4 s', { elapsedMs: 4_000 });
      },
    });
    const request = await a.engine.request(aFailoverPlan(), 'U-REQ');
    if (!request.ok) throw new Error(request.message);
    expect(await gaugeValue(metrics)).toBe(1);

    await a.engine.approve(request.approval.id, 'U-APP', 'orders');
    expect(await gaugeValue(metrics)).toBe(0);
    await a.engine.whenIdle();

    expect(executions).toHaveLength(1);
    expect(executions[0]!.approval.plan).toEqual(aFailoverPlan());
    expect(a.changes.map((c) => [c.transition, c.actor, c.approval.state])).toEqual([
      ['requested', 'U-REQ', 'pending'],
      ['approved', 'U-APP', 'approved'],
      ['started', 'replica-a', 'running'],
      ['step-started', 'replica-a', 'running'],
      ['step-done', 'replica-a', 'running'],
      ['step-started', 'replica-a', 'running'],
      ['step-done', 'replica-a', 'running'],
      ['succeeded', 'replica-a', 'succeeded'],
    ]);
    const final = a.changes.at(-1)!.approval;
    expect(final.run).toMatchObject({ message: 'Failed over in 4 s', detail: { elapsedMs: 4_000 } });
    expect(final.run?.steps.map((s) => s.stepId)).toEqual(['promote', 'dns-upsert']);
  });

  it('a runner that throws is recorded as failed with a plain message, and its resources are freed', async () => {
    const a = replica('a', {
      runner: async (_approval, control) => {
        await control.started();
        throw new Error('ECONNRESET talking to rds.us-west-2.amazonaws.com with key AKIA...');
      },
    });
    const id = await approvedRun(a, aFailoverPlan());
    const run = (await a.engine.get(id))!;
    expect(run.state).toBe('failed');
    expect(run.run?.message).toBe(
      `The run stopped on an unexpected error (see the Lifeboat logs for ${id}); check what was done before retrying.`,
    );
    expect(await a.engine.request(aFailoverPlan({ id: 'next' }), 'U-REQ')).toMatchObject({ ok: true });
  });

  it('a runner that returns without an outcome is recorded as failed', async () => {
    const a = replica('a', { runner: async (_approval, control) => void (await control.started()) });
    const id = await approvedRun(a);
    expect((await a.engine.get(id))?.run?.message).toBe(
      'The run ended without reporting an outcome, so it is recorded as failed; check what was done before retrying.',
    );
  });

  it('with no runner plugged in, an approved request fails closed instead of hanging with its locks held', async () => {
    const engine = new ApprovalEngine({
      store: new MemoryApprovalStore(),
      clock,
      logger: silentLogger(),
      instanceId: 'lonely',
      policy: { approvers: APPROVERS, requiredApprovals: 1, ttlMs: TTL_MS },
    });
    const request = await engine.request(aRestorePlan(), 'U-REQ');
    if (!request.ok) throw new Error(request.message);
    await engine.approve(request.approval.id, 'U-APP');
    await engine.whenIdle();
    expect(await engine.get(request.approval.id)).toMatchObject({ state: 'failed' });
    expect(await engine.request(aRestorePlan({ id: 'plan-next' }), 'U-REQ')).toMatchObject({ ok: true });
  });

  it('a live run keeps renewing its lease, so another replica never marks it interrupted', async () => {
    const hold = gate();
    // A 90 ms lease renews every 30 ms of real time; the manual clock moves in between.
    const a = replica('a', {
      runLeaseMs: 90,
      runner: async (_approval, control) => {
        await control.started();
        await hold.wait;
        await control.succeeded('done');
      },
    });
    const b = replica('b', { runLeaseMs: 90 });
    const request = await a.engine.request(aRestorePlan(), 'U-REQ');
    if (!request.ok) throw new Error(request.message);
    await a.engine.approve(request.approval.id, 'U-APP');
    for (let i = 0; i < 4; i += 1) {
      clock.advance(60);
      const renewedTo = clock.now() + 90;
      await expect.poll(async () => (await b.engine.get(request.approval.id))?.run?.leaseExpiresAt, { interval: 10 }).toBe(renewedTo);
      expect(await b.engine.recoverInterruptedRuns()).toEqual([]);
    }
    hold.open();
    await a.engine.whenIdle();
    expect((await b.engine.get(request.approval.id))?.state).toBe('succeeded');
  });

  it('a runner whose run was taken stops: its reports throw RUN_LOST and its signal aborts', async () => {
    const hold = gate();
    let outcome: unknown;
    let signal: AbortSignal | undefined;
    const a = replica('a', {
      runner: async (_approval, control) => {
        signal = control.signal;
        await control.started();
        await hold.wait;
        outcome = await control.succeeded('done').catch((err: unknown) => err);
      },
    });
    const b = replica('b');
    const request = await a.engine.request(aRestorePlan(), 'U-REQ');
    if (!request.ok) throw new Error(request.message);
    await a.engine.approve(request.approval.id, 'U-APP');
    await expect.poll(async () => (await b.engine.get(request.approval.id))?.state).toBe('running');
    clock.advance(30_000);
    expect(await b.engine.recoverInterruptedRuns()).toHaveLength(1);

    hold.open();
    await a.engine.whenIdle();
    expect(outcome).toMatchObject({ code: 'LIFEBOAT_APPROVAL_RUN_LOST' });
    expect(signal?.aborted).toBe(true);
    const final = await b.engine.get(request.approval.id);
    expect(final?.state).toBe('interrupted');
    expect(final?.run?.interruptedBy).toBe('replica-b');
  });

  it('reporting a step before started() is a runner bug that fails the run, not a lost run', async () => {
    let thrown: unknown;
    const a = replica('a', {
      runner: async (_approval, control) => {
        thrown = await control.stepStarted({ stepId: 'x', description: 'x' }).catch((err: unknown) => err);
        throw thrown;
      },
    });
    const id = await approvedRun(a);
    expect(thrown).toMatchObject({ code: 'LIFEBOAT_APPROVAL_RUN_MISUSE' });
    expect((await a.engine.get(id))?.state).toBe('failed');
  });

  it('a background sweep expires lapsed requests and announces them', async () => {
    const a = replica('a');
    const request = await a.engine.request(aRestorePlan(), 'U-REQ');
    if (!request.ok) throw new Error(request.message);
    clock.advance(TTL_MS);
    a.engine.startSweeping(10);
    await expect.poll(() => a.changes.map((c) => c.transition)).toEqual(['requested', 'expired']);
    await a.engine.stop();
  });

  it("each replica's pending gauge catches up with requests made on other replicas at the next sweep pass", async () => {
    const metrics = new Metrics();
    const a = replica('a', { metrics });
    const b = replica('b');
    a.engine.startSweeping(10);
    await b.engine.request(aRestorePlan(), 'U-REQ');
    await expect.poll(() => gaugeValue(metrics)).toBe(1);
    await a.engine.stop();
  });
});

describe('rejecting', () => {
  it('any approver can reject; the requester may withdraw; anyone else is refused', async () => {
    const a = replica('a');
    const first = await a.engine.request(aRestorePlan(), 'U-REQ');
    if (!first.ok) throw new Error(first.message);
    const outsider = (await a.engine.reject(first.approval.id, 'U-OPERATOR')) as ApprovalRefusal;
    expect(outsider).toMatchObject({
      ok: false,
      reason: 'not-allowed-to-reject',
      message: 'Only approvers or the person who requested this restore can reject it.',
    });
    expect(await a.engine.reject(first.approval.id, 'U-APP2', '  wrong snapshot  ')).toMatchObject({
      ok: true,
      approval: { state: 'rejected', rejection: { userId: 'U-APP2', reason: 'wrong snapshot' } },
    });
    expect(await a.engine.approve(first.approval.id, 'U-APP')).toMatchObject({
      ok: false,
      reason: 'not-pending',
      message: 'This restore request was rejected; nothing will run.',
    });

    const second = await a.engine.request(aRestorePlan({ id: 'plan-second' }), 'U-REQ');
    if (!second.ok) throw new Error(second.message);
    expect(await a.engine.reject(second.approval.id, 'U-REQ')).toMatchObject({ ok: true });
    expect(executions).toEqual([]);
  });
});

describe('local mode (memory store)', () => {
  it('runs the same request, approve and run lifecycle on one replica', async () => {
    const a = replica('local', { store: new MemoryApprovalStore() });
    const id = await approvedRun(a, aFailoverPlan());
    expect((await a.engine.get(id))?.state).toBe('succeeded');
    expect((await a.engine.readAudit({ limit: 10 })).map((e) => e.type)).toEqual(['requested', 'approved', 'started', 'succeeded']);
  });
});
