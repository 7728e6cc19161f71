import type { Measurement } from './check-result.js';
import type { Severity } from './severity.js';

export type IncidentState = 'open' | 'acknowledged' | 'resolved';

/** An incident: one per failing check at a time, short typable id (`INC-42`). */
export interface Incident {
  id: string;
  checkId: string;
  severity: Severity;
  state: IncidentState;
  /** Starts at 1 and grows with every write; writers compare it to detect a change made meanwhile. */
  revision: number;
  /** Epoch ms. */
  openedAt: number;
  updatedAt: number;
  resolvedAt?: number;
  acknowledgedBy?: string;
  acknowledgedAt?: number;
  /** The latest measured value in words ("HTTP 503", "lag 412s"). */
  summary: string;
  measurement: Measurement;
  /** Worst severity seen while open. */
  peakSeverity: Severity;
  /** Who resolved it by hand, when a person did rather than the monitor. */
  resolvedBy?: string;
  /**
   * Dependent checks (`dependsOn`, SPEC §9) that failed while this incident was open and joined it
   * instead of opening their own, one entry per check (the latest failure), in order of joining.
   */
  children?: ChildFailure[];
}

/** A dependent check's failure recorded on its parent's incident. */
export interface ChildFailure {
  checkId: string;
  severity: Severity;
  /** What it measured, in words ("HTTP 503"). */
  summary: string;
  /** Epoch ms. */
  at: number;
}

export type IncidentEventType = 'opened' | 'escalated' | 'deescalated' | 'resolved' | 'acknowledged' | 'child-failed';

/** A change to an incident, with the value measured when it happened. */
export interface IncidentEvent {
  type: IncidentEventType;
  incidentId: string;
  checkId: string;
  at: number;
  severity: Severity;
  previousSeverity?: Severity;
  summary: string;
  measurement: Measurement;
  /** Who caused it, for human transitions (Slack user id); absent for the monitor. */
  actor?: string;
  /** Free text a person gave with the change (`/dr resolve INC-4 failed over to us-west-2`). */
  note?: string;
  /** On `child-failed`: the dependent check that failed and joined this incident. */
  child?: ChildFailure;
}

export function isOpen(incident: Incident): boolean {
  return incident.state !== 'resolved';
}

/** Formats the store's incident counter as the id users type. */
export function formatIncidentId(sequence: number): string {
  return `INC-${sequence}`;
}

/** Longest slug a declared incident's check id carries (`declared:db-writes-failing`). */
const DECLARED_SLUG_CHARS = 40;

/**
 * The check id of a declared incident: `declared:` and a slug of its title. The colon keeps it
 * apart from every configured check (check ids are lowercase letters, digits, - and _), so the
 * monitor never finds it; the slug makes its channel name readable (`inc-7-declared-db-writes`).
 */
export function declaredCheckId(title: string): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, DECLARED_SLUG_CHARS)
    .replace(/-+$/, '');
  return `declared:${slug || 'incident'}`;
}

/** True for an incident a person declared (`/dr declare`) rather than one a check opened. */
export function isDeclared(incident: Pick<Incident, 'measurement'>): boolean {
  return incident.measurement.kind === 'declared';
}
