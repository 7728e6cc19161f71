import type { Incident } from '../core/incident.js';
import type { CheckPosture } from './blocks/status-report.js';
import type { ApprovalSummary } from './bot-ports.js';
import type { Posture } from '../posture/posture.js';
import type { Silence } from '../noise/silence.js';

/** What `/dr status` read from the store. */
export interface StatusSnapshot {
  checks: CheckPosture[];
  openIncidents: Incident[];
  approvals: ApprovalSummary[] | null;
  /** The DR posture as assessed with it; absent where not wired. */
  posture?: Posture | null;
  /** Silences in force or to come when read: a stale answer still marks what is muted, never past its end. */
  silences: Silence[];
}

/** What `/dr incidents` read from the store. */
export interface IncidentsSnapshot {
  open: Incident[];
  resolved: Incident[];
  /** As in StatusSnapshot. */
  silences: Silence[];
}

/** A snapshot and when this replica read it (epoch ms). */
export interface Remembered<T> {
  data: T;
  readAtMs: number;
}

/**
 * The last successful answer of each read-only command, in this replica's memory only (one slot
 * per command, replaced on every read), so that while the store is unreachable operators still see
 * the last known posture, marked stale with its age. Never a source of truth: nothing acts on it.
 * Lists are kept whole (the snapshot already exists; keeping it costs a reference), so a stale
 * answer's "…and N more" counts what was really there.
 */
export class LastKnownPosture {
  private statusSlot: Remembered<StatusSnapshot> | null = null;
  private incidentsSlot: Remembered<IncidentsSnapshot> | null = null;

  rememberStatus(data: StatusSnapshot, readAtMs: number): void {
    this.statusSlot = { data, readAtMs };
  }

  rememberIncidents(data: IncidentsSnapshot, readAtMs: number): void {
    this.incidentsSlot = { data, readAtMs };
  }

  get status(): Remembered<StatusSnapshot> | null {
    return this.statusSlot;
  }

  get incidents(): Remembered<IncidentsSnapshot> | null {
    return this.incidentsSlot;
  }
}
