import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import type { AuditType } from './approval-audit.js';
import { ApprovalError } from './approval-error.js';
import type { ApprovalStore, TransitionOutcome } from './approval-store.js';
import type { Approval } from './approval.js';

/** A step as the runner reports it. */
export interface StepReport {
  /** The PlannedCall id or another stable name: "promote", "dns-upsert". */
  stepId: string;
  /** Plain words: the PlannedCall description. */
  description: string;
  /** What the step saw ("INSYNC after 41 s"); for stepDone. */
  note?: string;
}

/**
 * What the runner gets with an approved request: the way to report progress. Every report is an
 * atomic, audited transition in the store, and renews the run lease. Once the run is taken away
 * (its lease lapsed and another replica marked it interrupted), every report throws
 * ApprovalError LIFEBOAT_APPROVAL_RUN_LOST and `signal` is aborted: the runner must stop at once,
 * since the resource locks are no longer held.
 */
export interface RunControl {
  /** The request as approved: the plan to execute, exactly. */
  readonly approval: Approval;
  /** Aborted when the run is lost; pass it to waits. */
  readonly signal: AbortSignal;
  /** approved -> running; call before the first step. */
  started(): Promise<Approval>;
  stepStarted(step: StepReport): Promise<Approval>;
  stepDone(step: StepReport): Promise<Approval>;
  /** Ends the run and releases the locks. `detail`: elapsed ms (RTO), lag at cut-over, endpoint... */
  succeeded(message: string, detail?: Record<string, unknown>): Promise<Approval>;
  /** Ends the run and releases the locks; `message` says what failed and what is left, in plain words. */
  failed(message: string, detail?: Record<string, unknown>): Promise<Approval>;
}

/** What a RunControl reports through. */
export interface RunControlDeps {
  store: ApprovalStore;
  clock: Clock;
  logger: Logger;
  runnerId: string;
  runLeaseMs: number;
  /** Announces a committed transition (the engine's onChange). */
  emit(approval: Approval, transition: AuditType, at: number): Promise<void>;
}

/** The engine's RunControl: one per claimed run, owned by the replica that claimed it. */
export class StoreRunControl implements RunControl {
  private readonly abort = new AbortController();
  private status: 'active' | 'finished' | 'lost' = 'active';

  constructor(
    readonly approval: Approval,
    private readonly deps: RunControlDeps,
  ) {}

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** True once succeeded/failed was recorded or the run was lost. */
  get isEnded(): boolean {
    return this.status !== 'active';
  }

  async started(): Promise<Approval> {
    const at = this.deps.clock.now();
    return this.commit('started', at, () => this.deps.store.startRun(this.approval.id, this.runInput(at)));
  }

  async stepStarted(step: StepReport): Promise<Approval> {
    const at = this.deps.clock.now();
    const input = { ...this.runInput(at), step: { stepId: step.stepId, description: step.description, at } };
    return this.commit('step-started', at, () => this.deps.store.stepStarted(this.approval.id, input));
  }

  async stepDone(step: StepReport): Promise<Approval> {
    const at = this.deps.clock.now();
    const mark = { stepId: step.stepId, description: step.description, at, ...(step.note ? { note: step.note } : {}) };
    return this.commit('step-done', at, () => this.deps.store.stepDone(this.approval.id, { ...this.runInput(at), step: mark }));
  }

  async succeeded(message: string, detail?: Record<string, unknown>): Promise<Approval> {
    return this.finish('succeeded', message, detail);
  }

  async failed(message: string, detail?: Record<string, unknown>): Promise<Approval> {
    return this.finish('failed', message, detail);
  }

  /** Renews the run lease; called on a timer while the runner works. */
  async heartbeat(): Promise<void> {
    if (this.status !== 'active') return;
    try {
      const renewed = await this.deps.store.renewRun(this.approval.id, this.runInput(this.deps.clock.now()));
      if (!renewed && this.status === 'active') this.lose('the run lease could not be renewed');
    } catch (err) {
      // Store down: keep trying on the next beat; the lease covers runLeaseMs of outage.
      this.deps.logger.warn(
        { approvalId: this.approval.id, err },
        'could not renew the run lease; retrying. Check that the store (REDIS_URL) is reachable',
      );
    }
  }

  private async finish(outcome: 'succeeded' | 'failed', message: string, detail?: Record<string, unknown>): Promise<Approval> {
    const at = this.deps.clock.now();
    const input = { runnerId: this.deps.runnerId, at, outcome, message, ...(detail ? { detail } : {}) };
    return this.commit(outcome, at, () => this.deps.store.finishRun(this.approval.id, input), true);
  }

  private async commit(
    transition: AuditType,
    at: number,
    write: () => Promise<TransitionOutcome>,
    ends = false,
  ): Promise<Approval> {
    if (this.status === 'lost') throw this.lostError(`"${transition}" was not recorded`);
    if (this.status === 'finished') throw this.misuse(`"${transition}" after the run ended`);
    const outcome = await write();
    if (!outcome.ok) {
      const current = outcome.approval;
      const stillOurs =
        current?.run?.runnerId === this.deps.runnerId && (current.state === 'approved' || current.state === 'running');
      if (stillOurs) throw this.misuse(`"${transition}" while the run is ${current.state} (call started() first)`);
      throw this.lose(`the store refused "${transition}" (${outcome.reason}; the request is ${current?.state ?? 'missing'})`);
    }
    if (ends) this.status = 'finished';
    await this.deps.emit(outcome.approval, transition, at);
    return outcome.approval;
  }

  /** Marks the run lost: aborts the signal and returns the error to throw. */
  private lose(why: string): ApprovalError {
    this.status = 'lost';
    const error = this.lostError(why);
    if (!this.abort.signal.aborted) {
      this.deps.logger.warn(
        { approvalId: this.approval.id, code: error.code },
        `run ${this.approval.id} is no longer this replica's: ${why}. Stopping it; another replica reports it as interrupted`,
      );
      this.abort.abort(error);
    }
    return error;
  }

  private misuse(what: string): ApprovalError {
    return new ApprovalError('LIFEBOAT_APPROVAL_RUN_MISUSE', `run ${this.approval.id}: ${what} is not allowed`, {
      approvalId: this.approval.id,
    });
  }

  private lostError(why: string): ApprovalError {
    return new ApprovalError('LIFEBOAT_APPROVAL_RUN_LOST', `run ${this.approval.id} lost: ${why}`, {
      approvalId: this.approval.id,
    });
  }

  private runInput(at: number): { runnerId: string; at: number; leaseExpiresAt: number } {
    return { runnerId: this.deps.runnerId, at, leaseExpiresAt: at + this.deps.runLeaseMs };
  }
}
