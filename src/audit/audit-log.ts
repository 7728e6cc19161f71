import type { ApprovalAuditEntry } from '../approvals/approval-audit.js';
import type { SilenceAuditEntry } from '../noise/silence-store.js';

/**
 * Incident-side transitions the audit log records (SPEC §11) beside the approval ones
 * (approval-audit.ts): what happened to an incident and who paged whom. Status-page posts are
 * approval requests (two-person rule), so they are in the log as those.
 */
export type IncidentAuditType =
  | 'incident-opened'
  | 'incident-declared'
  | 'incident-escalated'
  | 'incident-deescalated'
  | 'incident-acknowledged'
  | 'incident-resolved'
  /** A dependent check failed while its parent's incident was open: recorded on the parent (SPEC §9). */
  | 'incident-child-failed'
  /** PagerDuty accepted a trigger: on-call is being paged. */
  | 'page-delivered'
  /** An unacknowledged incident's escalation timer fired: a trigger is queued. */
  | 'page-escalated'
  /** The incident's dedicated channel was archived after it resolved. */
  | 'channel-archived';

export const INCIDENT_AUDIT_TYPES: readonly IncidentAuditType[] = [
  'incident-opened',
  'incident-declared',
  'incident-escalated',
  'incident-deescalated',
  'incident-acknowledged',
  'incident-resolved',
  'incident-child-failed',
  'page-delivered',
  'page-escalated',
  'channel-archived',
];

/** One audit record about an incident. `id` is its position in the log, as for approval entries. */
export interface IncidentAuditEntry {
  id: string;
  type: IncidentAuditType;
  incidentId: string;
  /** Epoch ms, from the injected clock of the process that made the transition. */
  at: number;
  /** Slack user id, `pagerduty:<name>`, or absent when the monitor (or a timer) did it. */
  actor?: string;
  detail?: string;
}

/** A restore drill (SPEC §10, §11): started (by whom, or the schedule) and how it ended. */
export type DrillAuditType = 'drill-started' | 'drill-finished';

export interface DrillAuditEntry {
  id: string;
  type: DrillAuditType;
  /** The drill run, `DRL-<n>`. */
  drillRunId: string;
  /** The drill's name in the config. */
  drill: string;
  /** Epoch ms. */
  at: number;
  /** Slack user id; absent when the schedule started it. */
  actor?: string;
  detail?: string;
}

export type NewDrillAuditEntry = Omit<DrillAuditEntry, 'id'>;

/**
 * Any entry of the log: approval entries carry `approvalId`, incident entries `incidentId`,
 * silence entries (written by the silence store with the silence itself) `checkId`, drill
 * entries `drillRunId`.
 */
export type AuditLogEntry = ApprovalAuditEntry | IncidentAuditEntry | SilenceAuditEntry | DrillAuditEntry;

export type NewIncidentAuditEntry = Omit<IncidentAuditEntry, 'id'>;

/** What to read, newest first: entries before `beforeId` (exclusive), at most `limit` (1..1000). */
export interface NewestAuditQuery {
  limit: number;
  beforeId?: string;
}

/**
 * The whole audit log (SPEC §11), one append-only record shared by replicas: the approval store
 * writes its entries inside its transitions; everything else appends here. Entries of kinds this
 * version does not know (a newer replica's) are skipped on read, never an error.
 */
export interface AuditLog {
  append(entry: NewIncidentAuditEntry): Promise<void>;
  appendDrill(entry: NewDrillAuditEntry): Promise<void>;
  newest(query: NewestAuditQuery): Promise<AuditLogEntry[]>;
}

export function isIncidentAuditEntry(entry: AuditLogEntry): entry is IncidentAuditEntry {
  return 'incidentId' in entry;
}

export function isSilenceAuditEntry(entry: AuditLogEntry): entry is SilenceAuditEntry {
  return 'checkId' in entry && !('incidentId' in entry) && !('approvalId' in entry);
}

export function isDrillAuditEntry(entry: AuditLogEntry): entry is DrillAuditEntry {
  return 'drillRunId' in entry;
}
