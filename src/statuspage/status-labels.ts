import type { ComponentStatus, StatusPageState } from '../core/action-request.js';
import type { IncidentState } from '../core/incident.js';
import type { Severity } from '../core/severity.js';

/** Words for each component status: the page never says a status by colour alone. */
export const COMPONENT_STATUS_TEXT: Record<ComponentStatus, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};

/** Words for each incident status. */
export const INCIDENT_STATUS_TEXT: Record<StatusPageState, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

/** Words for each severity, as SPEC §3 defines them (SEV1 critical to SEV4 informational). */
export const SEVERITY_TEXT: Record<Severity, string> = {
  SEV1: 'critical',
  SEV2: 'major',
  SEV3: 'minor',
  SEV4: 'informational',
};

/** Words for a monitor incident's state; who acknowledged stays in Slack. */
export const MONITOR_STATE_TEXT: Record<IncidentState, string> = {
  open: 'Open, not yet acknowledged',
  acknowledged: 'Acknowledged by the on-call team',
  resolved: 'Resolved',
};
