import type { Redis } from 'ioredis';
import type { Logger } from '../../observability/logger.js';
import {
  APPROVAL_MESSAGE_REF_TTL_MS,
  isApprovalMessageRef,
  type ApprovalMessageRef,
  type ApprovalMessageRefs,
} from '../../bot/approvals/approval-message-refs.js';

/*
 * Key, under the store's prefix (default `lifeboat:`), beside the bot's `slack:` keys:
 *
 *   {p}slack:approval-msg:{approvalId}   ApprovalMessageRef JSON, PX = APPROVAL_MESSAGE_REF_TTL_MS
 */

/** The key holding one approval request's message ref. */
export function approvalMessageKey(prefix: string, approvalId: string): string {
  return `${prefix}slack:approval-msg:${approvalId}`;
}

/** Shared between replicas and kept across restarts. */
export class RedisApprovalMessageRefs implements ApprovalMessageRefs {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly logger: Logger,
  ) {}

  async get(approvalId: string): Promise<ApprovalMessageRef | null> {
    const key = approvalMessageKey(this.keyPrefix, approvalId);
    const raw = await this.redis.get(key);
    if (raw === null) return null;
    try {
      const value: unknown = JSON.parse(raw);
      if (isApprovalMessageRef(value)) return { channel: value.channel, ts: value.ts };
    } catch {
      // reported below
    }
    this.logger.error({ key }, `stored Slack message reference at ${key} is not valid; updates to that approval message are dropped`);
    return null;
  }

  async save(approvalId: string, ref: ApprovalMessageRef): Promise<void> {
    const value = JSON.stringify({ channel: ref.channel, ts: ref.ts });
    await this.redis.set(approvalMessageKey(this.keyPrefix, approvalId), value, 'PX', APPROVAL_MESSAGE_REF_TTL_MS);
  }
}
