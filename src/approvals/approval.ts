import type { Plan } from '../core/plan.js';

/**
 * Where an approval request is in its life:
 *
 *   pending --approve (count reached)--> approved --started--> running --> succeeded | failed
 *      |                                    |                     |
 *      +--> rejected | expired              +---------------------+--> interrupted (runner died)
 *
 * `approved` means execution was claimed (exactly once) by one replica but no step has started.
 * `interrupted` keeps the resource locks (AWS may still be working on a call that was in flight)
 * until a person releases them; the state stays `interrupted`, `locksReleased` records who did.
 */
export type ApprovalState = 'pending' | 'approved' | 'running' | 'rejected' | 'expired' | 'succeeded' | 'failed' | 'interrupted';

export const APPROVAL_STATES: readonly ApprovalState[] = [
  'pending',
  'approved',
  'running',
  'rejected',
  'expired',
  'succeeded',
  'failed',
  'interrupted',
];

/**
 * States that hold the plan's resource locks. An interrupted run holds them until someone
 * releases them (`locksReleased`): a 6-hour restore may still be running in AWS (SPEC §6.9).
 */
export const LOCKING_STATES: readonly ApprovalState[] = ['pending', 'approved', 'running', 'interrupted'];

/** States of a claimed run that has not ended: it is owned by one runner and its lease. */
export const ACTIVE_RUN_STATES: readonly ApprovalState[] = ['approved', 'running'];

/** One approver's approval. */
export interface ApprovalVote {
  userId: string;
  /** Epoch ms. */
  at: number;
}

/** A step of a run, as the runner reported it. */
export interface RunStepMark {
  /** The PlannedCall id or another stable step name: "promote", "dns-upsert". */
  stepId: string;
  description: string;
  /** Epoch ms. */
  at: number;
  /** What the step saw, in words ("INSYNC after 41 s"); only on finished steps. */
  note?: string;
  /**
   * The facts a finished step left (change id, the DNS records it replaced as `previous`), JSON;
   * what `/dr resume` and `/dr revert-dns` work from. Absent on runs recorded before it was kept.
   */
  detail?: Record<string, unknown>;
}

/** The execution of an approved request. */
export interface ApprovalRun {
  /** The replica (process instance id) that claimed the run; only it may report on it. */
  runnerId: string;
  /** Epoch ms when the last approval claimed the run. */
  claimedAt: number;
  /** Epoch ms; the runner renews it while alive. Past it, any replica may mark the run interrupted. */
  leaseExpiresAt: number;
  startedAt?: number;
  /** The step in flight: started and not reported done. */
  currentStep?: RunStepMark;
  /** Finished steps, in order. */
  steps: RunStepMark[];
  finishedAt?: number;
  /** The outcome in words, for succeeded / failed. */
  message?: string;
  /** Structured outcome (elapsed ms, lag at cut-over, endpoint, ...), as the runner gave it. */
  detail?: Record<string, unknown>;
  /** The replica that found the run abandoned and marked it interrupted. */
  interruptedBy?: string;
}

/** A two-person approval request for one plan. Actor ids are opaque strings (Slack user ids). */
export interface Approval {
  /** `APR-<n>`, short enough to type. */
  id: string;
  plan: Plan;
  requester: string;
  /** Distinct approvers needed besides the requester, fixed when the request was made. */
  requiredApprovals: number;
  state: ApprovalState;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; a pending request at or past this instant can no longer be approved. */
  expiresAt: number;
  updatedAt: number;
  /** Approvals so far, in the order they were given; each approver at most once. */
  approvals: ApprovalVote[];
  rejection?: { userId: string; at: number; reason?: string };
  expiredAt?: number;
  run?: ApprovalRun;
  /**
   * Interrupted runs only: who released the locks after checking AWS, and when (epoch ms);
   * `handedTo`: they were not freed but taken over by that request (a resume or DNS revert).
   */
  locksReleased?: { userId: string; at: number; handedTo?: string };
}

/** Formats the store's approval counter as the id users type. */
export function formatApprovalId(sequence: number): string {
  return `APR-${sequence}`;
}

/** True while the request holds its plan's resource locks. */
export function holdsLocks(approval: Pick<Approval, 'state' | 'locksReleased'>): boolean {
  return LOCKING_STATES.includes(approval.state) && approval.locksReleased === undefined;
}

/** Approvals still needed before the request is approved (0 once approved). */
export function approvalsMissing(approval: Approval): number {
  return Math.max(0, approval.requiredApprovals - approval.approvals.length);
}
