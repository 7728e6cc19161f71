import type { Incident } from '../core/incident.js';
import type { CheckPosture } from './blocks/status-report.js';
import type { ApprovalSummary } from './bot-ports.js';

/** What `/dr status` read from the store. */
export interface StatusSnapshot {
  checks: CheckPosture[];
  openIncidents: Incident[];
  approvals: ApprovalSummary[] | null;
}

/** What `/dr incidents` read from the store. */
export interface IncidentsSnapshot {
  open: Incident[];
  resolved: Incident[];
}

/** A snapshot and when this replica read it (epoch ms). */
export interface Remembered<T> {
  data: T;
  readAtMs: number;
}

/** Most items of any one list kept; more than any answer shows, so nothing shown is lost. */
export const MAX_REMEMBERED_ITEMS = 500;

/**
 * The last successful answer of each read-only command, in this replica's memory only (one slot
 * per command, lists capped), so that while the store is unreachable operators still see the
 * last known posture, marked stale with its age. Never a source of truth: nothing acts on it.
 */
export class LastKnownPosture {
  private statusSlot: Remembered<StatusSnapshot> | null = null;
  private incidentsSlot: Remembered<IncidentsSnapshot> | null = null;

  rememberStatus(data: StatusSnapshot, readAtMs: number): void {
    this.statusSlot = {
      data: {
        checks: data.checks.slice(0, MAX_REMEMBERED_ITEMS),
        openIncidents: data.openIncidents.slice(0, MAX_REMEMBERED_ITEMS),
        approvals: data.approvals === null ? null : data.approvals.slice(0, MAX_REMEMBERED_ITEMS),
      },
      readAtMs,
    };
  }

  rememberIncidents(data: IncidentsSnapshot, readAtMs: number): void {
    this.incidentsSlot = {
      data: { open: data.open.slice(0, MAX_REMEMBERED_ITEMS), resolved: data.resolved.slice(0, MAX_REMEMBERED_ITEMS) },
      readAtMs,
    };
  }

  get status(): Remembered<StatusSnapshot> | null {
    return this.statusSlot;
  }

  get incidents(): Remembered<IncidentsSnapshot> | null {
    return this.incidentsSlot;
  }
}
