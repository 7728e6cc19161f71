import { describe, expect, it } from 'vitest';
import type { RunOutcome } from '../../../../../src/actions/run-outcome.js';
import type { ProgressEvent } from '../../../../../src/actions/progress-reporter.js';
import type { ApprovalChange } from '../../../../../src/approvals/approval-engine.js';
import type { Approval } from '../../../../../src/approvals/approval.js';
import { outcomeReply, progressReply, transitionReply } from '../../../../../src/bot/approvals/blocks/thread-replies.js';
import { approvalOf, failoverPlan, statusPagePlan, T0 } from '../fixtures.js';

const run = { runnerId: 'replica-a', claimedAt: T0, leaseExpiresAt: T0 + 60_000, steps: [] };
const change = (transition: ApprovalChange['transition'], over: Partial<Approval> = {}, actor?: string): ApprovalChange => ({
  approval: approvalOf(failoverPlan(), over),
  transition,
  at: T0,
  ...(actor ? { actor } : {}),
});

describe('transitionReply', () => {
  it.each<[string, ApprovalChange, string | null]>([
    ['requested: the message itself says it', change('requested'), null],
    [
      'the approval that completes the request',
      change('approved', { state: 'approved', approvals: [{ userId: 'U0BBB', at: T0 }] }, 'U0BBB'),
      ':+1: Approved by <@U0BBB> (1 of 1). Starting now.',
    ],
    [
      'an approval that is not enough yet',
      change('approved', { requiredApprovals: 2, approvals: [{ userId: 'U0BBB', at: T0 }] }, 'U0BBB'),
      ':+1: Approved by <@U0BBB> (1 of 2). 1 more approval needed.',
    ],
    [
      'rejected',
      change('rejected', { state: 'rejected', rejection: { userId: 'U0CCC', at: T0 } }, 'U0CCC'),
      ':no_entry: Rejected by <@U0CCC>. Nothing will run.',
    ],
    [
      'withdrawn because it could not be posted',
      change(
        'rejected',
        { state: 'rejected', rejection: { userId: 'U0AAA', at: T0, reason: 'the approval request could not be posted in Slack' } },
        'U0AAA',
      ),
      ':no_entry: Withdrawn by <@U0AAA>: the approval request could not be posted in Slack. Nothing will run.',
    ],
    [
      'expired',
      change('expired', { state: 'expired' }),
      ':hourglass: Expired after 15m without enough approvals. Nothing ran; Approve no longer works. Request it again if it is still needed.',
    ],
    [
      'started',
      change('started', { state: 'running', run: { ...run, startedAt: T0 } }),
      ':rocket: Execution started. Pre-flight checks run again before the first step.',
    ],
    [
      'interrupted mid-step',
      change('interrupted', {
        state: 'interrupted',
        run: { ...run, startedAt: T0, currentStep: { stepId: 'promote', description: 'Promote orders-replica', at: T0 } },
      }),
      ':warning: Interrupted during step `promote` (Promote orders-replica): the Lifeboat process running it stopped. Nothing was re-run. ' +
        'Its locks stay held, since AWS may still be working on it, until someone checks the state in AWS and presses *Release locks* on the request.',
    ],
    [
      'the locks of an interrupted run released',
      change('released', { state: 'interrupted', run, locksReleased: { userId: 'U0CCC', at: T0 } }, 'U0CCC'),
      ':unlock: Locks released by <@U0CCC>; new requests can use its resources. Nothing was run.',
    ],
    ['a step: the runner reports it', change('step-done', { state: 'running' }), null],
    ['the outcome: outcomeReply says it', change('succeeded', { state: 'succeeded' }), null],
  ])('%s', (_label, c, text) => {
    expect(transitionReply(c)).toBe(text);
  });
});

describe('outcomeReply', () => {
  it('gives the runner’s summary, which states the RTO and the data-loss window; nothing for other transitions', () => {
    const summary = 'Failover orders succeeded in 1m 30s (measured RTO). Data-loss window: replica lag 3s at cut-over.';
    const done = change('succeeded', {
      state: 'succeeded',
      run: { ...run, message: summary, detail: { elapsedMs: 90_000, dataLossWindowSeconds: 3 } },
    });
    expect(outcomeReply(done)).toBe(`:white_check_mark: ${summary}`);
    const failed = change('failed', {
      state: 'failed',
      run: { ...run, message: 'Failover orders FAILED at step promote <x>.', detail: { elapsedMs: 5_000 } },
    });
    expect(outcomeReply(failed)).toBe(':x: Failover orders FAILED at step promote &lt;x&gt;.');
    expect(outcomeReply(change('approved'))).toBeNull();
  });

  it('falls back to the measured figures when the run ended without a summary', () => {
    const bare = change('failed', { state: 'failed', run: { ...run, detail: { elapsedMs: 61_000, dataLossWindowSeconds: 7 } } });
    // A failed run recovered nothing: its time is not a recovery time, and it may not have cut over.
    expect(outcomeReply(bare)).toBe(':x: *Failed* after 1m 1s.');
  });

  it("says when the data-loss window is the monitor's last reading rather than one at cut-over", () => {
    const detail = { elapsedMs: 61_000, dataLossWindowSeconds: 7, dataLossMeasuredBy: 'monitor' };
    const bare = change('succeeded', { state: 'succeeded', run: { ...run, detail } });
    expect(outcomeReply(bare)).toBe(
      ":white_check_mark: *Succeeded* in 1m 1s (measured RTO) · data-loss window: replica lag 7s (the monitor's last reading).",
    );
  });
});

describe('progressReply', () => {
  const base = { runId: 'APR-7', planId: 'plan-1' };
  const outcome = { status: 'refused' } as RunOutcome;
  it.each<[ProgressEvent, string]>([
    [
      { ...base, type: 'step-started', stepId: 'promote', message: 'Promote orders-replica' },
      ':arrow_forward: Step `promote` started: Promote orders-replica',
    ],
    [
      { ...base, type: 'step-done', stepId: 'promote', message: 'orders-replica is promoted', elapsedMs: 4_000 },
      ':heavy_check_mark: Step `promote` done in 4s: orders-replica is promoted',
    ],
    [
      { ...base, type: 'step-failed', stepId: 'promote', message: 'AWS said InvalidDBInstanceState', code: 'LIFEBOAT_AWS_ERROR' },
      ':x: Step `promote` failed (LIFEBOAT_AWS_ERROR): AWS said InvalidDBInstanceState',
    ],
    [
      { ...base, type: 'finished', outcome, message: 'Failover orders was not executed: pre-flight no longer holds.' },
      ':no_entry: Failover orders was not executed: pre-flight no longer holds.',
    ],
  ])('%#: %s', (event, text) => {
    expect(progressReply(event)).toBe(text);
  });

  it('shows a status message literally inside a step', () => {
    const description = statusPagePlan('<!here> ```x```').calls[0]!.description;
    const text = progressReply({ ...base, type: 'step-started', stepId: 'publish', message: description });
    expect(text).not.toContain('<!here>');
    expect(text).not.toContain('```');
  });
});
