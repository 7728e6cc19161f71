import { randomUUID } from 'node:crypto';
import type { OutboxEntry } from '../../bot/outbox/outbox-entry.js';
import { parseEntry } from '../redis/redis-slack-outbox.js';
import type {
  EnqueueOptions,
  EnqueueOutcome,
  EntryProgress,
  MethodPause,
  OutboxClaim,
  SlackOutbox,
} from '../../bot/outbox/slack-outbox.js';

/** Per-lane record, mirroring the Redis hash and queue (entries kept as JSON text). */
interface LaneRecord {
  queue: string[];
  entries: Map<string, string>;
  coalesce: Map<string, string>;
  claim?: string;
  attempts: number;
  progress?: string;
}

/**
 * The Slack outbox in process memory, for local mode and tests. Single process only: a restart
 * loses what waits. Same rules as the Redis outbox (one contract suite runs against both);
 * JavaScript runs each method's synchronous part without interleaving, standing in for Lua.
 */
export class MemorySlackOutbox implements SlackOutbox {
  private readonly lanes = new Map<string, LaneRecord>();
  /** lane -> epoch ms its head may be tried. */
  private readonly ready = new Map<string, number>();
  private readonly paused = new Map<string, number>();
  /** Once-keys; never expire here (one process, short-lived). */
  private readonly once = new Set<string>();

  async enqueue(id: string, entry: OutboxEntry, now: number, options: EnqueueOptions = {}): Promise<EnqueueOutcome> {
    if (options.onceKey !== undefined) {
      if (this.once.has(options.onceKey)) return 'duplicate';
      this.once.add(options.onceKey);
    }
    const record = this.record(entry.lane);
    const raw = JSON.stringify(entry);
    if (entry.coalesceKey !== undefined) {
      const waiting = record.coalesce.get(entry.coalesceKey);
      if (waiting !== undefined && record.entries.has(waiting)) {
        if (options.replace) record.entries.set(waiting, raw);
        return 'coalesced';
      }
      record.coalesce.set(entry.coalesceKey, id);
    }
    record.entries.set(id, raw);
    record.queue.push(id);
    if (!this.ready.has(entry.lane)) this.ready.set(entry.lane, now);
    return 'enqueued';
  }

  async claimNext(now: number, leaseMs: number): Promise<OutboxClaim | null> {
    for (const lane of dueLanes(this.ready, now)) {
      const record = this.record(lane);
      const id = record.queue[0];
      if (id === undefined) {
        this.ready.delete(lane);
        this.lanes.delete(lane);
        continue;
      }
      const raw = record.entries.get(id) ?? '';
      const entry = parseEntry(raw);
      const held = Math.max(0, ...(entry?.methods ?? []).map((m) => this.paused.get(m) ?? 0));
      if (held > now) {
        this.ready.set(lane, held);
        continue;
      }
      const token = randomUUID();
      this.ready.set(lane, now + leaseMs);
      record.claim = token;
      if (entry?.coalesceKey !== undefined && record.coalesce.get(entry.coalesceKey) === id) record.coalesce.delete(entry.coalesceKey);
      return {
        lane,
        id,
        token,
        raw,
        entry,
        attempts: record.attempts,
        progress: record.progress === undefined ? { done: {} } : (JSON.parse(record.progress) as EntryProgress),
      };
    }
    return null;
  }

  async saveProgress(claim: OutboxClaim, progress: EntryProgress, leaseUntil: number): Promise<boolean> {
    const record = this.lanes.get(claim.lane);
    if (!record || record.claim !== claim.token) return false;
    record.progress = JSON.stringify(progress);
    if (this.ready.has(claim.lane)) this.ready.set(claim.lane, leaseUntil);
    return true;
  }

  async complete(claim: OutboxClaim, now: number): Promise<boolean> {
    const record = this.lanes.get(claim.lane);
    if (!record || record.claim !== claim.token || record.queue[0] !== claim.id) return false;
    record.queue.shift();
    record.entries.delete(claim.id);
    delete record.claim;
    delete record.progress;
    record.attempts = 0;
    if (record.queue.length > 0) {
      this.ready.set(claim.lane, now);
    } else {
      this.ready.delete(claim.lane);
      this.lanes.delete(claim.lane);
    }
    return true;
  }

  async reschedule(claim: OutboxClaim, retryAt: number, attempts: number, progress: EntryProgress, pause?: MethodPause): Promise<boolean> {
    const record = this.lanes.get(claim.lane);
    if (!record || record.claim !== claim.token) return false;
    if (this.ready.has(claim.lane)) this.ready.set(claim.lane, retryAt);
    record.attempts = attempts;
    record.progress = JSON.stringify(progress);
    delete record.claim;
    if (pause) this.paused.set(pause.method, Math.max(this.paused.get(pause.method) ?? 0, pause.until));
    const key = claim.entry?.coalesceKey;
    if (key !== undefined && !record.coalesce.has(key)) record.coalesce.set(key, claim.id);
    return true;
  }

  async pauses(now: number): Promise<MethodPause[]> {
    return [...this.paused.entries()]
      .filter(([, until]) => until > now)
      .map(([method, until]) => ({ method, until }))
      .sort((a, b) => a.method.localeCompare(b.method));
  }

  async pendingEntries(): Promise<number> {
    let count = 0;
    for (const record of this.lanes.values()) count += record.queue.length;
    return count;
  }

  private record(lane: string): LaneRecord {
    let record = this.lanes.get(lane);
    if (!record) {
      record = { queue: [], entries: new Map(), coalesce: new Map(), attempts: 0 };
      this.lanes.set(lane, record);
    }
    return record;
  }
}

/** Lanes with score <= now, by score then name (as Redis orders a sorted set). */
function dueLanes(scores: Map<string, number>, now: number): string[] {
  return [...scores.entries()]
    .filter(([, score]) => score <= now)
    .sort(([a, sa], [b, sb]) => sa - sb || (a < b ? -1 : a > b ? 1 : 0))
    .map(([lane]) => lane);
}
