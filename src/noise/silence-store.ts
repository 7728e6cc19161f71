import type { Silence } from './silence.js';

/** An entry of the audit stream about a silence (kind `silence`, beside the approval entries). */
export interface SilenceAuditEntry {
  /** Position in the stream (a Redis Stream id, or the memory twin's counter). */
  id: string;
  type: 'silenced' | 'unsilenced';
  checkId: string;
  /** Epoch ms. */
  at: number;
  actor: string;
  /** "until 2027-01-10T04:00:00Z: DB upgrade", "ended early", "maintenance window ended". */
  detail: string;
}

/** A maintenance window (one check's share of it) that `/dr unsilence` ended early. */
export interface WindowEnd {
  checkId: string;
  /** The window's configured start and end (epoch ms): with the check, its identity. */
  since: number;
  until: number;
  /** Epoch ms it was ended. */
  endedAt: number;
  /** Who ended it (a Slack user id). */
  endedBy: string;
}

/** An incident whose Slack post and page were held back by a silence, owed when it ends. */
export interface MutedIncident {
  incidentId: string;
  checkId: string;
}

/**
 * The store's noise-control state (SPEC §9), shared by replicas and kept across restarts: command
 * silences (each set and early end audited in the same atomic step), the maintenance windows
 * whose opening is audited (so each opening and closing is audited once), incidents owed an
 * announcement when their silence ends, and reminder due times. Claims are atomic, so with any
 * number of replicas each announcement and each reminder is made once.
 */
export interface SilenceStore {
  /** Sets the check's command silence, replacing one in force, and audits it. */
  setSilence(silence: Silence): Promise<void>;
  /** Ends the check's command silence early and audits it; null when there was none. */
  endSilence(checkId: string, actor: string, at: number): Promise<Silence | null>;
  /** Command silences (ended ones included until `pruneSilences`). */
  listSilences(): Promise<Silence[]>;
  /** Forgets command silences that ended before `now`, and early ends of windows past their end. */
  pruneSilences(now: number): Promise<void>;
  /** Silence audit entries, oldest first, at most `limit`. */
  readSilenceAudit(limit: number): Promise<SilenceAuditEntry[]>;

  /**
   * Audits that a maintenance window (one check's share of it) opened, unless its opening is
   * already audited and its closing not yet: true for exactly one caller, whichever replica leads.
   */
  auditWindowOpened(window: Silence): Promise<boolean>;
  /** Windows whose opening is audited and whose closing is not yet. */
  listOpenWindows(): Promise<Silence[]>;
  /** Audits that an open window closed, at `at`, saying why: true for exactly one caller. */
  auditWindowClosed(window: Silence, at: number, detail: string): Promise<boolean>;
  /**
   * `/dr unsilence` on a window in force: records that this window (one check's share of it, keyed
   * by check, start and end) ended early at `at`, forgets it as open and audits the early end with
   * the actor, in one step. True for exactly one caller; false when it was already ended early, so
   * an end is never moved (a window can only be shortened, never extended or reopened).
   */
  endWindow(window: Silence, actor: string, at: number): Promise<boolean>;
  /** Windows ended early, until `pruneSilences` passes their configured end. */
  listWindowEnds(): Promise<WindowEnd[]>;

  /** Notes that an incident's announcement was held back. */
  markMuted(muted: MutedIncident): Promise<void>;
  listMuted(): Promise<MutedIncident[]>;
  /** Takes the owed announcement: true for exactly one caller. */
  claimMuted(incidentId: string): Promise<boolean>;

  /** Sets (or moves) the incident's next reminder. */
  scheduleReminder(incidentId: string, dueAt: number): Promise<void>;
  /** Takes up to `limit` reminders due at `now`, atomically: each is returned to one caller only. */
  claimDueReminders(now: number, limit: number): Promise<Array<{ incidentId: string; dueAt: number }>>;
  cancelReminder(incidentId: string): Promise<void>;
}

/** The audit detail of a silence. */
export function silencedDetail(silence: Silence): string {
  return `until ${new Date(silence.until).toISOString()}: ${silence.reason}`;
}

/** The audit detail of an early end. */
export const UNSILENCED_DETAIL = 'ended early';

/** The actor of a maintenance window's audit entries: the config opened and closed it, nobody in Slack. */
export const MAINTENANCE_ACTOR = 'config:maintenance';

/** The audit detail of a window that reached its end. */
export const WINDOW_ENDED_DETAIL = 'maintenance window ended';

/** The audit detail of a window ended early by `/dr unsilence`: which window, as the config has it. */
export function windowEndedEarlyDetail(window: Pick<Silence, 'until' | 'reason'>): string {
  return `maintenance window ended early (configured until ${new Date(window.until).toISOString()}: ${window.reason})`;
}

/** The audit detail of a window that the config no longer has while it was in force. */
export const WINDOW_REMOVED_DETAIL = 'maintenance window removed from the config';

/** One window's identity for a check: a changed start or end is another window (the reason is not part of it). */
export function windowField(window: Pick<Silence, 'checkId' | 'since' | 'until'>): string {
  return JSON.stringify([window.checkId, window.since, window.until]);
}
