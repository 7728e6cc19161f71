/** Where an approval request's Slack message lives: chat.update and thread replies need both. */
export interface ApprovalMessageRef {
  /** Channel id (C…), as chat.postMessage returned it. */
  channel: string;
  ts: string;
}

/**
 * Remembers each approval request's message (Redis, shared by replicas), so whichever replica
 * sees a transition (an approval, the expiry sweep, the runner) updates the same message.
 * Written once, by the replica that posted the request; never raced.
 */
export interface ApprovalMessageRefs {
  get(approvalId: string): Promise<ApprovalMessageRef | null>;
  save(approvalId: string, ref: ApprovalMessageRef): Promise<void>;
}

/** Kept a month: longer than any request stays open or any run lasts, long enough for a post-mortem link. */
export const APPROVAL_MESSAGE_REF_TTL_MS = 30 * 24 * 3600_000; // 30 days

/** Validates a stored value on read: anything else is treated as absent. */
export function isApprovalMessageRef(value: unknown): value is ApprovalMessageRef {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.channel === 'string' && v.channel !== '' && typeof v.ts === 'string' && v.ts !== '';
}
