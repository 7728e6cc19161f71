import type { OutboxEntry } from './outbox-entry.js';

/** A finished part of an entry's delivery and what it produced (a posted message's channel and ts). */
export type PartResult = { channel: string; ts: string } | { id: string; name: string };

/** How far delivery of the head entry got, kept across attempts, replicas and restarts. */
export interface EntryProgress {
  /** Parts done (one entry may post twice: a thread reply and its copy in the incident channel). */
  done: Record<string, PartResult>;
  /**
   * A post sent whose outcome is unknown (an ambiguous error, or the claim lapsed mid-send):
   * the next attempt looks for it in Slack before posting it again.
   */
  inFlight?: string;
}

/** The head of a lane taken for delivery; only its holder (by token) may complete or reschedule it. */
export interface OutboxClaim {
  lane: string;
  /** The entry's id: Slack message metadata carries it (`outbox_id`). */
  id: string;
  /** Random per claim; a claim whose lease lapsed and was taken again cannot complete. */
  token: string;
  /** Null when the stored entry is unreadable: the worker drops it and says so. */
  entry: OutboxEntry | null;
  raw: string;
  /** Failed attempts so far. */
  attempts: number;
  progress: EntryProgress;
}

export type EnqueueOutcome = 'enqueued' | 'coalesced' | 'duplicate';

export interface EnqueueOptions {
  /**
   * With `entry.coalesceKey`: when an unclaimed entry with that key already waits in the lane,
   * nothing is added ('coalesced'); `replace` overwrites the waiting entry's data with this one's.
   */
  replace?: boolean;
  /** Enqueued at most once per key (for ONCE_KEY_TTL_MS), across replicas: 'duplicate' after. */
  onceKey?: string;
}

/** A rate-limited method: every lane whose head may call it waits until `until` (epoch ms). */
export interface MethodPause {
  method: string;
  until: number;
}

/** Once-keys are remembered this long: far longer than any run or incident lasts. */
export const ONCE_KEY_TTL_MS = 7 * 24 * 3600_000; // 7 days
/** A lane untouched this long is forgotten (nothing grows without bound, even if Slack never comes back). */
export const LANE_TTL_MS = 30 * 24 * 3600_000; // 30 days

/**
 * Slack posts waiting to be delivered, in the store so an outage of any length or a restart
 * loses none and replicas share them. Entries are FIFO per lane (an incident, an approval); only
 * a lane's head is ever claimed, so a thread reply never overtakes the message it belongs to.
 * Times are epoch ms from the caller's clock. Implementations: Redis (Lua, shared) and memory.
 */
export interface SlackOutbox {
  enqueue(id: string, entry: OutboxEntry, now: number, options?: EnqueueOptions): Promise<EnqueueOutcome>;

  /**
   * Claims the head of one lane that is due, for `leaseMs`: until then no other claimer sees it;
   * after, it is delivered again (with `progress` as the crashed holder left it). Lanes whose head
   * may call a paused method are skipped (and not looked at again before the pause ends).
   */
  claimNext(now: number, leaseMs: number): Promise<OutboxClaim | null>;

  /** Records progress and extends the lease to `leaseUntil`; false when the claim was lost. */
  saveProgress(claim: OutboxClaim, progress: EntryProgress, leaseUntil: number): Promise<boolean>;

  /** Removes the delivered head; false when the claim was lost. */
  complete(claim: OutboxClaim, now: number): Promise<boolean>;

  /**
   * Gives the head back for another attempt at `retryAt`, with `attempts` failures so far;
   * `pause` holds its method for every lane and replica. Later entries with its coalesce key merge
   * into it again (it renders anew when retried). False when the claim was lost.
   */
  reschedule(claim: OutboxClaim, retryAt: number, attempts: number, progress: EntryProgress, pause?: MethodPause): Promise<boolean>;

  /** Methods paused beyond `now`, with their end. */
  pauses(now: number): Promise<MethodPause[]>;

  /** Entries waiting in every lane (metrics, tests). */
  pendingEntries(): Promise<number>;
}

/** Validates stored progress. */
export function isEntryProgress(value: unknown): value is EntryProgress {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.done === 'object' && v.done !== null && (v.inFlight === undefined || typeof v.inFlight === 'string');
}
