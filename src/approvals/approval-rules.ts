import type { SlackConfig } from '../config/types.js';
import type { Plan } from '../core/plan.js';
import type { Approval } from './approval.js';

// The two-person rule as pure functions. The engine checks them on a snapshot to answer with a
// precise reason; the store checks the mutable parts (state, expiry, distinct approvers) again
// inside its atomic transition, so a race between snapshot and write can never let one through.

/** Who may approve, how many must, and for how long a request stays open. */
export interface ApprovalPolicy {
  /** User ids allowed to approve (usergroups already expanded by the caller). */
  approvers: readonly string[];
  /** Distinct approvers needed besides the requester; the two-person rule needs >= 1. */
  requiredApprovals: number;
  /** How long a request can be approved, from when it was made. */
  ttlMs: number;
}

/** The policy as configured (`slack.approvers`, `slack.approvals`, `slack.approvalTtl`); usergroups still unexpanded. */
export function approvalPolicyFromConfig(slack: Pick<SlackConfig, 'approvers' | 'approvals' | 'approvalTtlMs'>): ApprovalPolicy {
  return { approvers: [...slack.approvers], requiredApprovals: slack.approvals, ttlMs: slack.approvalTtlMs };
}

/** Why a click on Approve is refused. */
export type ApproveRefusalReason =
  | 'own-request'
  | 'not-an-approver'
  | 'expired'
  | 'not-pending'
  | 'already-approved'
  | 'confirmation-required'
  | 'confirmation-mismatch';

/** Why a click on Reject is refused. */
export type RejectRefusalReason = 'not-allowed-to-reject' | 'expired' | 'not-pending';

/** Why a Release locks click is refused. */
export type ReleaseRefusalReason = 'not-allowed-to-release' | 'not-interrupted' | 'already-released';

/** Why a plan cannot be submitted for approval at all. */
export type RequestRefusalReason = 'dry-run' | 'preflight-failed' | 'no-resources';

/** Epoch ms at which a request made at `createdAt` expires. */
export function expiryOf(createdAt: number, ttlMs: number): number {
  return createdAt + ttlMs;
}

/** True when the request can no longer be approved because its time is up (`now` >= expiresAt). */
export function isExpired(approval: Pick<Approval, 'expiresAt'>, now: number): boolean {
  return now >= approval.expiresAt;
}

/** True when the user may approve requests at all. */
export function isApprover(policy: Pick<ApprovalPolicy, 'approvers'>, userId: string): boolean {
  return policy.approvers.includes(userId);
}

/**
 * True when the typed confirmation names the plan's subject (the runbook name). Surrounding
 * spaces are forgiven (phone keyboards add them); case is not, so "Orders" does not confirm "orders".
 */
export function confirmationMatches(plan: Pick<Plan, 'subject'>, confirmation: string | undefined): boolean {
  return confirmation !== undefined && confirmation.trim() === plan.subject;
}

/**
 * Checks one approval click. Order matters only for which reason is given when several apply:
 * who you are first (requester, approver), then whether the request can still be approved, then
 * whether you already did, and the destructive-plan confirmation last.
 */
export function checkApprove(
  approval: Approval,
  approverId: string,
  policy: Pick<ApprovalPolicy, 'approvers'>,
  now: number,
  confirmation?: string,
): ApproveRefusalReason | null {
  if (approverId === approval.requester) return 'own-request';
  if (!isApprover(policy, approverId)) return 'not-an-approver';
  if (approval.state !== 'pending') return 'not-pending';
  if (isExpired(approval, now)) return 'expired';
  if (approval.approvals.some((vote) => vote.userId === approverId)) return 'already-approved';
  if (approval.plan.destructive) {
    if (confirmation === undefined || confirmation.trim() === '') return 'confirmation-required';
    if (!confirmationMatches(approval.plan, confirmation)) return 'confirmation-mismatch';
  }
  return null;
}

/**
 * Checks one reject click. Any approver may reject; the requester may too (withdrawing their own
 * request), since that can only stop an action, never start one.
 */
export function checkReject(
  approval: Approval,
  userId: string,
  policy: Pick<ApprovalPolicy, 'approvers'>,
  now: number,
): RejectRefusalReason | null {
  if (userId !== approval.requester && !isApprover(policy, userId)) return 'not-allowed-to-reject';
  if (approval.state !== 'pending') return 'not-pending';
  if (isExpired(approval, now)) return 'expired';
  return null;
}

/**
 * Checks that a request's locks may be released by hand: only an interrupted run's, once. Who may
 * is the caller's decision (approvers, operators); releasing starts nothing, so one person is enough.
 */
export function checkRelease(
  approval: Pick<Approval, 'state' | 'locksReleased'>,
): Exclude<ReleaseRefusalReason, 'not-allowed-to-release'> | null {
  if (approval.state !== 'interrupted') return 'not-interrupted';
  if (approval.locksReleased) return 'already-released';
  return null;
}

/**
 * Checks that a plan may become a request: not a dry run, every pre-flight check passing (fail
 * closed: a guard that fails now is not put in front of approvers), and at least one resource to
 * lock, since the lock is what keeps two runs off the same database.
 */
export function checkRequestable(plan: Plan): RequestRefusalReason | null {
  if ('dryRun' in plan.request && plan.request.dryRun) return 'dry-run';
  if (plan.preflight.some((check) => !check.ok)) return 'preflight-failed';
  if (plan.resources.length === 0) return 'no-resources';
  return null;
}

/** Refuses a policy that would break the two-person rule; returns the problem, or null. */
export function policyProblem(policy: ApprovalPolicy): string | null {
  if (!Number.isInteger(policy.requiredApprovals) || policy.requiredApprovals < 1) {
    return `slack.approvals must be a whole number >= 1 (two-person rule), got ${policy.requiredApprovals}`;
  }
  if (!Number.isFinite(policy.ttlMs) || policy.ttlMs <= 0) {
    return `slack.approvalTtl must be a positive duration, got ${policy.ttlMs} ms`;
  }
  return null;
}
