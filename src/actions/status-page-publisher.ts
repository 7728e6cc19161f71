import type { ComponentStatus, StatusPageState } from '../core/action-request.js';

/** Exactly what one approved status-page post publishes. */
export interface StatusPagePublication {
  /** The Lifeboat incident; providers key their own incident on it so later posts update the same one. */
  incidentId: string;
  /** Public title, built from public component names only (never internal check ids). */
  title: string;
  status: StatusPageState;
  /** The public text, verbatim. */
  message: string;
  /** Component name (as in `statuspage.components`) -> status to show. */
  components: Record<string, ComponentStatus>;
}

/** The port the status-page side implements (builtin or Atlassian); answers the public URL when there is one. */
export type StatusPagePublisher = (publication: StatusPagePublication) => Promise<{ url?: string }>;
