import { COMPONENT_STATUSES, type ComponentStatus, type StatusPageState } from '../core/action-request.js';
import type { CheckConfig } from '../config/types.js';
import { isOpen, type Incident } from '../core/incident.js';
import type { Severity } from '../core/severity.js';
import type { StatusPageImpact } from './status-page.js';

// Why this mapping: severities describe user impact (SPEC §3), and Statuspage's component
// statuses are user impact in its own words.
//   SEV1 critical: the service is down for everyone        -> major_outage
//   SEV2: broken for some users or some functions            -> partial_outage
//   SEV3: working but slow or at risk (lag, stale backups)   -> degraded_performance
//   SEV4 informational: nothing a user would notice          -> operational
const COMPONENT_STATUS_BY_SEVERITY: Record<Severity, ComponentStatus> = {
  SEV1: 'major_outage',
  SEV2: 'partial_outage',
  SEV3: 'degraded_performance',
  SEV4: 'operational',
};

// Statuspage computes an incident's impact from its components the same way (major_outage ->
// critical, partial_outage -> major, degraded_performance -> minor), so the override only makes
// the impact follow the severity when an update names no component.
const IMPACT_BY_SEVERITY: Record<Severity, StatusPageImpact> = {
  SEV1: 'critical',
  SEV2: 'major',
  SEV3: 'minor',
  SEV4: 'none',
};

/** The public component status for a check failing at `severity`. */
export function componentStatusFor(severity: Severity): ComponentStatus {
  return COMPONENT_STATUS_BY_SEVERITY[severity];
}

/** The Statuspage `impact_override` for an incident at `severity`. */
export function impactFor(severity: Severity): StatusPageImpact {
  return IMPACT_BY_SEVERITY[severity];
}

/** The worst of the given component statuses; `operational` when there are none. */
export function worstComponentStatus(statuses: Iterable<ComponentStatus>): ComponentStatus {
  let worst = 0;
  for (const status of statuses) worst = Math.max(worst, COMPONENT_STATUSES.indexOf(status));
  return COMPONENT_STATUSES[worst] ?? 'operational';
}

/** What `deriveComponentStatuses` looks at. */
export interface DeriveComponentsInput {
  /** The incident the update is about. */
  incident: Incident;
  /** The status being published: `resolved` clears this incident's share of the impact. */
  status: StatusPageState;
  checks: readonly CheckConfig[];
  /** Every open incident (this one included or not): others on the same component keep it degraded. */
  openIncidents: readonly Incident[];
}

/**
 * Component statuses for an update about `incident`, when the operator named none: the
 * component its check speaks for, at the worst severity among the open incidents of every check
 * that speaks for that component. Resolving drops this incident from that worst-of, so the
 * component goes back to operational unless another open incident still affects it.
 * Empty when the incident's check speaks for no component.
 */
export function deriveComponentStatuses(input: DeriveComponentsInput): Record<string, ComponentStatus> {
  const { incident, status, checks, openIncidents } = input;
  const componentOf = new Map(checks.map((check) => [check.id, check.component]));
  const component = componentOf.get(incident.checkId);
  if (component === undefined) return {};

  const affecting = openIncidents.filter(
    (other) => other.id !== incident.id && isOpen(other) && componentOf.get(other.checkId) === component,
  );
  if (status !== 'resolved' && isOpen(incident)) affecting.push(incident);
  return { [component]: worstComponentStatus(affecting.map((other) => componentStatusFor(other.severity))) };
}
