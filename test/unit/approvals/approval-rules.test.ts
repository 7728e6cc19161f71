import { describe, expect, it } from 'vitest';
import { holdsLocks, type Approval, type ApprovalState } from '../../../src/approvals/approval.js';
import {
  approvalPolicyFromConfig,
  checkApprove,
  checkReject,
  checkRelease,
  checkRequestable,
  confirmationMatches,
  expiryOf,
  isExpired,
  policyProblem,
} from '../../../src/approvals/approval-rules.js';
import { parseConfig } from '../../../src/config/parse-config.js';
import { aFailoverPlan, aRestorePlan } from '../../integration/approvals/fixtures.js';

const T0 = Date.UTC(2026, 10, 21, 12);
const TTL = 15 * 60_000;
const policy = { approvers: ['U-A', 'U-B', 'U-REQ'] };

function anApproval(overrides: Partial<Approval> = {}): Approval {
  return {
    id: 'APR-1',
    plan: aRestorePlan(),
    requester: 'U-REQ',
    requiredApprovals: 2,
    state: 'pending',
    createdAt: T0,
    expiresAt: T0 + TTL,
    updatedAt: T0,
    approvals: [],
    ...overrides,
  };
}

describe('approve rules', () => {
  const cases: Array<[string, Partial<Approval>, string, number, string | undefined, string | null]> = [
    ['an approver may approve a pending request', {}, 'U-A', T0, undefined, null],
    ['the requester cannot approve their own request, although an approver', {}, 'U-REQ', T0, undefined, 'own-request'],
    ['someone outside the approvers cannot approve', {}, 'U-X', T0, undefined, 'not-an-approver'],
    ['an approved request cannot be approved again', { state: 'approved' }, 'U-A', T0, undefined, 'not-pending'],
    ['a rejected request cannot be approved', { state: 'rejected' }, 'U-A', T0, undefined, 'not-pending'],
    ['a request cannot be approved at its expiry instant', {}, 'U-A', T0 + TTL, undefined, 'expired'],
    ['a request can be approved one millisecond before expiry', {}, 'U-A', T0 + TTL - 1, undefined, null],
    ['an approver counts once', { approvals: [{ userId: 'U-A', at: T0 }] }, 'U-A', T0, undefined, 'already-approved'],
    ['a second distinct approver counts', { approvals: [{ userId: 'U-A', at: T0 }] }, 'U-B', T0, undefined, null],
    ['a destructive plan needs the confirmation', { plan: aFailoverPlan() }, 'U-A', T0, undefined, 'confirmation-required'],
    ['a blank confirmation counts as none', { plan: aFailoverPlan() }, 'U-A', T0, '   ', 'confirmation-required'],
    ['a wrong confirmation is refused', { plan: aFailoverPlan() }, 'U-A', T0, 'payments', 'confirmation-mismatch'],
    ['the confirmation is case-sensitive', { plan: aFailoverPlan() }, 'U-A', T0, 'ORDERS', 'confirmation-mismatch'],
    ['the runbook name confirms, surrounding spaces forgiven', { plan: aFailoverPlan() }, 'U-A', T0, ' orders\n', null],
    ['a non-destructive plan ignores the confirmation', {}, 'U-A', T0, 'anything', null],
  ];
  it.each(cases)('%s', (_name, overrides, approver, now, confirmation, expected) => {
    expect(checkApprove(anApproval(overrides), approver, policy, now, confirmation)).toBe(expected);
  });
});

describe('reject rules', () => {
  const cases: Array<[string, Partial<Approval>, string, number, string | null]> = [
    ['an approver may reject', {}, 'U-A', T0, null],
    ['the requester may withdraw their request', { requester: 'U-OP' }, 'U-OP', T0, null],
    ['anyone else may not', {}, 'U-X', T0, 'not-allowed-to-reject'],
    ['a request that is running cannot be rejected', { state: 'running' }, 'U-A', T0, 'not-pending'],
    ['an expired request cannot be rejected', {}, 'U-A', T0 + TTL, 'expired'],
  ];
  it.each(cases)('%s', (_name, overrides, user, now, expected) => {
    expect(checkReject(anApproval(overrides), user, policy, now)).toBe(expected);
  });
});

describe('release rules', () => {
  const released = { userId: 'U-A', at: T0 };
  it.each<[ApprovalState, Partial<Approval>, ReturnType<typeof checkRelease>, boolean]>([
    ['interrupted', {}, null, true],
    ['interrupted', { locksReleased: released }, 'already-released', false],
    ['pending', {}, 'not-interrupted', true],
    ['approved', {}, 'not-interrupted', true],
    ['running', {}, 'not-interrupted', true],
    ['succeeded', {}, 'not-interrupted', false],
    ['failed', {}, 'not-interrupted', false],
    ['rejected', {}, 'not-interrupted', false],
    ['expired', {}, 'not-interrupted', false],
  ])('%s %o: release %s; holds its locks: %s', (state, overrides, expected, locked) => {
    const approval = anApproval({ state, ...overrides });
    expect(checkRelease(approval)).toBe(expected);
    expect(holdsLocks(approval)).toBe(locked);
  });
});

describe('request rules', () => {
  it('a dry run, a failing pre-flight check or a plan with nothing to lock is not submitted', () => {
    expect(checkRequestable(aRestorePlan())).toBeNull();
    expect(checkRequestable(aFailoverPlan({ request: { kind: 'failover', runbook: 'orders', dryRun: true, allowDataLoss: false } }))).toBe(
      'dry-run',
    );
    expect(
      checkRequestable(
        aFailoverPlan({ preflight: [{ name: 'replica lag', ok: false, observed: 'lag 412s', requirement: 'lag <= 300s' }] }),
      ),
    ).toBe('preflight-failed');
    expect(checkRequestable(aRestorePlan({ resources: [] }))).toBe('no-resources');
    const statusPage = aRestorePlan({
      request: { kind: 'statuspage', incidentId: 'INC-1', status: 'investigating', message: 'Looking into it' },
      resources: ['statuspage:INC-1'],
    });
    expect(checkRequestable(statusPage)).toBeNull();
  });

  it('expiry is the ttl after the request; it is due at that instant', () => {
    expect(expiryOf(T0, TTL)).toBe(T0 + TTL);
    expect(isExpired({ expiresAt: T0 + TTL }, T0 + TTL - 1)).toBe(false);
    expect(isExpired({ expiresAt: T0 + TTL }, T0 + TTL)).toBe(true);
  });

  it('confirmation matches only the plan subject', () => {
    expect(confirmationMatches({ subject: 'orders' }, 'orders')).toBe(true);
    expect(confirmationMatches({ subject: 'orders' }, undefined)).toBe(false);
    expect(confirmationMatches({ subject: 'orders' }, 'order')).toBe(false);
  });
});

describe('policy', () => {
  it('comes from the slack section of the config', () => {
    const yaml = 'slack:\n  channel: C0INCIDENTS\n  approvers: [U0BBB, S0GROUP]\n  approvals: 2\n  approvalTtl: 10m\n';
    const result = parseConfig(yaml, {});
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(approvalPolicyFromConfig(result.config.slack)).toEqual({
      approvers: ['U0BBB', 'S0GROUP'],
      requiredApprovals: 2,
      ttlMs: 600_000,
    });
  });

  it('a policy without a second person or without a positive ttl is refused', () => {
    expect(policyProblem({ approvers: [], requiredApprovals: 1, ttlMs: TTL })).toBeNull();
    expect(policyProblem({ approvers: [], requiredApprovals: 0, ttlMs: TTL })).toMatch(/slack\.approvals must be a whole number >= 1/);
    expect(policyProblem({ approvers: [], requiredApprovals: 1.5, ttlMs: TTL })).toMatch(/slack\.approvals/);
    expect(policyProblem({ approvers: [], requiredApprovals: 1, ttlMs: 0 })).toMatch(/slack\.approvalTtl/);
  });
});
