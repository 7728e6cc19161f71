import type { ComponentStatus, StatusPageState } from '../core/action-request.js';
import type { Incident } from '../core/incident.js';
import { worstComponentStatus } from './component-status-for.js';
import { monitorComponentStatuses, selectMonitorIncidents, type StatusViewMonitorIncident } from './monitor-incidents.js';
import { COMPONENT_STATUS_TEXT } from './status-labels.js';
import type { StatusPageImpact } from './status-page.js';
import type { ComponentRecord, PublishedIncidentRecord } from './statuspage-store.js';

/** One component as the page shows it. */
export interface StatusViewComponent {
  name: string;
  status: ComponentStatus;
  /** ISO-8601; null while nothing was ever published for it (and, with monitor incidents shown, nothing detected). */
  updatedAt: string | null;
  /**
   * Only with monitor incidents shown: where the status comes from. `published`: an approved
   * update; `monitoring`: the open incidents of its checks, newer than any publish; `none`: neither
   * (operational).
   */
  source?: 'published' | 'monitoring' | 'none';
  /** Only with monitor incidents shown: the open monitor incidents on its checks, even when a publish wins. */
  monitorIncidentIds?: string[];
}

/** One update of a published incident. */
export interface StatusViewUpdate {
  status: StatusPageState;
  message: string;
  /** ISO-8601. */
  at: string;
  components: Record<string, ComponentStatus>;
}

/** One published incident, updates newest first. */
export interface StatusViewIncident {
  id: string;
  title: string;
  status: StatusPageState;
  impact: StatusPageImpact | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  updates: StatusViewUpdate[];
}

/** Everything the built-in page says: `/status.json` is exactly this, `/status` renders it. */
export interface StatusView {
  title: string;
  /** ISO-8601 time this view was built. */
  generatedAt: string;
  status: { indicator: ComponentStatus; description: string };
  components: StatusViewComponent[];
  /** Newest first. */
  incidents: StatusViewIncident[];
  /**
   * Only when `statuspage.showMonitorIncidents` is on: the monitor's own, unreviewed incidents,
   * open ones first (worst severity, then newest), then those resolved in the last 24 h (20 at most).
   */
  monitorIncidents?: StatusViewMonitorIncident[];
}

export interface StatusViewInput {
  title: string;
  /** The components the page shows, in order (see publicComponentNames). */
  componentNames: readonly string[];
  /** Last published status per component; unlisted components are operational. */
  components: Readonly<Record<string, ComponentRecord>>;
  incidents: readonly PublishedIncidentRecord[];
  /** Epoch ms. */
  now: number;
  /** Given only when `statuspage.showMonitorIncidents` is on. */
  monitor?: {
    /** Open (and acknowledged) incidents. */
    open: readonly Incident[];
    /** The most recently opened incidents, for the recently resolved ones. */
    recent: readonly Incident[];
    /** Check id -> the component it speaks for. */
    componentOf: ReadonlyMap<string, string>;
  };
}

const iso = (epochMs: number): string => new Date(epochMs).toISOString();

/**
 * Builds the public view: every configured component (operational until a publish says otherwise)
 * and the published incidents; with `monitor`, also the monitor's incidents, and components follow
 * their checks' open incidents unless a publish set their status after the newest of them opened.
 */
export function buildStatusView(input: StatusViewInput): StatusView {
  const { monitor } = input;
  const detected = monitor ? monitorComponentStatuses(monitor.open, monitor.componentOf) : null;
  const components = input.componentNames.map((name): StatusViewComponent => {
    const record = input.components[name];
    const published: StatusViewComponent = {
      name,
      status: record?.status ?? 'operational',
      updatedAt: record ? iso(record.updatedAt) : null,
    };
    if (!detected) return published;
    const fromMonitor = detected.get(name);
    const monitorIncidentIds = fromMonitor?.incidentIds ?? [];
    // A person's approved word stands until the monitor has news newer than it (an incident opened since).
    if (fromMonitor && !(record && record.updatedAt > fromMonitor.since)) {
      return { name, status: fromMonitor.status, updatedAt: iso(fromMonitor.since), source: 'monitoring', monitorIncidentIds };
    }
    return { ...published, source: record ? 'published' : 'none', monitorIncidentIds };
  });
  const indicator = worstComponentStatus(components.map((c) => c.status));
  const monitorIncidents = monitor
    ? selectMonitorIncidents({ open: monitor.open, recent: monitor.recent, componentOf: monitor.componentOf, now: input.now })
    : undefined;
  const active = input.incidents.some((incident) => incident.status !== 'resolved');
  const detectedOpen = (monitorIncidents ?? []).some((incident) => incident.state !== 'resolved');
  const description =
    indicator !== 'operational'
      ? COMPONENT_STATUS_TEXT[indicator]
      : active
        ? 'Incident in progress'
        : detectedOpen
          ? 'Incident detected by monitoring'
          : 'All systems operational';
  return {
    title: input.title,
    generatedAt: iso(input.now),
    status: { indicator, description },
    components,
    incidents: input.incidents.map((incident) => ({
      id: incident.id,
      title: incident.title,
      status: incident.status,
      impact: incident.impact ?? null,
      createdAt: iso(incident.createdAt),
      updatedAt: iso(incident.updatedAt),
      resolvedAt: incident.resolvedAt === undefined ? null : iso(incident.resolvedAt),
      updates: incident.updates.map((update) => ({
        status: update.status,
        message: update.message,
        at: iso(update.at),
        components: { ...update.components },
      })),
    })),
    ...(monitorIncidents && { monitorIncidents }),
  };
}
