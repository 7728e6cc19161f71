import type { CheckResult } from '../core/check-result.js';
import type { IncidentDecision } from '../core/evaluate-result.js';
import type { Incident, IncidentEvent } from '../core/incident.js';
import { worstOf } from '../core/severity.js';

/** What the engine tells its subscribers after a committed change. */
export interface IncidentChange {
  incident: Incident;
  /** A timeline transition (opened, escalated, ...); absent when only the measured value moved. */
  event?: IncidentEvent;
}

/**
 * The incident as a check result leaves it, and the timeline event that says so; null when
 * nothing visible changes. Pure but for `newIncidentId`, called only when an incident opens.
 */
export async function changeFor(
  decision: IncidentDecision,
  result: CheckResult,
  open: Incident | null,
  at: number,
  newIncidentId: () => Promise<string>,
): Promise<IncidentChange | null> {
  switch (decision.kind) {
    case 'none':
      return null;
    case 'open': {
      const id = await newIncidentId();
      const incident: Incident = {
        id,
        checkId: result.checkId,
        severity: decision.severity,
        peakSeverity: decision.severity,
        state: 'open',
        revision: 1,
        openedAt: at,
        updatedAt: at,
        summary: result.summary,
        measurement: result.measurement,
      };
      return { incident, event: eventOf('opened', incident, at) };
    }
    case 'escalate':
    case 'deescalate': {
      const current = open as Incident;
      const incident: Incident = {
        ...current,
        severity: decision.severity,
        peakSeverity: worstOf(current.peakSeverity, decision.severity),
        revision: current.revision + 1,
        updatedAt: at,
        summary: result.summary,
        measurement: result.measurement,
      };
      const type = decision.kind === 'escalate' ? 'escalated' : 'deescalated';
      return { incident, event: { ...eventOf(type, incident, at), previousSeverity: current.severity } };
    }
    case 'update': {
      const current = open as Incident;
      // A pass while still open (not enough passes to resolve) keeps the failing value on show.
      if (result.ok) return null;
      if (current.summary === result.summary) return null;
      return {
        incident: { ...current, revision: current.revision + 1, updatedAt: at, summary: result.summary, measurement: result.measurement },
      };
    }
    case 'resolve': {
      const current = open as Incident;
      const incident: Incident = {
        ...current,
        state: 'resolved',
        revision: current.revision + 1,
        resolvedAt: at,
        updatedAt: at,
        summary: result.summary,
        measurement: result.measurement,
      };
      return { incident, event: eventOf('resolved', incident, at) };
    }
  }
}

/** A timeline event of `incident` as it stands (the noise gate builds its announcement's with it too). */
export function eventOf(type: IncidentEvent['type'], incident: Incident, at: number): IncidentEvent {
  return {
    type,
    incidentId: incident.id,
    checkId: incident.checkId,
    at,
    severity: incident.severity,
    summary: incident.summary,
    measurement: incident.measurement,
  };
}
