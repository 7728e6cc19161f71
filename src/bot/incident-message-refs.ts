/** Where an incident's Slack message lives, so every change updates that one message. */
export interface IncidentMessageRef {
  /** Channel id the message is in (chat.update needs the id, not a name). */
  channel: string;
  ts: string;
  /** The dedicated incident channel, once created. */
  incidentChannelId?: string;
}

/**
 * Remembers incident messages across restarts and replicas (Redis), so a restarted or newly
 * elected leader keeps updating the same message instead of posting a second one.
 */
export interface IncidentMessageRefs {
  get(incidentId: string): Promise<IncidentMessageRef | null>;
  /**
   * Stores `ref` unless one is already stored, atomically; returns whichever is stored now. A
   * caller that gets back someone else's ref lost a race and posted a duplicate.
   */
  claim(incidentId: string, ref: IncidentMessageRef): Promise<IncidentMessageRef>;
  /** Overwrites the stored ref (to add the incident channel). */
  save(incidentId: string, ref: IncidentMessageRef): Promise<void>;
}

/** Kept a month after the last write: long enough for any late update or post-mortem link. */
export const MESSAGE_REF_TTL_MS = 30 * 24 * 3600_000; // 30 days

/** Validates a stored value on read: anything else is treated as absent and reported. */
export function isIncidentMessageRef(value: unknown): value is IncidentMessageRef {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.channel === 'string' &&
    typeof v.ts === 'string' &&
    (v.incidentChannelId === undefined || typeof v.incidentChannelId === 'string')
  );
}
