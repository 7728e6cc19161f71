import type { ComponentStatus, StatusPageState } from '../core/action-request.js';

/** Statuspage's incident impact levels (its `impact_override` values for realtime incidents). */
export const STATUS_PAGE_IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
export type StatusPageImpact = (typeof STATUS_PAGE_IMPACTS)[number];

/** One public post about a Lifeboat incident: what an approved `statuspage` request publishes. */
export interface StatusPageUpdate {
  /** The Lifeboat incident id (`INC-4`); the first post creates the public incident, later ones update it. */
  incidentId: string;
  /** Public title of the incident ("Elevated API errors"). */
  title: string;
  status: StatusPageState;
  /** The update's text, shown as written. */
  message: string;
  /** Component name (as in checks' `component` / `statuspage.components`) -> status to show. */
  components: Record<string, ComponentStatus>;
  /** Overrides the provider's computed impact; see `impactFor(severity)`. */
  impact?: StatusPageImpact;
}

/** What a publish did, for the run's progress thread and the audit log. */
export interface PublishResult {
  provider: 'builtin' | 'atlassian';
  /** `created` on the first post for the incident, `updated` afterwards. */
  action: 'created' | 'updated';
  /** The provider's incident id (Statuspage's id, or the Lifeboat id for the built-in page). */
  providerIncidentId: string;
  /** Epoch ms when the provider accepted it. */
  publishedAt: number;
  /** Public link to the incident, when the provider gives one (Statuspage `shortlink`). */
  url?: string;
}

/**
 * The status-page port. `publish` is the only way anything reaches a public page, and only the
 * approved-action runner calls it; it throws a StatusPageError (with a user-safe sentence) when
 * the update is invalid or the provider refuses it.
 */
export interface StatusPage {
  readonly provider: 'builtin' | 'atlassian';
  publish(update: StatusPageUpdate): Promise<PublishResult>;
}
