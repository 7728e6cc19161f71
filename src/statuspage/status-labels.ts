import type { ComponentStatus, StatusPageState } from '../core/action-request.js';

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

/** `2026-11-21 12:00 UTC`: one unambiguous form for every reader, without JavaScript to localise it. */
export function formatUtc(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
