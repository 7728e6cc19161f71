import type { Approval } from '../../approvals/approval.js';
import type { ApprovalSummary } from '../bot-ports.js';

/** A pending request as `/dr approvals` and `/dr status` list it. */
export function toApprovalSummary(approval: Approval): ApprovalSummary {
  return {
    id: approval.id,
    title: approval.plan.title,
    requestedBy: approval.requester,
    requestedAt: approval.createdAt,
    expiresAt: approval.expiresAt,
    approvedBy: approval.approvals.map((vote) => vote.userId),
    approvalsNeeded: approval.requiredApprovals,
  };
}
