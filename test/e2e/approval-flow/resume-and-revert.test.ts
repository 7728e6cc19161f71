import { describe, expect, it } from 'vitest';
import type { ApprovalStore } from '../../../src/approvals/approval-store.js';
import type { ApprovalEngine } from '../../../src/approvals/approval-engine.js';
import { APPROVAL_ACTION_IDS } from '../../../src/bot/approvals/approval-action-ids.js';
import { httpAwsClients, nockCloudWatchLag, nockPromotableReplica, nockRoute53, type SimpleRecord } from '../../doubles/aws-http.js';
import { ORDERS_REPLICA_ENDPOINT } from '../../doubles/runbook-fixtures.js';
import { nockChatUpdate, nockPostEphemeral, type Recorded } from '../../doubles/slack-api-nock.js';
import { blockActionBody } from '../../doubles/slack-requests.js';
import { startServiceFlow } from './approval-flow-harness.js';
import { APPROVAL_TS, confirmBody, OLD_PRIMARY, requestFailover, slash } from './flow-requests.js';
import { useApprovalFlow } from './use-approval-flow.js';

/*
 * Finishing a run that stopped half-way, and putting DNS back, through the wiring users run: the
 * slash command or the Resume button, a new two-person approval, AWS answered at the HTTP layer.
 */

/** Set by a test: called when the run records a step done (before the store sees it). */
let beforeStepDone: ((stepId: string) => Promise<void>) | null = null;

/** The approval store, with a hook before each step-done write (a process stopping right there). */
function hookStepDone(store: ApprovalStore): ApprovalStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'stepDone') {
        return async (...args: Parameters<ApprovalStore['stepDone']>) => {
          await beforeStepDone?.(args[1].step.stepId);
          return target.stepDone(...args);
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const flow = useApprovalFlow(() => {
  beforeStepDone = null;
  return startServiceFlow({ wrapStore: hookStepDone }, httpAwsClients());
});

/** RDS: orders-replica is an available read replica until promoted, then standalone. */
function rdsReplica() {
  return nockPromotableReplica(ORDERS_REPLICA_ENDPOINT);
}

/** Route 53 holding the old primary; each change is answered by `answers` in turn (then accepted). */
function route53(...answers: Array<'accept' | 'denied'>) {
  const dns = { record: { name: 'orders.db.example.com.', type: 'CNAME', ttl: 60, value: OLD_PRIMARY } as SimpleRecord };
  let n = 0;
  const changes = nockRoute53({
    records: () => [dns.record],
    change: (written) => {
      const answer = answers[n++] ?? 'accept';
      if (answer === 'accept') dns.record = written;
      return answer;
    },
  });
  return { changes, dns };
}

/** `/dr failover orders` by U0AAA, approved by U0BBB; returns the Slack posts recorder. */
async function failOver(): Promise<Recorded> {
  return (await failOverRecorded()).posts;
}

/** As failOver, with the recorder of message updates too. */
async function failOverRecorded(): Promise<{ posts: Recorded; updates: Recorded; ephemeral: Recorded }> {
  nockCloudWatchLag('us-west-2', 12, () => flow.clock.now());
  const { posts } = await requestFailover(flow);
  const ephemeral = nockPostEphemeral(10);
  const updates = nockChatUpdate(80);
  expect((await flow.post(confirmBody('APR-1', 'orders'))).statusCode).toBe(200);
  await flow.idle();
  return { posts, updates, ephemeral };
}

/** `/dr <text>` by U0AAA; returns the requester's answer texts. */
async function ask(text: string): Promise<string> {
  const replies = await slash(flow, text);
  return JSON.stringify(replies);
}

/** Approves `id` (destructive: the runbook's name typed) as U0CCC, and waits for the run. */
async function approve(id: string): Promise<void> {
  expect((await flow.post(confirmBody(id, 'orders', 'U0CCC'))).statusCode).toBe(200);
  await flow.idle();
}

/** Text posted in the thread of the message whose ts is `ts`. */
function thread(posts: Recorded, ts: string): string {
  return posts.calls
    .filter((c) => c.body.thread_ts === ts)
    .map((c) => String(c.body.text))
    .join('\n');
}

/** The ts of the top-level message posted for `id`. */
function messageTs(posts: Recorded, id: string): string {
  const post = posts.calls.find((c) => c.body.thread_ts === undefined && String(c.body.text).includes(`Approval request ${id}`));
  expect(post, `a message for ${id}`).toBeDefined();
  const index = posts.calls.indexOf(post as (typeof posts.calls)[number]);
  return `1000.${String(index + 1).padStart(6, '0')}`;
}

describe('/dr resume', () => {
  it('finishes a failover that failed at DNS (AccessDenied) with a new approval, never promoting twice', async () => {
    const rds = rdsReplica();
    const r53 = route53('denied');
    const posts = await failOver();
    const failed = await flow.approvals.get('APR-1');
    expect(failed?.state).toBe('failed');
    expect(failed?.run?.steps.map((s) => s.stepId)).toEqual(['promote', 'wait-promoted']);

    // The same request again is refused at pre-flight: the replica is no longer a replica.
    const answer = await ask('resume APR-1');
    expect(answer).toContain('APR-2');
    const resume = await flow.approvals.get('APR-2');
    expect(resume?.state).toBe('pending');
    expect(resume?.plan.title).toBe('Resume APR-1: Failover orders: promote orders-replica (us-west-2)');
    expect(resume?.plan.subject).toBe('orders');
    // Asked by hand, not from an incident: a recovery it finishes is timed from APR-1's request.
    expect(resume?.plan.resumes).toEqual({ approvalId: 'APR-1', kind: 'failover', origin: { requestedAt: failed?.plan.createdAt } });
    expect(resume?.plan.calls.map((c) => c.id)).toEqual(['dns-upsert', 'dns-insync']);
    expect(resume?.plan.alreadyDone?.map((d) => `${d.id}: ${d.how.slice(0, 13)}`)).toEqual([
      'promote: done in APR-1',
      'wait-promoted: done in APR-1',
    ]);
    // Only the DNS check guards a step still planned; the replica and lag checks are dropped.
    expect(resume?.plan.preflight.map((p) => p.check?.kind)).toEqual(['dns-record']);
    expect(resume?.plan.warnings.join('\n')).toContain('read back now, orders.db.example.com. reads CNAME');

    // The requester cannot approve their own resume; a second person does, typing the runbook's name.
    await approve('APR-2');
    expect((await flow.approvals.get('APR-2'))?.state).toBe('succeeded');
    expect(rds.promotions()).toBe(1);
    expect(r53.changes).toHaveLength(2);
    expect(r53.dns.record.value).toBe(ORDERS_REPLICA_ENDPOINT);
    expect(thread(posts, APPROVAL_TS)).toContain(':link: Resumed as APR-2 by <@U0AAA>');
    expect(thread(posts, messageTs(posts, 'APR-2'))).toContain('Resume of APR-1 (failover orders) succeeded');
    const audit = await flow.approvals.readAudit({ limit: 200 });
    expect(audit.filter((e) => e.approvalId === 'APR-2').map((e) => e.type)).toEqual(
      expect.arrayContaining(['requested', 'approved', 'started', 'step-done', 'succeeded']),
    );
    expect(audit.find((e) => e.approvalId === 'APR-2' && e.type === 'requested')?.detail).toBe(
      'Resume APR-1: Failover orders: promote orders-replica (us-west-2)',
    );

    // Resuming APR-1 a second time finds its DNS step done in AWS (by APR-2): nothing is left.
    const again = await ask('resume APR-1');
    expect(again).toContain('Every step of APR-1 is done');
    expect(again).toContain('dns-upsert: read back now: orders.db.example.com. reads CNAME');
    expect(again).toContain('nothing to resume.');
    expect(r53.changes).toHaveLength(2);
  });

  it('after an interruption while the promotion was accepted, reads it back, skips it and takes over the locks', async () => {
    const rds = rdsReplica();
    const r53 = route53();
    beforeStepDone = async (stepId) => {
      // Lifeboat stops right after AWS accepted the promotion, before it could record it.
      if (stepId === 'promote') await (flow.approvals as ApprovalEngine).handBackRuns('the test stopped the replica');
    };
    const posts = await failOver();
    beforeStepDone = null;
    const interrupted = await flow.approvals.get('APR-1');
    expect(interrupted?.state).toBe('interrupted');
    expect(interrupted?.locksReleased).toBeUndefined();
    expect(rds.promotions()).toBe(1);

    const answer = await ask('resume APR-1');
    expect(answer).toContain('APR-2');
    const resume = await flow.approvals.get('APR-2');
    expect(resume?.plan.calls.map((c) => c.id)).toEqual(['wait-promoted', 'dns-upsert', 'dns-insync']);
    expect(resume?.plan.alreadyDone).toEqual([
      expect.objectContaining({
        id: 'promote',
        how: 'read back now: orders-replica is available and no longer a read replica; not repeated',
      }),
    ]);
    // The interrupted run's locks passed to the resume in one step: no Release locks click needed.
    const original = await flow.approvals.get('APR-1');
    expect(original?.locksReleased).toMatchObject({ userId: 'U0AAA', handedTo: 'APR-2' });
    expect(thread(posts, APPROVAL_TS)).toContain('Locks handed over to APR-2');

    await approve('APR-2');
    expect((await flow.approvals.get('APR-2'))?.state).toBe('succeeded');
    expect(rds.promotions()).toBe(1);
    expect(r53.changes).toHaveLength(1);
    // A third request on the runbook is free again once the resume ended.
    expect((await flow.approvals.blockingRequest(original?.plan.resources ?? []))?.blocking?.id).toBeUndefined();
  });

  it('the Resume button on a failed run opens the same request, for operators only', async () => {
    rdsReplica();
    route53('denied');
    const { updates, ephemeral } = await failOverRecorded();
    const told = () => ephemeral.calls.map((c) => String(c.body.text));
    expect((await flow.approvals.get('APR-1'))?.state).toBe('failed');
    const buttons = JSON.stringify(updates.calls.at(-1)?.body.blocks);
    expect(buttons).toContain(`"action_id":"${APPROVAL_ACTION_IDS.resume}","value":"APR-1"`);

    const before = told().length;
    const body = (userId: string) => blockActionBody(APPROVAL_ACTION_IDS.resume, 'APR-1', { userId, messageTs: APPROVAL_TS });
    expect((await flow.post(body('U0ZZZ'))).statusCode).toBe(200);
    await flow.idle();
    expect(told()[before]).toContain('operator');
    expect(await flow.approvals.get('APR-2')).toBeNull();
    // On any other message (a thread reply), the button does nothing.
    const elsewhere = blockActionBody(APPROVAL_ACTION_IDS.resume, 'APR-1', { userId: 'U0AAA', messageTs: '1000.000002' });
    expect((await flow.post(elsewhere)).statusCode).toBe(200);
    await flow.idle();
    expect(told()[before + 1]).toContain('not on a message Lifeboat posted');
    expect(await flow.approvals.get('APR-2')).toBeNull();

    expect((await flow.post(body('U0AAA'))).statusCode).toBe(200);
    await flow.idle();
    expect((await flow.approvals.get('APR-2'))?.plan.resumes?.approvalId).toBe('APR-1');
    expect(told()[before + 2]).toContain('APR-2');
  });
});

describe('/dr revert-dns', () => {
  it('puts back the record the failover replaced, in one Route 53 batch, after a second approval, audited with who asked and approved', async () => {
    rdsReplica();
    const r53 = route53();
    await failOver();
    expect((await flow.approvals.get('APR-1'))?.state).toBe('succeeded');
    expect(r53.dns.record.value).toBe(ORDERS_REPLICA_ENDPOINT);
    expect(await ask('resume APR-1')).toContain('APR-1 succeeded: nothing to resume.');

    expect(await ask('revert-dns APR-1 --dry-run')).toContain('Revert DNS of APR-1');
    expect(await flow.approvals.get('APR-2')).toBeNull();
    expect(await ask('revert-dns APR-1')).toContain('APR-2');
    await approve('APR-2');

    expect((await flow.approvals.get('APR-2'))?.state).toBe('succeeded');
    expect(r53.changes).toHaveLength(2);
    const batch = r53.changes[1] ?? '';
    expect(batch).toContain('<Action>UPSERT</Action>');
    expect(batch).toMatch(
      new RegExp(
        `<ResourceRecordSet><Name>orders\\.db\\.example\\.com\\.</Name><Type>CNAME</Type><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>${OLD_PRIMARY.replace(/\./g, '\\.')}</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>`,
      ),
    );
    expect(batch).toContain('<Comment>Lifeboat revert-dns APR-1 (orders)</Comment>');
    expect(r53.dns.record.value).toBe(OLD_PRIMARY);

    // Audited as every request is: who asked, who approved, each step the runner executed, the outcome.
    const audit = (await flow.approvals.readAudit({ limit: 200 })).filter((e) => e.approvalId === 'APR-2');
    const runner = audit.find((e) => e.type === 'started')?.actor;
    expect(runner).toMatch(/^e2e-/);
    const starts = (text: string) => expect.stringMatching(new RegExp(`^${text.replace(/[.()]/g, '\\$&')}`));
    expect(audit.map((e) => [e.type, e.actor, e.detail])).toEqual([
      ['requested', 'U0AAA', 'Revert DNS of APR-1: orders.db.example.com.'],
      ['approved', 'U0CCC', '1 of 1'],
      ['started', runner, undefined],
      ['step-started', runner, starts('dns-revert: Put back what APR-1 replaced: orders.db.example.com. back to CNAME')],
      ['step-done', runner, starts('dns-revert: Put back what APR-1 replaced: orders.db.example.com. back to CNAME')],
      ['step-started', runner, starts('dns-revert-insync: Wait until the DNS change is INSYNC')],
      ['step-done', runner, starts('dns-revert-insync: Wait until the DNS change is INSYNC')],
      ['succeeded', runner, starts('DNS revert of APR-1 (orders) succeeded in 0s.')],
    ]);
    // A revert puts records back; it recovers nothing, so its outcome neither claims nor denies a recovery time.
    expect(audit.find((e) => e.type === 'succeeded')?.detail).not.toMatch(/recover/i);
    expect(audit.find((e) => e.type === 'step-done' && e.detail?.startsWith('dns-revert:'))?.detail).toContain(
      `orders.db.example.com. CNAME now ${OLD_PRIMARY} (was CNAME ${ORDERS_REPLICA_ENDPOINT} (TTL 60s))`,
    );
    // `/dr audit`, as an operator reads it.
    const shown = await ask('audit 8');
    expect(shown).toContain(`*succeeded* APR-2 by ${runner} — DNS revert of APR-1 (orders) succeeded`);
    expect(shown).toContain('*approved* APR-2 by <@U0CCC> — 1 of 1');
    expect(shown).toContain('*requested* APR-2 by <@U0AAA> — Revert DNS of APR-1: orders.db.example.com.');
  });

  it('is refused when the record changed since the run, naming what it reads now', async () => {
    rdsReplica();
    const r53 = route53();
    await failOver();
    r53.dns.record = { ...r53.dns.record, value: 'someone-else.example.com' };

    const answer = await ask('revert-dns APR-1');
    expect(answer).toContain('changed since APR-1: it reads CNAME someone-else.example.com (TTL 60s)');
    expect(answer).toContain('Nothing was changed');
    expect(await flow.approvals.get('APR-2')).toBeNull();
    expect(r53.changes).toHaveLength(1);
  });

  it('says there is nothing to revert when the run changed no DNS, and names an unknown request', async () => {
    rdsReplica();
    route53('denied');
    await failOver();
    expect(await ask('revert-dns APR-1')).toContain('APR-1 changed no DNS record: nothing to revert.');
    expect(await ask('revert-dns APR-7')).toContain('There is no approval request APR-7');
    expect(await flow.approvals.get('APR-2')).toBeNull();
  });
});
