/** Where a drill run's message lives in Slack: its thread replies and final update need both. */
export interface DrillMessageRef {
  /** Channel id (C…), as chat.postMessage returned it. */
  channel: string;
  ts: string;
}

/**
 * Remembers each drill run's message, shared by replicas (Redis) and kept across restarts, so a
 * thread reply or the final update delivered by another replica, or after a restart, finds the
 * message the first entry of the run's outbox lane posted. Written once, by whichever replica
 * delivered that first entry; the lane's order means every later entry of the run reads it.
 */
export interface DrillMessageRefs {
  get(runId: string): Promise<DrillMessageRef | null>;
  save(runId: string, ref: DrillMessageRef): Promise<void>;
}

/** Kept a month: far longer than any drill (restore wait, keepFor, cleanup) or an outage of Slack. */
export const DRILL_MESSAGE_REF_TTL_MS = 30 * 24 * 3600_000; // 30 days

/** Validates a stored value on read: anything else is treated as absent. */
export function isDrillMessageRef(value: unknown): value is DrillMessageRef {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.channel === 'string' && v.channel !== '' && typeof v.ts === 'string' && v.ts !== '';
}
