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

/** `2026-11-21 12:00 UTC`: one unambiguous form for every reader, without JavaScript to localise it. */
export function formatUtc(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

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

/** A rough length of time in words (`45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`): how long something lasted. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}
