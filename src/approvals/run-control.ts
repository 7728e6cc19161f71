import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import { StoreError } from '../store/store-error.js';
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
  /** The step's facts (JSON), kept with the step for resume and DNS revert; for stepDone. */
  detail?: Record<string, unknown>;
}

/** First wait before a report is written again after the store failed; doubled up to the ceiling. */
export const REPORT_RETRY_FIRST_MS = 250;
export const REPORT_RETRY_MAX_MS = 2_000; // 2 seconds

/**
 * What the runner gets with an approved request: the way to report progress. Every report is an
 * atomic, audited transition in the store, and renews the run lease. A report the store cannot
 * take (Redis down, a blip) is retried with backoff for as long as the run lease covers it: the
 * step's outcome is kept in memory meanwhile and the call resolves once it lands. Once the run is
 * taken away (the lease ran out with the store unreachable, another replica marked it
 * interrupted, or this replica handed it back on stop), every report throws ApprovalError
 * LIFEBOAT_APPROVAL_RUN_LOST and `signal` is aborted: the runner must stop at once and start no
 * further AWS call.
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
  /** Waits between report retries; injected in tests. Default: a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

/** True for a failure to reach the store (worth retrying), false for a refusal or a corrupt value. */
function isStoreUnreachable(err: unknown): boolean {
  if (err instanceof ApprovalError) return false;
  if (err instanceof StoreError) return err.code === 'LIFEBOAT_STORE_UNAVAILABLE';
  // ioredis: "Connection is closed.", "Command timed out", MaxRetriesPerRequestError, ECONNREFUSED.
  return err instanceof Error;
}

/** The engine's RunControl: one per claimed run, owned by the replica that claimed it. */
export class StoreRunControl implements RunControl {
  private readonly abort = new AbortController();
  private status: 'active' | 'finished' | 'lost' = 'active';
  /** Epoch ms until which the store holds this run for us: the last lease it accepted. */
  private leaseUntil: number;

  constructor(
    readonly approval: Approval,
    private readonly deps: RunControlDeps,
  ) {
    this.leaseUntil = approval.run?.leaseExpiresAt ?? deps.clock.now() + deps.runLeaseMs;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** True once succeeded/failed was recorded or the run was lost. */
  get isEnded(): boolean {
    return this.status !== 'active';
  }

  async started(): Promise<Approval> {
    return this.commit('started', (now) => this.deps.store.startRun(this.approval.id, this.runInput(now)));
  }

  async stepStarted(step: StepReport): Promise<Approval> {
    const mark = { stepId: step.stepId, description: step.description, at: this.deps.clock.now() };
    return this.commit('step-started', (now) => this.deps.store.stepStarted(this.approval.id, { ...this.runInput(now), step: mark }));
  }

  async stepDone(step: StepReport): Promise<Approval> {
    // The mark keeps when the step finished; a retried write renews the lease from when it lands.
    const mark = {
      stepId: step.stepId,
      description: step.description,
      at: this.deps.clock.now(),
      ...(step.note ? { note: step.note } : {}),
      ...(step.detail ? { detail: step.detail } : {}),
    };
    return this.commit('step-done', (now) => this.deps.store.stepDone(this.approval.id, { ...this.runInput(now), step: mark }));
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
    const now = this.deps.clock.now();
    try {
      const renewed = await this.deps.store.renewRun(this.approval.id, this.runInput(now));
      if (!renewed && this.status === 'active') this.lose('the run lease could not be renewed');
      if (renewed) this.leaseUntil = Math.max(this.leaseUntil, now + this.deps.runLeaseMs);
    } catch (err) {
      // Store down: keep trying on the next beat while the lease covers the outage; past it,
      // another replica may already have reported the run interrupted, so stop here.
      if (this.status === 'active' && this.deps.clock.now() >= this.leaseUntil) {
        this.lose('the store could not be reached for the whole run lease');
        return;
      }
      this.deps.logger.warn(
        { approvalId: this.approval.id, err },
        'could not renew the run lease; retrying. Check that the store (REDIS_URL) is reachable',
      );
    }
  }

  /**
   * This replica is stopping: marks the run interrupted in the store at once (locks kept, audited
   * with where it stopped), then aborts `signal` so no further AWS call starts. One attempt: a
   * stopping process has seconds; if the store does not answer, the lease lapses and another
   * replica reports the run. Returns the interrupted request, or null when it was not recorded.
   */
  async handBack(reason: string): Promise<Approval | null> {
    if (this.status !== 'active') return null;
    const at = this.deps.clock.now();
    // Stop first: a wait aborts and no further AWS call starts, even if the store is slow to answer.
    this.lose(`handed back: ${reason}`);
    let handedBack: Approval | null = null;
    try {
      const outcome = await this.deps.store.handBackRun(this.approval.id, { runnerId: this.deps.runnerId, at, reason });
      if (outcome.ok) handedBack = outcome.approval;
      else
        this.deps.logger.warn(
          { approvalId: this.approval.id, reason: outcome.reason },
          `the store refused to hand back ${this.approval.id}`,
        );
    } catch (err) {
      this.deps.logger.warn(
        { approvalId: this.approval.id, err },
        `could not hand back ${this.approval.id}; its lease will lapse and another replica reports it`,
      );
    }
    if (handedBack) await this.deps.emit(handedBack, 'interrupted', at);
    return handedBack;
  }

  private async finish(outcome: 'succeeded' | 'failed', message: string, detail?: Record<string, unknown>): Promise<Approval> {
    const input = (at: number) => ({ runnerId: this.deps.runnerId, at, outcome, message, ...(detail ? { detail } : {}) });
    return this.commit(outcome, (now) => this.deps.store.finishRun(this.approval.id, input(now)), true);
  }

  private async commit(transition: AuditType, write: (now: number) => Promise<TransitionOutcome>, ends = false): Promise<Approval> {
    if (this.status === 'lost') throw this.lostError(`"${transition}" was not recorded`);
    if (this.status === 'finished') throw this.misuse(`"${transition}" after the run ended`);
    const { outcome, at, retried } = await this.writeWithinLease(transition, write);
    if (!outcome.ok) {
      const current = outcome.approval;
      // A retried end whose first write landed (reply lost): the store already shows it.
      const landed = ends && retried && current?.run?.runnerId === this.deps.runnerId && current.state === transition;
      if (landed) {
        this.status = 'finished';
        return current;
      }
      const stillOurs = current?.run?.runnerId === this.deps.runnerId && (current.state === 'approved' || current.state === 'running');
      if (stillOurs) throw this.misuse(`"${transition}" while the run is ${current.state} (call started() first)`);
      throw this.lose(`the store refused "${transition}" (${outcome.reason}; the request is ${current?.state ?? 'missing'})`);
    }
    if (ends) this.status = 'finished';
    else this.leaseUntil = Math.max(this.leaseUntil, at + this.deps.runLeaseMs);
    await this.deps.emit(outcome.approval, transition, at);
    return outcome.approval;
  }

  /**
   * Writes, retrying with backoff while the store cannot be reached and the run lease still
   * covers the wait; every write is idempotent (see the step scripts), so a retry after a lost
   * reply records nothing twice. Past the lease, the run is lost: nothing further is attempted.
   */
  private async writeWithinLease(
    transition: AuditType,
    write: (now: number) => Promise<TransitionOutcome>,
  ): Promise<{ outcome: TransitionOutcome; at: number; retried: boolean }> {
    const sleep = this.deps.sleep ?? ((ms: number) => delay(ms));
    let wait = REPORT_RETRY_FIRST_MS;
    let attempts = 0;
    for (;;) {
      const at = this.deps.clock.now();
      try {
        const outcome = await write(at);
        if (attempts > 0)
          this.deps.logger.info(
            { approvalId: this.approval.id, transition, attempts: attempts + 1 },
            `"${transition}" recorded after the store came back`,
          );
        return { outcome, at, retried: attempts > 0 };
      } catch (err) {
        if (!isStoreUnreachable(err)) throw err;
        attempts += 1;
        if (this.status === 'lost') throw this.lostError(`"${transition}" was not recorded`);
        if (this.deps.clock.now() + wait >= this.leaseUntil) {
          this.deps.logger.error(
            { approvalId: this.approval.id, transition, attempts, err },
            `"${transition}" could not be recorded before the run lease ran out`,
          );
          throw this.lose(`the store could not be reached before the run lease ran out ("${transition}" not recorded)`);
        }
        this.deps.logger.warn(
          { approvalId: this.approval.id, transition, attempts, retryInMs: wait, err },
          `could not record "${transition}"; retrying while the run lease lasts. Check that the store (REDIS_URL) is reachable`,
        );
        await sleep(wait);
        wait = Math.min(wait * 2, REPORT_RETRY_MAX_MS);
      }
    }
  }

  /** Marks the run lost: aborts the signal and returns the error to throw. */
  private lose(why: string): ApprovalError {
    this.status = 'lost';
    const error = this.lostError(why);
    if (!this.abort.signal.aborted) {
      this.deps.logger.warn(
        { approvalId: this.approval.id, code: error.code },
        `run ${this.approval.id} is no longer this replica's: ${why}. Stopping it; it is reported interrupted, its locks kept`,
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
