import type { CheckState } from '../core/check-state.js';
import type { Store } from './store.js';

/** Check states by check id, as read from the store; null for a check that has none yet. */
export type CheckStates = ReadonlyMap<string, CheckState | null>;

/**
 * Each distinct id's stored state, read once and all at once. A request whose parts need
 * overlapping checks (`/dr status`: its check lines and the DR posture) reads them here once and
 * hands the same map to each part, so a slow store is waited for once.
 */
export async function readCheckStates(store: Pick<Store, 'getCheckState'>, ids: Iterable<string>): Promise<CheckStates> {
  const unique = [...new Set(ids)];
  const read = await Promise.all(unique.map(async (id) => [id, await store.getCheckState(id)] as const));
  return new Map(read);
}
