import type { LockHolder } from '../../approvals/approval-store.js';
import type { Clock } from '../../core/clock.js';

/**
 * The drill runs' resource locks in process memory, shared by the memory drill store (which takes
 * them) and the memory approval store (whose create and lockHolder read them), so a request and a
 * drill never both hold a resource. Each lock lapses at its lease's end.
 */
export class MemoryDrillLocks {
  private readonly locks = new Map<string, { runId: string; until: number }>();

  constructor(private readonly clock: Clock) {}

  /** The first of `resources` a live drill lock holds, or null. */
  holder(resources: readonly string[]): LockHolder | null {
    const now = this.clock.now();
    for (const resource of resources) {
      const lock = this.locks.get(resource);
      if (lock && lock.until > now) return { resource, heldBy: lock.runId };
    }
    return null;
  }

  take(resources: readonly string[], runId: string, leaseMs: number): void {
    const until = this.clock.now() + leaseMs;
    for (const resource of resources) this.locks.set(resource, { runId, until });
  }

  /** Frees only the locks `runId` still holds. */
  release(runId: string, resources: readonly string[]): void {
    for (const resource of resources) if (this.locks.get(resource)?.runId === runId) this.locks.delete(resource);
  }
}
