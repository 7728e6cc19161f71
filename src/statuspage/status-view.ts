import type { ComponentStatus, StatusPageState } from '../core/action-request.js';
import { worstComponentStatus } from './component-status-for.js';
import { COMPONENT_STATUS_TEXT } from './status-labels.js';
import type { StatusPageImpact } from './status-page.js';
import type { ComponentRecord, PublishedIncidentRecord } from './statuspage-store.js';

/** One component as the page shows it. */
export interface StatusViewComponent {
  name: string;
  status: ComponentStatus;
  /** ISO-8601; null while nothing was ever published for it. */
  updatedAt: string | null;
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
}

const iso = (epochMs: number): string => new Date(epochMs).toISOString();

/** Builds the public view: every configured component (operational until a publish says otherwise) and the published incidents. */
export function buildStatusView(input: StatusViewInput): StatusView {
  const components = input.componentNames.map((name): StatusViewComponent => {
    const record = input.components[name];
    return { name, status: record?.status ?? 'operational', updatedAt: record ? iso(record.updatedAt) : null };
  });
  const indicator = worstComponentStatus(components.map((c) => c.status));
  const active = input.incidents.some((incident) => incident.status !== 'resolved');
  const description =
    indicator !== 'operational'
      ? COMPONENT_STATUS_TEXT[indicator]
      : active
        ? 'Incident in progress'
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
  };
}
