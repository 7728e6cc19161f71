import { UNFENCED, type CommitFence, type Lease } from '../store/store.js';

/**
 * 'leader-lease': every write carries the monitor lease and the store refuses it, atomically, once
 * that lease is no longer held; no lease means no write. 'unfenced': one process and no leader
 * election (tests, tools), said explicitly so a missing lease can never be mistaken for it.
 */
export type WriteFencing = { mode: 'leader-lease'; currentLease: () => Lease | null } | { mode: 'unfenced' };

/**
 * The fence a result is committed with, or why it is dropped before reaching the store. The fence
 * itself, not wrapped: this is asked on every run.
 */
export type Withheld = CommitFence | { dropped: string };

export function isDropped(fence: Withheld): fence is { dropped: string } {
  return typeof fence === 'object' && 'dropped' in fence;
}

/**
 * The fence for a result measured in `term` (the lease its run started under): with leader
 * fencing, a result from an earlier term, or from when this process held no lease, is dropped.
 */
export function fenceFor(fencing: WriteFencing, term: Lease | undefined): Withheld {
  if (fencing.mode === 'unfenced') return UNFENCED;
  const current = fencing.currentLease();
  if (!current) return { dropped: 'this process does not hold the monitor lease' };
  if (term && (term.token !== current.token || term.holder !== current.holder || term.name !== current.name)) {
    return { dropped: `the run started in an earlier leader term (token ${term.token}, now ${current.token})` };
  }
  return term ?? current;
}
