import type { Redis } from 'ioredis';
import type { Logger } from '../../observability/logger.js';
import {
  DRILL_MESSAGE_REF_TTL_MS,
  isDrillMessageRef,
  type DrillMessageRef,
  type DrillMessageRefs,
} from '../../drills/drill-message-refs.js';

/*
 * Key, under the store's prefix (default `lifeboat:`), beside the bot's other `slack:` keys:
 *
 *   {p}slack:drill-msg:{runId}   DrillMessageRef JSON, PX = DRILL_MESSAGE_REF_TTL_MS
 */

/** The key holding one drill run's message ref. */
export function drillMessageKey(prefix: string, runId: string): string {
  return `${prefix}slack:drill-msg:${runId}`;
}

/** Shared between replicas and kept across restarts. */
export class RedisDrillMessageRefs implements DrillMessageRefs {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly logger: Logger,
  ) {}

  async get(runId: string): Promise<DrillMessageRef | null> {
    const key = drillMessageKey(this.keyPrefix, runId);
    const raw = await this.redis.get(key);
    if (raw === null) return null;
    try {
      const value: unknown = JSON.parse(raw);
      if (isDrillMessageRef(value)) return { channel: value.channel, ts: value.ts };
    } catch {
      // reported below
    }
    this.logger.error({ key }, `stored Slack message reference at ${key} is not valid; that drill's thread replies and update are dropped`);
    return null;
  }

  async save(runId: string, ref: DrillMessageRef): Promise<void> {
    const value = JSON.stringify({ channel: ref.channel, ts: ref.ts });
    await this.redis.set(drillMessageKey(this.keyPrefix, runId), value, 'PX', DRILL_MESSAGE_REF_TTL_MS);
  }
}
