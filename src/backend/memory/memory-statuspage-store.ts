import { systemClock, type Clock } from '../../core/clock.js';
import { StoreError } from '../../store/store-error.js';
import type { ComponentRecord, PublishedIncidentRecord, StatusPageStore } from '../../statuspage/statuspage-store.js';
import type { StatusPageUpdate } from '../../statuspage/status-page.js';

/**
 * The status-page store in process memory, for local mode and tests. Single replica only:
 * nothing is shared between processes and everything is lost on restart (so with Statuspage a
 * restart forgets which public incident to update). Values are deep-copied in and out.
 */
export class MemoryStatusPageStore implements StatusPageStore {
  readonly kind = 'memory' as const;
  private readonly clock: Clock;
  /** Updates kept oldest first, as Redis keeps them; reversed on the way out. */
  private readonly incidents = new Map<string, PublishedIncidentRecord>();
  private readonly components = new Map<string, ComponentRecord>();
  private readonly providerIds = new Map<string, string>();
  private readonly locks = new Map<string, { holder: string; expiresAt: number }>();

  constructor(options: { clock?: Clock } = {}) {
    this.clock = options.clock ?? systemClock;
  }

  async recordPublished(update: StatusPageUpdate, at: number): Promise<'created' | 'updated'> {
    const existing = this.incidents.get(update.incidentId);
    const record: PublishedIncidentRecord = {
      id: update.incidentId,
      title: update.title,
      status: update.status,
      createdAt: existing?.createdAt ?? at,
      updatedAt: at,
      updates: [...(existing?.updates ?? []), { status: update.status, message: update.message, at, components: { ...update.components } }],
    };
    const impact = update.impact ?? existing?.impact;
    if (impact !== undefined) record.impact = impact;
    if (update.status === 'resolved') record.resolvedAt = at;
    this.incidents.set(update.incidentId, structuredClone(record));
    for (const [name, status] of Object.entries(update.components)) this.components.set(name, { status, updatedAt: at });
    return existing ? 'updated' : 'created';
  }

  async listPublished(limit: number): Promise<PublishedIncidentRecord[]> {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new StoreError('LIFEBOAT_STORE_INVALID_ARGUMENT', `limit must be a non-negative integer, got ${limit}`);
    }
    // Newest first; ties by id descending, as Redis ZREVRANGE orders equal scores.
    const newestFirst = [...this.incidents.values()].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    return structuredClone(newestFirst.slice(0, limit)).map((incident) => ({
      ...incident,
      updates: incident.updates.reverse(),
    }));
  }

  async getComponents(): Promise<Record<string, ComponentRecord>> {
    return structuredClone(Object.fromEntries(this.components));
  }

  async getProviderIncidentId(incidentId: string): Promise<string | null> {
    return this.providerIds.get(incidentId) ?? null;
  }

  async saveProviderIncidentId(incidentId: string, providerIncidentId: string): Promise<void> {
    this.providerIds.set(incidentId, providerIncidentId);
  }

  async acquirePublishLock(incidentId: string, holder: string, ttlMs: number): Promise<boolean> {
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
      throw new StoreError('LIFEBOAT_STORE_INVALID_ARGUMENT', `lock ttl must be a positive number of ms, got ${ttlMs}`);
    }
    const held = this.locks.get(incidentId);
    if (held && held.expiresAt > this.clock.now()) return false;
    this.locks.set(incidentId, { holder, expiresAt: this.clock.now() + ttlMs });
    return true;
  }

  async releasePublishLock(incidentId: string, holder: string): Promise<void> {
    if (this.locks.get(incidentId)?.holder === holder) this.locks.delete(incidentId);
  }
}
