import type { EvaluationCommit, IncidentUpdate } from './store.js';
import { StoreError } from './store-error.js';

// Argument checks shared by both stores, so they refuse the same mistakes the same way.

/** Rejects non-positive or non-finite TTLs before they reach a store (Redis PX needs >= 1). */
export function assertTtlMs(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs < 1) {
    throw new StoreError('LIFEBOAT_STORE_INVALID_ARGUMENT', `lease ttlMs must be a positive number, got ${ttlMs}`);
  }
}

/** Rejects a negative or fractional list limit. */
export function assertLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 0) {
    throw new StoreError('LIFEBOAT_STORE_INVALID_ARGUMENT', `limit must be a non-negative integer, got ${limit}`);
  }
}

/**
 * The incident a commit touches: its incident's id, else its event's. An event filed under one
 * incident while another is written would split the record, so that is refused.
 */
export function commitIncidentId(commit: EvaluationCommit | IncidentUpdate): string | null {
  const { incident, event } = commit;
  if (incident && event && event.incidentId !== incident.id) {
    throw new StoreError(
      'LIFEBOAT_STORE_INVALID_ARGUMENT',
      `commit event is for ${event.incidentId} but the incident written is ${incident.id}`,
    );
  }
  return incident?.id ?? event?.incidentId ?? null;
}
