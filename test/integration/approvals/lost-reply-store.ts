import type { ApprovalAuditEntry, AuditQuery } from '../../../src/approvals/approval-audit.js';
import type {
  ApprovalStore,
  ApproveOutcome,
  CreateOutcome,
  FinishInput,
  HandBackInput,
  LockHolder,
  NewApproval,
  RejectInput,
  ReleaseInput,
  RunInput,
  StepInput,
  TransitionOutcome,
  VoteInput,
} from '../../../src/approvals/approval-store.js';
import type { Approval } from '../../../src/approvals/approval.js';
import type { LastRun } from '../../../src/approvals/last-run.js';
import { StoreError } from '../../../src/store/store-error.js';

/**
 * How one call loses its reply, as it happens with ioredis (`commandTimeout`, and
 * `autoResendUnfulfilledCommands`: "resend unfulfilled commands on reconnect", default true):
 * - `timeout`: the server ran the command, the client gave up waiting and threw;
 * - `resend`: the server ran it, the connection dropped, and the client sent it again: the caller
 *   gets the second execution's reply;
 * - `unsent`: the command never reached the server; the client threw.
 */
export type LossMode = 'timeout' | 'resend' | 'unsent';

/** The error a caller sees when its reply was lost. */
export function commandTimedOut(command: string): StoreError {
  return new StoreError('LIFEBOAT_STORE_UNAVAILABLE', `Command timed out (${command})`);
}

/**
 * An ApprovalStore over a real one, whose next `create` / `approve` loses its reply the chosen
 * way (once; set `lose` again for another). Every other call goes straight through.
 */
export class LostReplyStore implements ApprovalStore {
  readonly lose: { create?: LossMode; approve?: LossMode } = {};

  constructor(private readonly inner: ApprovalStore) {}

  get kind(): ApprovalStore['kind'] {
    return this.inner.kind;
  }

  async create(input: NewApproval): Promise<CreateOutcome> {
    const mode = this.lose.create;
    delete this.lose.create;
    return this.apply(mode, 'create', () => this.inner.create(input));
  }

  async approve(id: string, vote: VoteInput): Promise<ApproveOutcome> {
    const mode = this.lose.approve;
    delete this.lose.approve;
    return this.apply(mode, 'approve', () => this.inner.approve(id, vote));
  }

  private async apply<T>(mode: LossMode | undefined, command: string, call: () => Promise<T>): Promise<T> {
    if (mode === undefined) return call();
    if (mode === 'unsent') throw commandTimedOut(command);
    const first = await call();
    if (mode === 'timeout') throw commandTimedOut(command);
    void first; // the reply that never arrived
    return call();
  }

  get(id: string): Promise<Approval | null> {
    return this.inner.get(id);
  }
  findByPlan(planId: string): Promise<Approval | null> {
    return this.inner.findByPlan(planId);
  }
  listPending(): Promise<Approval[]> {
    return this.inner.listPending();
  }
  countPending(now: number): Promise<number> {
    return this.inner.countPending(now);
  }
  listActiveRuns(): Promise<Approval[]> {
    return this.inner.listActiveRuns();
  }
  reject(id: string, input: RejectInput): Promise<TransitionOutcome> {
    return this.inner.reject(id, input);
  }
  expireDue(now: number, limit: number): Promise<Approval[]> {
    return this.inner.expireDue(now, limit);
  }
  startRun(id: string, input: RunInput): Promise<TransitionOutcome> {
    return this.inner.startRun(id, input);
  }
  stepStarted(id: string, input: StepInput): Promise<TransitionOutcome> {
    return this.inner.stepStarted(id, input);
  }
  stepDone(id: string, input: StepInput): Promise<TransitionOutcome> {
    return this.inner.stepDone(id, input);
  }
  renewRun(id: string, input: RunInput): Promise<boolean> {
    return this.inner.renewRun(id, input);
  }
  finishRun(id: string, input: FinishInput): Promise<TransitionOutcome> {
    return this.inner.finishRun(id, input);
  }
  recoverInterruptedRuns(now: number, recovererId: string, limit: number): Promise<Approval[]> {
    return this.inner.recoverInterruptedRuns(now, recovererId, limit);
  }
  handBackRun(id: string, input: HandBackInput): Promise<TransitionOutcome> {
    return this.inner.handBackRun(id, input);
  }

  lockHolder(resources: readonly string[]): Promise<LockHolder | null> {
    return this.inner.lockHolder(resources);
  }

  releaseLocks(id: string, input: ReleaseInput): Promise<TransitionOutcome> {
    return this.inner.releaseLocks(id, input);
  }
  lastRuns(): Promise<LastRun[]> {
    return this.inner.lastRuns();
  }
  readAudit(query: AuditQuery): Promise<ApprovalAuditEntry[]> {
    return this.inner.readAudit(query);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
