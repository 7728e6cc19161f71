import type { types } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { approvalMessage, releaseConfirm } from '../../../../../src/bot/approvals/blocks/approval-message.js';
import { planBlocks } from '../../../../../src/bot/approvals/blocks/plan-blocks.js';
import type { Approval } from '../../../../../src/approvals/approval.js';
import { approvalOf, date, failoverPlan, statusPagePlan, T0 } from '../fixtures.js';

const header = (a: Approval) => (approvalMessage(a).blocks[0] as { text: { text: string } }).text.text;
const MIN = 60_000;

/** A failover that succeeded four minutes after its approval, with this outcome paragraph and stored detail. */
function succeededFailover(message: string, detail: Record<string, unknown>): Approval {
  return approvalOf(failoverPlan(), {
    state: 'succeeded',
    approvals: [{ userId: 'U0BBB', at: T0 + MIN }],
    run: {
      runnerId: 'replica-a',
      claimedAt: T0 + MIN,
      leaseExpiresAt: T0 + 2 * MIN,
      startedAt: T0 + MIN,
      steps: [],
      finishedAt: T0 + 5 * MIN,
      message,
      detail,
    },
  });
}

describe('approvalMessage', () => {
  it('renders a pending destructive request exactly: plan, requester, approvals, expiry, confirmation, Approve and Reject', () => {
    const approval = approvalOf(failoverPlan());
    expect(approvalMessage(approval)).toEqual({
      text: 'Approval request APR-7: Failover orders: promote orders-replica (us-west-2) (waiting for approval)',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text:
              '*APR-7* · Failover orders: promote orders-replica (us-west-2)\n' +
              `:hourglass_flowing_sand: *Waiting for approval*: 1 more needed from approvers other than the requester, until ${date(T0 + 15 * MIN, '2026-11-21 12:15 UTC')}.`,
          },
        },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: `*Requested by*\n<@U0AAA> ${date(T0, '2026-11-21 12:00 UTC')}` },
            { type: 'mrkdwn', text: '*Approvals*\n0 of 1' },
            { type: 'mrkdwn', text: `*Expires*\n${date(T0 + 15 * MIN, '2026-11-21 12:15 UTC')}` },
            { type: 'mrkdwn', text: '*Confirmation*\napprovers type `orders`' },
          ],
        },
        ...planBlocks(approval.plan),
        {
          type: 'actions',
          block_id: 'lifeboat.approval.actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Approve' },
              action_id: 'lifeboat.approval.approve',
              value: 'APR-7',
              style: 'primary',
            },
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Reject' },
              action_id: 'lifeboat.approval.reject',
              value: 'APR-7',
              style: 'danger',
            },
          ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: `Lifeboat · APR-7 · updated ${date(T0, '2026-11-21 12:00 UTC')}` }] },
      ],
    });
  });

  it('an expired request loses its buttons and says so', () => {
    const message = approvalMessage(approvalOf(failoverPlan(), { state: 'expired', expiredAt: T0 + 15 * MIN, updatedAt: T0 + 15 * MIN }));
    expect(message.blocks.some((b) => (b as { type: string }).type === 'actions')).toBe(false);
    expect(message.text).toBe('Approval request APR-7: Failover orders: promote orders-replica (us-west-2) (expired)');
    expect((message.blocks[0] as { text: { text: string } }).text.text).toBe(
      '*APR-7* · Failover orders: promote orders-replica (us-west-2)\n' +
        ':hourglass: *Expired* after 15m without enough approvals. Nothing ran; the buttons were removed.',
    );
    expect(message.blocks[1]).toMatchObject({
      fields: expect.arrayContaining([{ type: 'mrkdwn', text: `*Was open until*\n${date(T0 + 15 * MIN, '2026-11-21 12:15 UTC')}` }]),
    });
  });

  it('a succeeded failover shows the measured RTO, the data-loss window and the outcome paragraph', () => {
    const approval = succeededFailover(
      'Failover orders succeeded in 4m 12s (measured RTO). Data-loss window: replica lag 12s at cut-over.',
      { status: 'succeeded', elapsedMs: 252_000, dataLossWindowSeconds: 12 },
    );
    const message = approvalMessage(approval);
    expect(message.blocks.slice(0, 2)).toEqual([
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text:
            '*APR-7* · Failover orders: promote orders-replica (us-west-2)\n' +
            ':white_check_mark: *Succeeded* in 4m 12s (measured RTO) · data-loss window: replica lag 12s at cut-over. Approved by <@U0BBB>.',
        },
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: '*Outcome*\nFailover orders succeeded in 4m 12s (measured RTO). Data-loss window: replica lag 12s at cut-over.',
        },
      },
    ]);
    expect(message.blocks.some((b) => (b as { type: string }).type === 'actions')).toBe(false);
  });

  it('a verified failover shows its time to recovery next to the execution time, from the incident or the request', () => {
    const verified = (recoveryFrom: Record<string, unknown>) =>
      succeededFailover('Failover orders succeeded in 4m 12s (measured RTO).', {
        status: 'succeeded',
        elapsedMs: 252_000,
        dataLossWindowSeconds: 12,
        timeToRecoveryMs: 540_000,
        recoveryFrom,
      });
    expect(header(verified({ kind: 'incident', incidentId: 'INC-3', at: T0 - 4 * MIN }))).toContain(
      ':white_check_mark: *Succeeded* in 4m 12s (measured RTO) · recovered 9m after incident INC-3 opened · data-loss window: replica lag 12s at cut-over.',
    );
    expect(header(verified({ kind: 'request', at: T0 }))).toContain('· recovered 9m after the request ·');
  });

  const run = { runnerId: 'replica-a', claimedAt: T0, leaseExpiresAt: T0 + MIN, steps: [] };
  it.each<[string, Partial<Approval>, string]>([
    ['approved', { state: 'approved', approvals: [{ userId: 'U0BBB', at: T0 }], run }, ':+1: *Approved* by <@U0BBB>; starting.'],
    [
      'running a step',
      {
        state: 'running',
        approvals: [{ userId: 'U0BBB', at: T0 }],
        run: { ...run, startedAt: T0, currentStep: { stepId: 'promote', description: 'Promote orders-replica', at: T0 } },
      },
      ':arrow_forward: *Running*: step `promote` (Promote orders-replica). Approved by <@U0BBB>.',
    ],
    [
      // A failed run recovered nothing: its time is not labelled a recovery time (issue 11).
      'failed: how long it ran, not a recovery time',
      {
        state: 'failed',
        approvals: [{ userId: 'U0BBB', at: T0 }],
        run: { ...run, message: 'x', detail: { elapsedMs: 61_000, dataLossWindowSeconds: null } },
      },
      ':x: *Failed* after 1m 1s. Approved by <@U0BBB>.',
    ],
    [
      'rejected with a reason',
      { state: 'rejected', rejection: { userId: 'U0CCC', at: T0, reason: 'not <now>' } },
      ':no_entry: *Rejected* by <@U0CCC>: not &lt;now&gt;. Nothing ran.',
    ],
    [
      'withdrawn by the requester',
      { state: 'rejected', rejection: { userId: 'U0AAA', at: T0 } },
      ':no_entry: *Withdrawn* by <@U0AAA>. Nothing ran.',
    ],
    [
      'interrupted mid-step',
      { state: 'interrupted', run: { ...run, startedAt: T0, currentStep: { stepId: 'dns-upsert', description: 'Point DNS', at: T0 } } },
      ':warning: *Interrupted* during step `dns-upsert` (Point DNS). Nothing was re-run. Its locks are held until someone checks the state in AWS and presses *Release locks*.',
    ],
    [
      'interrupted before starting',
      { state: 'interrupted', run },
      ':warning: *Interrupted* before its first step. Nothing was re-run. Its locks are held until someone checks the state in AWS and presses *Release locks*.',
    ],
    [
      'interrupted, its locks released',
      { state: 'interrupted', run, locksReleased: { userId: 'U0CCC', at: T0 + 5 * MIN } },
      `:warning: *Interrupted* before its first step. Nothing was re-run. Locks released by <@U0CCC> ${date(T0 + 5 * MIN, '2026-11-21 12:05 UTC')}; new requests can use its resources.`,
    ],
  ])('%s: says so on its second line', (_label, overrides, line) => {
    expect(header(approvalOf(failoverPlan(), overrides))).toBe(`*APR-7* · Failover orders: promote orders-replica (us-west-2)\n${line}`);
  });

  it('an interrupted run holding its locks offers Resume, and Release locks behind a confirm dialog', () => {
    const approval = approvalOf(failoverPlan(), { state: 'interrupted', approvals: [{ userId: 'U0BBB', at: T0 }], run });
    const message = approvalMessage(approval);
    expect(message.text).toBe('Approval request APR-7: Failover orders: promote orders-replica (us-west-2) (interrupted)');
    expect(message.blocks.filter((b) => (b as { type: string }).type === 'actions')).toEqual([
      {
        type: 'actions',
        block_id: 'lifeboat.approval.actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Resume' },
            action_id: 'lifeboat.approval.resume',
            value: 'APR-7',
            style: 'primary',
          },
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Release locks' },
            action_id: 'lifeboat.approval.release',
            value: 'APR-7',
            style: 'danger',
            confirm: {
              title: { type: 'plain_text', text: 'Release the locks of APR-7?' },
              text: {
                type: 'plain_text',
                text:
                  'Check in AWS first that nothing of APR-7 is still running: a restore or a promotion can go on for hours. ' +
                  'Releasing lets new requests use its resources again. It starts nothing.',
              },
              confirm: { type: 'plain_text', text: 'Release locks' },
              deny: { type: 'plain_text', text: 'Cancel' },
              style: 'danger',
            },
          },
        ],
      },
    ]);
    // Once released, Release locks goes; Resume stays: the run still has steps left.
    const released = approvalMessage({ ...approval, locksReleased: { userId: 'U0CCC', at: T0 + MIN } });
    const buttons = released.blocks.flatMap((b) => ((b as { type: string }).type === 'actions' ? (b as types.ActionsBlock).elements : []));
    expect(buttons.map((e) => (e as types.Button).action_id)).toEqual(['lifeboat.approval.resume']);
  });

  it('a failed failover offers Resume; a succeeded run and a failed status-page post offer nothing', () => {
    const actionIds = (approval: Approval) =>
      approvalMessage(approval).blocks.flatMap((b) =>
        (b as { type: string }).type === 'actions' ? (b as types.ActionsBlock).elements.map((e) => (e as types.Button).action_id) : [],
      );
    expect(actionIds(approvalOf(failoverPlan(), { state: 'failed', run }))).toEqual(['lifeboat.approval.resume']);
    expect(actionIds(approvalOf(failoverPlan(), { state: 'succeeded', run }))).toEqual([]);
    expect(actionIds(approvalOf(statusPagePlan(), { state: 'failed', run }))).toEqual([]);
  });

  it("the confirm dialog stays within Slack's limits for the longest approval id", () => {
    const confirm = releaseConfirm({ id: 'APR-9999999999999999' });
    expect(confirm.title!.text.length).toBeLessThanOrEqual(100);
    expect(confirm.text!.text.length).toBeLessThanOrEqual(300);
    expect(confirm.confirm!.text.length).toBeLessThanOrEqual(30);
    expect(confirm.deny!.text.length).toBeLessThanOrEqual(30);
  });

  it('a status-page update is not destructive: no confirmation field, no RTO wording', () => {
    const pending = approvalMessage(approvalOf(statusPagePlan()));
    expect(JSON.stringify(pending)).not.toContain('Confirmation');
    const done = approvalOf(statusPagePlan(), {
      state: 'succeeded',
      approvals: [{ userId: 'U0BBB', at: T0 }],
      run: { ...run, detail: { elapsedMs: 2_000 } },
    });
    expect(header(done)).toBe(
      '*APR-7* · Status page: investigating for INC-1\n:white_check_mark: *Succeeded* in 2s. Approved by <@U0BBB>.',
    );
  });

  it('never renders an approver id that is not one as a mention', () => {
    const message = approvalMessage(approvalOf(failoverPlan(), { requester: '<!channel>' }));
    expect(JSON.stringify(message)).not.toContain('<!channel>');
  });
});
