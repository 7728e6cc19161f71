import type { RunJournal } from '../../actions/run-journal.js';
import type { Clock } from '../../core/clock.js';
import type { DrillCreated } from '../../drills/drill-cleanup.js';
import type { DrillOutcome } from '../../drills/drill-outcome.js';
import { DRILL_HISTORY, type DrillClaim, type DrillClaimInput, type DrillRunRecord, type DrillStore } from '../../drills/drill-store.js';
import type { ApprovalStore } from '../../approvals/approval-store.js';
import type { MemoryDrillLocks } from './memory-drill-locks.js';

interface MemoryRun {
  record: DrillRunRecord;
  state: 'running' | 'recovering';
  aliveUntil: number;
  recovery?: { owner: string; until: number };
}

/**
 * Drill state in process memory (local mode, one replica). The claim reads the approval store's
 * locks first; between that read and taking the drill locks there is no await, so within one
 * process a drill and a request cannot both start on a resource. The same rules as the Redis
 * scripts for liveness and take-over, on the injected clock.
 */
export class MemoryDrillStore implements DrillStore {
  private sequence = 0;
  private readonly runs = new Map<string, MemoryRun>();
  private readonly histories = new Map<string, DrillOutcome[]>();
  readonly journal: RunJournal = {
    stepStarted: async () => undefined,
    stepDone: async () => undefined,
    finished: async () => undefined,
  };

  constructor(
    private readonly approvals: Pick<ApprovalStore, 'lockHolder'>,
    private readonly clock: Clock,
    private readonly locks: MemoryDrillLocks,
  ) {}

  async claim(input: DrillClaimInput): Promise<DrillClaim> {
    const resources = [...new Set(input.resources)];
    const held = (await this.approvals.lockHolder(resources)) ?? this.locks.holder(resources);
    if (held) return { ok: false, resource: held.resource, heldBy: held.heldBy };
    this.sequence += 1;
    const runId = `DRL-${this.sequence}`;
    this.locks.take(resources, runId, input.leaseMs);
    this.runs.set(runId, {
      record: { runId, drill: input.drill, resources, startedAt: input.startedAt },
      state: 'running',
      aliveUntil: this.clock.now() + input.livenessMs,
    });
    return { ok: true, runId };
  }

  async release(runId: string, resources: readonly string[]): Promise<void> {
    this.locks.release(runId, resources);
  }

  async heartbeat(runId: string, livenessMs: number): Promise<boolean> {
    const run = this.runs.get(runId);
    if (run?.state !== 'running') return false;
    run.aliveUntil = this.clock.now() + livenessMs;
    return true;
  }

  async planned(runId: string, created: DrillCreated): Promise<void> {
    const run = this.runs.get(runId);
    if (run) run.record.created = structuredClone(created);
  }

  async run(runId: string): Promise<DrillRunRecord | null> {
    const run = this.runs.get(runId);
    return run ? structuredClone(run.record) : null;
  }

  async lapsed(): Promise<string[]> {
    const now = this.clock.now();
    return [...this.runs.entries()]
      .filter(([, run]) => run.aliveUntil <= now && (run.recovery === undefined || run.recovery.until <= now))
      .map(([runId]) => runId);
  }

  async takeOver(runId: string, owner: string, leaseMs: number): Promise<DrillRunRecord | null> {
    const now = this.clock.now();
    const run = this.runs.get(runId);
    if (!run || run.aliveUntil > now || (run.recovery && run.recovery.until > now)) return null;
    run.state = 'recovering';
    run.recovery = { owner, until: now + leaseMs };
    return structuredClone(run.record);
  }

  async handBack(runId: string, owner: string): Promise<void> {
    const run = this.runs.get(runId);
    if (run?.recovery?.owner === owner) delete run.recovery;
  }

  async record(outcome: DrillOutcome): Promise<boolean> {
    const run = this.runs.get(outcome.runId);
    if (run && (run.state === 'recovering') !== (outcome.result === 'interrupted')) return false;
    if (!run && this.recorded(outcome)) return false;
    this.runs.delete(outcome.runId);
    const list = [outcome, ...(this.histories.get(outcome.drill) ?? [])].slice(0, DRILL_HISTORY);
    this.histories.set(outcome.drill, list);
    return true;
  }

  async history(drill: string, limit: number): Promise<DrillOutcome[]> {
    return structuredClone((this.histories.get(drill) ?? []).slice(0, limit));
  }

  private recorded(outcome: DrillOutcome): boolean {
    return (this.histories.get(outcome.drill) ?? []).some((o) => o.runId === outcome.runId);
  }
}
