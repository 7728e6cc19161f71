import { describe, expect, it } from 'vitest';
import type { Approval, ApprovalState } from '../../../src/approvals/approval.js';
import { actionNoun, refusal } from '../../../src/approvals/approval-refusal.js';
import { aFailoverPlan, aRestorePlan } from '../../integration/approvals/fixtures.js';

function anApproval(overrides: Partial<Approval> = {}): Approval {
  return {
    id: 'APR-7',
    plan: aFailoverPlan(),
    requester: 'U-REQ',
    requiredApprovals: 3,
    state: 'pending',
    createdAt: 0,
    expiresAt: 1,
    updatedAt: 0,
    approvals: [],
    ...overrides,
  };
}

describe('refusal messages', () => {
  it('name the drill run holding a resource, with its drill when known, never as a request', () => {
    const named = refusal('resource-locked', { resource: 'runbook:restore:orders', drill: { runId: 'DRL-4', name: 'orders-restore' } });
    expect(named).toMatchObject({ reason: 'resource-locked', resource: 'runbook:restore:orders', drill: { runId: 'DRL-4' } });
    expect(named.blocking).toBeUndefined();
    expect(named.message).toBe(
      'runbook:restore:orders is held by drill run DRL-4 (drill orders-restore), which is restoring a temporary copy of it; try again when it ends.',
    );
    expect(refusal('resource-locked', { resource: 'rds:us-east-1:instance:orders-db', drill: { runId: 'DRL-5' } }).message).toBe(
      'rds:us-east-1:instance:orders-db is held by drill run DRL-5, which is restoring a temporary copy of it; try again when it ends.',
    );
  });

  it('name the action the plan performs', () => {
    expect(actionNoun(aFailoverPlan())).toBe('failover');
    expect(actionNoun(aRestorePlan())).toBe('restore');
    expect(actionNoun(aRestorePlan({ request: { kind: 'statuspage', incidentId: 'INC-1', status: 'identified', message: 'm' } }))).toBe(
      'status-page update',
    );
  });

  it('say plainly why and what to do next', () => {
    const approval = anApproval({ approvals: [{ userId: 'U-A', at: 0 }] });
    const cases: Array<[Parameters<typeof refusal>[0], string]> = [
      ['own-request', 'You requested this failover, so someone else must approve it.'],
      ['not-an-approver', 'Only approvers can approve this failover; ask one of them.'],
      ['already-approved', 'You already approved this failover; it needs 2 more approvals from someone else.'],
      ['confirmation-required', 'This failover is destructive: type orders to confirm your approval.'],
      ['confirmation-mismatch', 'The confirmation did not match: type orders exactly to approve this failover.'],
      ['expired', 'This failover request expired; nothing ran. Request it again if it is still needed.'],
      ['not-allowed-to-reject', 'Only approvers or the person who requested this failover can reject it.'],
    ];
    for (const [reason, message] of cases) {
      expect(refusal(reason, { approval })).toEqual({ ok: false, reason, message, approval });
    }
    expect(refusal('not-found', { id: 'APR-99' }).message).toBe(
      'There is no approval request APR-99; check the list of pending approvals.',
    );
  });

  it('explain a request that is no longer pending by what happened to it', () => {
    const expected: Record<ApprovalState, string> = {
      pending: 'This failover request is still waiting for approval.',
      approved: 'This failover is already approved and running.',
      running: 'This failover is already approved and running.',
      succeeded: 'This failover already ran and succeeded.',
      failed: 'This failover already ran and failed; request a new one if it is still needed.',
      interrupted: 'This failover was interrupted; request a new one if it is still needed.',
      rejected: 'This failover request was rejected; nothing will run.',
      expired: 'This failover request expired; nothing ran. Request it again if it is still needed.',
    };
    for (const [state, message] of Object.entries(expected)) {
      expect(refusal('not-pending', { approval: anApproval({ state: state as ApprovalState }) }).message).toBe(message);
    }
  });

  it('list the failing pre-flight checks with what was seen and what is needed', () => {
    const plan = aFailoverPlan({
      preflight: [
        { name: 'replica lag', ok: false, observed: 'lag 412s', requirement: 'lag <= 300s' },
        { name: 'replica state', ok: true, observed: 'available', requirement: 'available' },
        { name: 'dns record', ok: false, observed: 'record missing', requirement: 'record exists' },
      ],
    });
    expect(refusal('preflight-failed', { plan }).message).toBe(
      'Pre-flight checks failed, so this failover was not submitted for approval: ' +
        'replica lag: lag 412s (needs lag <= 300s); dns record: record missing (needs record exists).',
    );
  });

  it('point at the request in the way, or say so plainly when it cannot be read', () => {
    const blocking = anApproval({ id: 'APR-3', state: 'approved' });
    const locked = refusal('resource-locked', { plan: aRestorePlan(), blocking, resource: 'runbook:failover:orders' });
    expect(locked).toMatchObject({ blocking, resource: 'runbook:failover:orders' });
    expect(locked.message).toBe(
      'APR-3 (Failover orders to us-west-2) already uses runbook:failover:orders and is about to run; wait for it to finish or reject it first.',
    );
    expect(refusal('resource-locked', { plan: aRestorePlan(), resource: 'r' }).message).toBe(
      'Another request already uses r; wait for it to finish first.',
    );
  });

  it('name an interrupted run in the way, and that its locks must be released after checking AWS', () => {
    const blocking = anApproval({ id: 'APR-3', state: 'interrupted' });
    expect(refusal('resource-locked', { plan: aRestorePlan(), blocking, resource: 'runbook:failover:orders' }).message).toBe(
      'APR-3 (Failover orders to us-west-2) was interrupted and still holds runbook:failover:orders: AWS may still be working on it. ' +
        'Check the state in AWS, then release its locks (Release locks on its message) before requesting again.',
    );
  });

  it('explain why locks cannot be released, by what the request is doing', () => {
    const message = (state: ApprovalState, reason: 'not-interrupted' | 'already-released' | 'not-allowed-to-release' = 'not-interrupted') =>
      refusal(reason, { approval: anApproval({ state }) }).message;
    expect(message('pending')).toBe('This failover request is waiting for approval, not interrupted: reject it to free its resources.');
    expect(message('running')).toBe('This failover is still running, not interrupted: its locks are freed when it ends.');
    expect(message('succeeded')).toBe('This failover already ended (succeeded), so it holds no locks.');
    expect(message('interrupted', 'already-released')).toBe(
      'The locks of this failover were already released; new requests can use its resources.',
    );
    expect(message('interrupted', 'not-allowed-to-release')).toBe(
      'You are not allowed to release the locks of this failover; ask an approver.',
    );
  });
});
