import type { Clock } from '../../core/clock.js';
import {
  APPROVAL_MESSAGE_REF_TTL_MS,
  type ApprovalMessageRef,
  type ApprovalMessageRefs,
} from '../../bot/approvals/approval-message-refs.js';

/** Single replica only: in process memory, lost on restart (updates for older requests are then dropped). */
export class MemoryApprovalMessageRefs implements ApprovalMessageRefs {
  private readonly refs = new Map<string, { ref: ApprovalMessageRef; expiresAt: number }>();

  constructor(private readonly clock: Clock) {}

  async get(approvalId: string): Promise<ApprovalMessageRef | null> {
    const entry = this.refs.get(approvalId);
    if (!entry || entry.expiresAt <= this.clock.now()) return null;
    return { ...entry.ref };
  }

  async save(approvalId: string, ref: ApprovalMessageRef): Promise<void> {
    this.refs.set(approvalId, { ref: { channel: ref.channel, ts: ref.ts }, expiresAt: this.clock.now() + APPROVAL_MESSAGE_REF_TTL_MS });
  }
}
