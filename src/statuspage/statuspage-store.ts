import type { ComponentStatus, StatusPageState } from '../core/action-request.js';
import type { StatusPageImpact, StatusPageUpdate } from './status-page.js';

/** One published update, as the built-in page shows it. */
export interface PublishedUpdateRecord {
  status: StatusPageState;
  message: string;
  /** Epoch ms. */
  at: number;
  /** The component statuses this update set (name -> status). */
  components: Record<string, ComponentStatus>;
}

/** A published incident with its updates, newest update first. */
export interface PublishedIncidentRecord {
  /** The Lifeboat incident id. */
  id: string;
  title: string;
  status: StatusPageState;
  impact?: StatusPageImpact;
  /** Epoch ms of the first publish. */
  createdAt: number;
  /** Epoch ms of the latest publish. */
  updatedAt: number;
  /** Epoch ms of the latest publish with status `resolved`; absent while not resolved. */
  resolvedAt?: number;
  updates: PublishedUpdateRecord[];
}

/** A component's last published status. */
export interface ComponentRecord {
  status: ComponentStatus;
  /** Epoch ms of the publish that set it. */
  updatedAt: number;
}

/**
 * What the status pages keep in the store: the built-in page's published incidents and
 * component statuses, and, for Statuspage, which provider incident a Lifeboat incident became
 * plus a per-incident publish lock. Implementations: Redis (shared, atomic via Lua) and memory
 * (one replica only); both pass one contract suite.
 */
export interface StatusPageStore {
  readonly kind: 'redis' | 'memory';

  /**
   * Appends a published update atomically: creates the incident on its first update (keeping
   * that first `createdAt` whatever races it), sets its title, status and impact, and the
   * components' statuses. Returns whether this update created the incident.
   */
  recordPublished(update: StatusPageUpdate, at: number): Promise<'created' | 'updated'>;
  /** The most recently created published incidents, newest first, each with its updates newest first. */
  listPublished(limit: number): Promise<PublishedIncidentRecord[]>;
  /** Last published status per component name; components never published are absent. */
  getComponents(): Promise<Record<string, ComponentRecord>>;

  /** The Statuspage incident id a Lifeboat incident was published as, or null. */
  getProviderIncidentId(incidentId: string): Promise<string | null>;
  saveProviderIncidentId(incidentId: string, providerIncidentId: string): Promise<void>;
  /** Takes the publish lock for one incident if free (or expired); false when another holder has it. */
  acquirePublishLock(incidentId: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Frees the lock only if `holder` still holds it, so a late release cannot free a successor's lock. */
  releasePublishLock(incidentId: string, holder: string): Promise<void>;
}
