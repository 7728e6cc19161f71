/**
 * A check's silence (SPEC §9): from `/dr silence` (kept in the store) or a `maintenance:` window
 * (from the config). While one is in force the check's incidents still open and resolve, in the
 * store and on metrics, but page nobody and post nothing new in Slack.
 */
export interface Silence {
  checkId: string;
  /** Epoch ms; the silence is over from then on. */
  until: number;
  /** Epoch ms when it began (a command's time, a window's start). */
  since: number;
  /** A Slack user id for a command; absent for a maintenance window. */
  by?: string;
  reason: string;
  source: 'command' | 'maintenance';
  /** A maintenance window that `/dr unsilence` ended early: epoch ms it ended (before `until`). */
  endedAt?: number;
  /** Who ended it early (a Slack user id). */
  endedBy?: string;
}

/** The longest silence a command may set (SPEC §5: max 7 days). */
export const MAX_SILENCE_MS = 7 * 86_400_000; // 7 days

/** The longest reason kept: it is shown on every incident message of the check. */
export const MAX_SILENCE_REASON = 500;

/** True while `silence` is in force at `now`: an early end only ever shortens it. */
export function isInForce(silence: Silence, now: number): boolean {
  return silence.since <= now && now < silence.until && (silence.endedAt === undefined || now < silence.endedAt);
}

/** True once a window was ended early by command (it keeps its place in `/dr silences` until its end). */
export function isEndedEarly(silence: Silence, now: number): boolean {
  return silence.endedAt !== undefined && silence.endedAt <= now && now < silence.until;
}

/**
 * Of the silences in force at `now`, the one ending last (what "silenced until" shows): several
 * may cover a check at once (a command during a maintenance window).
 */
export function longestInForce(silences: readonly Silence[], now: number): Silence | null {
  let best: Silence | null = null;
  for (const silence of silences) {
    if (isInForce(silence, now) && (!best || silence.until > best.until)) best = silence;
  }
  return best;
}

/**
 * Per check, the silence in force at `now` among `silences` read once for a whole answer (a list
 * of incidents asks per line, and must not read the store per line).
 */
export function inForceByCheck(silences: readonly Silence[], now: number): ReadonlyMap<string, Silence> {
  const byCheck = new Map<string, Silence>();
  for (const silence of silences) {
    const best = byCheck.get(silence.checkId);
    if (isInForce(silence, now) && (!best || silence.until > best.until)) byCheck.set(silence.checkId, silence);
  }
  return byCheck;
}
