import { expect } from 'vitest';
import type { Approval } from '../../../src/approvals/approval.js';
import type { ApprovalStore, NewApproval } from '../../../src/approvals/approval-store.js';
import type { Plan } from '../../../src/core/plan.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { aRestorePlan } from './fixtures.js';

/** Two handles on one approval store (for Redis: two connections, as two replicas have), and cleanup. */
export interface ApprovalStoreUnderTest {
  store: ApprovalStore;
  /** Another client of the same data; the memory store hands back the same instance. */
  other: ApprovalStore;
  cleanup(): Promise<void>;
}

export const T0 = MANUAL_CLOCK_START;
export const TTL = 15 * 60_000; // 15 minutes
export const LEASE = 30_000; // 30 seconds

/** A new request for `plan` by U-REQ, approvals: 1, expiring after TTL. */
export function input(plan: Plan, overrides: Partial<NewApproval> = {}): NewApproval {
  return { plan, requester: 'U-REQ', requiredApprovals: 1, createdAt: T0, expiresAt: T0 + TTL, ...overrides };
}

/** One approve click with a LEASE-long run lease. */
export function vote(approverId: string, at = T0 + 1_000, runnerId = 'replica-a') {
  return { approverId, at, runnerId, leaseExpiresAt: at + LEASE };
}

export async function mustCreate(store: ApprovalStore, request: NewApproval): Promise<Approval> {
  const outcome = await store.create(request);
  if (!outcome.ok) throw new Error(`create refused: ${outcome.resource} held by ${outcome.heldBy}`);
  return outcome.approval;
}

/** A request approved by one approver (approvals: 1), claimed by `runnerId`. */
export async function claimed(store: ApprovalStore, plan: Plan = aRestorePlan(), runnerId = 'replica-a'): Promise<Approval> {
  const approval = await mustCreate(store, input(plan));
  const outcome = await store.approve(approval.id, vote('U-APP', T0 + 1_000, runnerId));
  expect(outcome.kind).toBe('execute');
  return approval;
}
