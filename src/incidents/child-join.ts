import type { ChildFailure, Incident, IncidentEvent } from '../core/incident.js';
import type { CheckResult } from '../core/check-result.js';
import type { Severity } from '../core/severity.js';

/** A child's summary as kept on the parent (its own checks keep the whole): thousands of children stay small. */
const CHILD_SUMMARY_KEPT = 500;

/**
 * The parent incident with a dependent check's failure recorded on it (SPEC §9, `dependsOn`): the
 * child's entry replaces an earlier one of the same check, so the list holds each child once with
 * its latest measurement; and the `child-failed` timeline event naming the child.
 */
export function joinChild(parent: Incident, result: CheckResult, at: number): { incident: Incident; event: IncidentEvent } {
  const child: ChildFailure = {
    checkId: result.checkId,
    severity: result.severity as Severity,
    summary: result.summary.length > CHILD_SUMMARY_KEPT ? `${result.summary.slice(0, CHILD_SUMMARY_KEPT - 1)}…` : result.summary,
    at,
  };
  const children = [...(parent.children ?? []).filter((c) => c.checkId !== child.checkId), child];
  const incident: Incident = { ...parent, children, revision: parent.revision + 1, updatedAt: at };
  const event: IncidentEvent = {
    type: 'child-failed',
    incidentId: parent.id,
    checkId: parent.checkId,
    at,
    severity: parent.severity,
    summary: parent.summary,
    measurement: parent.measurement,
    child,
  };
  return { incident, event };
}
