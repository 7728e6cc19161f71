import { describe, expect, it } from 'vitest';
import { RedisApprovalStore } from '../../../src/backend/redis/redis-approval-store.js';
import { type Replica, type ReplicaOptions, replicaTestbed } from './engine-harness.js';
import { aRestorePlan } from './fixtures.js';
import { LostReplyStore } from './lost-reply-store.js';

// Redis may run a command whose reply never reaches the client (commandTimeout), or run it twice
// (resent on reconnect). The engine must neither waste an approval nor run a plan twice.

const bed = replicaTestbed('approval-lost-replies');
const { executions } = bed;

/** A replica whose Redis replies can be lost on demand. */
function flakyReplica(name: string, options: Partial<ReplicaOptions> = {}): { replica: Replica; flaky: LostReplyStore } {
  const redis = bed.connection();
  const flaky = new LostReplyStore(new RedisApprovalStore({ redis, keyPrefix: bed.keyPrefix() }));
  return { replica: bed.replica(name, { store: flaky, ...options }), flaky };
}

async function requested(on: Replica): Promise<string> {
  const result = await on.engine.request(aRestorePlan(), 'U-REQ');
  if (!result.ok) throw new Error(result.message);
  return result.approval.id;
}

async function auditTypes(): Promise<string[]> {
  const store = new RedisApprovalStore({ redis: bed.admin(), keyPrefix: bed.keyPrefix() });
  return (await store.readAudit({ limit: 100 })).map((entry) => `${entry.type}:${entry.actor ?? ''}`);
}

describe('an approval whose reply was lost', () => {
  it('when Redis applied it but the reply timed out, the run this replica claimed still starts, once, and the approver is told it runs', async () => {
    const { replica: a, flaky } = flakyReplica('a');
    const id = await requested(a);
    flaky.lose.approve = 'timeout';

    expect(await a.engine.approve(id, 'U-APP')).toMatchObject({ ok: true, executing: true, approval: { id, state: 'approved' } });
    await a.engine.whenIdle();

    expect(executions.map((e) => e.replica)).toEqual(['a']);
    expect((await a.engine.get(id))?.state).toBe('succeeded');
    expect(a.changes.map((c) => `${c.transition}:${c.actor ?? ''}`)).toEqual([
      'requested:U-REQ',
      'approved:U-APP',
      'started:replica-a',
      'succeeded:replica-a',
    ]);
    expect(await auditTypes()).toEqual(['requested:U-REQ', 'approved:U-APP', 'started:replica-a', 'succeeded:replica-a']);
  });

  it('when the client re-sent it after reconnecting (Redis ran it twice), the run starts once instead of the approver hearing "already approved"', async () => {
    const { replica: a, flaky } = flakyReplica('a');
    const id = await requested(a);
    flaky.lose.approve = 'resend';

    expect(await a.engine.approve(id, 'U-APP')).toMatchObject({ ok: true, executing: true });
    await a.engine.whenIdle();

    expect(executions).toHaveLength(1);
    expect((await a.engine.get(id))?.state).toBe('succeeded');
    expect((await auditTypes()).filter((t) => t.startsWith('approved:'))).toEqual(['approved:U-APP']);
  });

  it('when more approvals are needed, the vote Redis recorded is reported as recorded and announced', async () => {
    const { replica: a, flaky } = flakyReplica('a', { policy: { requiredApprovals: 2 } });
    const id = await requested(a);
    flaky.lose.approve = 'timeout';

    expect(await a.engine.approve(id, 'U-APP')).toMatchObject({ ok: true, executing: false, approval: { state: 'pending' } });
    expect(a.changes.map((c) => `${c.transition}:${c.actor ?? ''}`)).toEqual(['requested:U-REQ', 'approved:U-APP']);
    expect(executions).toEqual([]);
  });

  it('when Redis never got it, the error stands and nothing was approved or run', async () => {
    const { replica: a, flaky } = flakyReplica('a');
    const id = await requested(a);
    flaky.lose.approve = 'unsent';

    await expect(a.engine.approve(id, 'U-APP')).rejects.toMatchObject({ code: 'LIFEBOAT_STORE_UNAVAILABLE' });
    await a.engine.whenIdle();
    expect(executions).toEqual([]);
    expect(await a.engine.get(id)).toMatchObject({ state: 'pending', approvals: [] });
  });

  it('a run claimed by another replica is never started here, even if this replica lost its own reply', async () => {
    const { replica: a, flaky } = flakyReplica('a');
    const b = flakyReplica('b').replica;
    const id = await requested(a);
    expect(await b.engine.approve(id, 'U-APP')).toMatchObject({ ok: true, executing: true });
    flaky.lose.approve = 'timeout';

    // The store refuses a's click (not pending), so there is nothing of a's to recover.
    expect(await a.engine.approve(id, 'U-APP2')).toMatchObject({ ok: false, reason: 'not-pending' });
    await Promise.all([a.engine.whenIdle(), b.engine.whenIdle()]);
    expect(executions.map((e) => e.replica)).toEqual(['b']);
  });

  it('two Approve clicks by one approver on one replica start one run, though the second looks like a re-sent approval', async () => {
    const { replica: a } = flakyReplica('a');
    const id = await requested(a);

    // Both read the request while pending; the store approves the first and refuses the second,
    // which finds the run claimed by this replica, by this approver, and not yet started.
    const results = await Promise.all([a.engine.approve(id, 'U-APP'), a.engine.approve(id, 'U-APP')]);
    await a.engine.whenIdle();

    expect(executions).toHaveLength(1);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect((await a.engine.get(id))?.state).toBe('succeeded');
    expect(a.changes.filter((c) => c.transition === 'approved')).toHaveLength(1);
  });
});
