import type { RunJournal } from '../../actions/run-journal.js';
import type { Clock } from '../../core/clock.js';
import type { DrillOutcome } from '../../drills/drill-outcome.js';
import { DRILL_HISTORY, type DrillClaim, type DrillStore } from '../../drills/drill-store.js';
import type { ApprovalStore } from '../../approvals/approval-store.js';

/**
 * Drill state in process memory (local mode, one replica). The claim reads the approval store's
 * locks first; between that read and taking the drill locks there is no await, so within one
 * process a drill and a request cannot both start on a resource.
 */
export class MemoryDrillStore implements DrillStore {
  private sequence = 0;
  private readonly locks = new Map<string, { runId: string; until: number }>();
  private readonly histories = new Map<string, DrillOutcome[]>();
  readonly journal: RunJournal = {
    stepStarted: async () => undefined,
    stepDone: async () => undefined,
    finished: async () => undefined,
  };

  constructor(
    private readonly approvals: Pick<ApprovalStore, 'lockHolder'>,
    private readonly clock: Clock,
  ) {}

  async claim(input: { resources: readonly string[]; leaseMs: number }): Promise<DrillClaim> {
    const resources = [...new Set(input.resources)];
    const held = await this.approvals.lockHolder(resources);
    if (held) return { ok: false, resource: held.resource, heldBy: held.heldBy };
    const now = this.clock.now();
    for (const resource of resources) {
      const lock = this.locks.get(resource);
      if (lock && lock.until > now) return { ok: false, resource, heldBy: lock.runId };
    }
    this.sequence += 1;
    const runId = `DRL-${this.sequence}`;
    for (const resource of resources) this.locks.set(resource, { runId, until: now + input.leaseMs });
    return { ok: true, runId };
  }

  async release(runId: string, resources: readonly string[]): Promise<void> {
    for (const resource of resources) if (this.locks.get(resource)?.runId === runId) this.locks.delete(resource);
  }

  async record(outcome: DrillOutcome): Promise<void> {
    const list = [outcome, ...(this.histories.get(outcome.drill) ?? [])].slice(0, DRILL_HISTORY);
    this.histories.set(outcome.drill, list);
  }

  async history(drill: string, limit: number): Promise<DrillOutcome[]> {
    return structuredClone((this.histories.get(drill) ?? []).slice(0, limit));
  }
}
