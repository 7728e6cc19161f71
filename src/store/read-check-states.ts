import type { CheckState } from '../core/check-state.js';
import type { Store } from './store.js';

/** Check states by check id, as read from the store; null for a check that has none yet. */
export type CheckStates = ReadonlyMap<string, CheckState | null>;

/**
 * Each distinct id's stored state, read once and all at once: one getCheckStates call, which the
 * Redis store answers in one round trip per CHECK_STATE_READ_CHUNK ids (not one per check). A
 * request whose parts need overlapping checks (`/dr status`: its check lines and the DR posture)
 * reads them here once and hands the same map to each part, so a slow store is waited for once.
 */
export async function readCheckStates(store: Pick<Store, 'getCheckStates'>, ids: Iterable<string>): Promise<CheckStates> {
  return store.getCheckStates([...new Set(ids)]);
}
