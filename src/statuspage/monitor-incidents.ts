import type { ComponentStatus } from '../core/action-request.js';
import type { Incident, IncidentState } from '../core/incident.js';
import { severityRank, type Severity } from '../core/severity.js';
import type { Store } from '../store/store.js';
import { componentStatusFor, worstComponentStatus } from './component-status-for.js';

/** Where the page reads the monitor's incidents: the Store port, nothing more. */
export type MonitorIncidentSource = Pick<Store, 'listOpenIncidents' | 'listRecentIncidents'>;

/** Resolved monitor incidents stay on the page this long after they resolved: 24 hours. */
export const MONITOR_RESOLVED_WINDOW_MS = 24 * 60 * 60_000;
/** At most this many resolved monitor incidents are shown, the most recently resolved first. */
export const MONITOR_RESOLVED_LIMIT = 20;
/**
 * How many of the most recently opened incidents are searched for the resolved ones: the store
 * lists them by opening time, so one opened before the 100 newest is not shown even if it
 * resolved within the window (a page with that much churn has bigger news anyway).
 */
export const MONITOR_RECENT_SCAN = 100;

/** One incident the monitor raised, as `/status.json` gives it when showMonitorIncidents is on. */
export interface StatusViewMonitorIncident {
  /** The Lifeboat incident id (`INC-7`). */
  id: string;
  checkId: string;
  /** The status-page component the check speaks for, or null. */
  component: string | null;
  /** `acknowledged`: a person acknowledged it in Slack (who is not shown). */
  state: IncidentState;
  /** The current severity (for a resolved one: the severity it had when it resolved). */
  severity: Severity;
  /** The worst severity it reached. */
  peakSeverity: Severity;
  /** The component status the current severity means (see componentStatusFor). */
  impact: ComponentStatus;
  /** What the check measured last, in words ("HTTP 503 in 12ms"); secrets are already scrubbed by the probes. */
  summary: string;
  /** ISO-8601. */
  openedAt: string;
  /** ISO-8601; null while open. */
  resolvedAt: string | null;
}

/** A component's status as the monitor sees it, from its checks' open incidents. */
export interface MonitorComponentStatus {
  status: ComponentStatus;
  /** Epoch ms the newest of those incidents opened: a publish after it takes precedence. */
  since: number;
  /** The open incidents behind it, ids in page order. */
  incidentIds: string[];
}

export interface MonitorIncidentsInput {
  open: readonly Incident[];
  recent: readonly Incident[];
  /** Check id -> the component it speaks for (`checks[].component`). */
  componentOf: ReadonlyMap<string, string>;
  /** Epoch ms. */
  now: number;
}

const iso = (epochMs: number): string => new Date(epochMs).toISOString();

/**
 * A readiness or drill incident says a runbook would be refused or a backup did not restore, not
 * that customers are affected; a declared one carries a title an operator typed, which reaches the
 * public page only through an approved `/dr statuspage` post (the two-person rule). All stay off
 * the page.
 */
function internalOnly(incident: Incident): boolean {
  const { kind } = incident.measurement;
  return kind === 'readiness' || kind === 'drill' || kind === 'declared';
}

/**
 * The monitor's incidents for the page: every open one, worst severity first, then the newest
 * first; then those resolved within the last 24 hours, the most recently resolved first, 20 at most.
 */
export function selectMonitorIncidents(input: MonitorIncidentsInput): StatusViewMonitorIncident[] {
  const open = input.open
    .filter((incident) => incident.state !== 'resolved' && !internalOnly(incident))
    .sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || b.openedAt - a.openedAt || compareIds(a.id, b.id));
  const openIds = new Set(open.map((incident) => incident.id));
  const since = input.now - MONITOR_RESOLVED_WINDOW_MS;
  const resolved = input.recent
    .filter(
      (incident): incident is Incident & { resolvedAt: number } =>
        incident.state === 'resolved' &&
        incident.resolvedAt !== undefined &&
        incident.resolvedAt >= since &&
        !openIds.has(incident.id) &&
        !internalOnly(incident),
    )
    .sort((a, b) => b.resolvedAt - a.resolvedAt || compareIds(a.id, b.id))
    .slice(0, MONITOR_RESOLVED_LIMIT);
  return [...open, ...resolved].map((incident) => ({
    id: incident.id,
    checkId: incident.checkId,
    component: input.componentOf.get(incident.checkId) ?? null,
    state: incident.state,
    severity: incident.severity,
    peakSeverity: incident.peakSeverity,
    impact: componentStatusFor(incident.severity),
    summary: incident.summary,
    openedAt: iso(incident.openedAt),
    resolvedAt: incident.resolvedAt === undefined ? null : iso(incident.resolvedAt),
  }));
}

/**
 * Per component, the status its checks' open incidents imply: the worst of their severities
 * through componentStatusFor. Components with no open incident are absent.
 */
export function monitorComponentStatuses(
  open: readonly Incident[],
  componentOf: ReadonlyMap<string, string>,
): Map<string, MonitorComponentStatus> {
  const byComponent = new Map<string, Incident[]>();
  for (const incident of open) {
    const component = componentOf.get(incident.checkId);
    if (component === undefined || incident.state === 'resolved') continue;
    byComponent.set(component, [...(byComponent.get(component) ?? []), incident]);
  }
  const statuses = new Map<string, MonitorComponentStatus>();
  for (const [component, incidents] of byComponent) {
    incidents.sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || b.openedAt - a.openedAt || compareIds(a.id, b.id));
    statuses.set(component, {
      status: worstComponentStatus(incidents.map((incident) => componentStatusFor(incident.severity))),
      since: Math.max(...incidents.map((incident) => incident.openedAt)),
      incidentIds: incidents.map((incident) => incident.id),
    });
  }
  return statuses;
}

/** `INC-9` before `INC-10`: by number where both have one, else as text. */
function compareIds(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
