import type { Plan } from '../core/plan.js';
import type { ApprovalAuditEntry, AuditQuery } from './approval-audit.js';
import type { Approval, RunStepMark } from './approval.js';
import type { LastRun } from './last-run.js';

/** A new request, as the engine builds it. Times are epoch ms from the engine's clock. */
export interface NewApproval {
  plan: Plan;
  requester: string;
  requiredApprovals: number;
  createdAt: number;
  expiresAt: number;
  /**
   * The interrupted run whose locks this request takes over atomically (a resume or DNS revert of
   * it): its locks count as free for this request, and it is marked released, handed to this one.
   */
  takesOver?: string;
}

export type CreateOutcome =
  /**
   * `existing`: a request for this plan id already existed (a create re-sent after a lost reply,
   * or retried): that request is answered and nothing was written.
   */
  /** `tookOver`: the interrupted run whose locks this request took (`takesOver`), now marked released. */
  | { ok: true; approval: Approval; existing: boolean; tookOver?: Approval }
  /** One of the plan's resources is held by another pending request or active run, or by a drill run (`DRL-`). */
  | { ok: false; reason: 'resource-locked'; resource: string; heldBy: string };

/** One approve click. `leaseExpiresAt` is the run lease granted if this approval completes the request. */
export interface VoteInput {
  approverId: string;
  at: number;
  runnerId: string;
  leaseExpiresAt: number;
}

/** Why the store refused an approval; checked inside the same atomic step that records it. */
export type StoreApproveRefusal = 'not-found' | 'not-pending' | 'expired' | 'own-request' | 'already-approved';

export type ApproveOutcome =
  /** Recorded; more approvals are needed. */
  | { kind: 'recorded'; approval: Approval }
  /** Recorded, the count is reached, and this caller (alone, ever) owns the execution. */
  | { kind: 'execute'; approval: Approval }
  | { kind: 'refused'; reason: StoreApproveRefusal; approval: Approval | null };

export interface RejectInput {
  userId: string;
  at: number;
  reason?: string;
}

/** A run transition reported by the runner that owns the run. */
export interface RunInput {
  runnerId: string;
  at: number;
  leaseExpiresAt: number;
}

export interface StepInput extends RunInput {
  step: RunStepMark;
}

export interface FinishInput {
  runnerId: string;
  at: number;
  outcome: 'succeeded' | 'failed';
  message: string;
  detail?: Record<string, unknown>;
}

/** A runner handing its own run back because its process is stopping. */
export interface HandBackInput {
  runnerId: string;
  at: number;
  /** Plain words for the audit detail: "this replica was stopping". */
  reason: string;
}

/** A resource lock and the request holding it. */
export interface LockHolder {
  resource: string;
  heldBy: string;
}

/** A person releasing the locks an interrupted run kept. */
export interface ReleaseInput {
  userId: string;
  at: number;
}

/** Why a transition was refused: unknown id, not in a state that allows it, past expiry, or not this runner's run. */
export type TransitionRefusal = 'not-found' | 'wrong-state' | 'expired' | 'not-runner';

export type TransitionOutcome = { ok: true; approval: Approval } | { ok: false; reason: TransitionRefusal; approval: Approval | null };

/**
 * Approval requests, their runs, resource locks and the audit log. Every state change is atomic
 * and validated inside the store, so any number of replicas sharing it agree: a request executes
 * at most once, a lock has one holder, a transition is audited exactly when it happens.
 * Implementations: Redis (Lua scripts) and memory (single replica only).
 */
export interface ApprovalStore {
  readonly kind: 'redis' | 'memory';

  /**
   * Creates a pending request and locks `plan.resources`, or names the request, or the drill run
   * (a `DRL-` id: drill runs' claims are read in the same atomic step), holding one of them.
   * Idempotent per `plan.id`: a plan becomes at most one request, so a create whose reply was lost
   * can be sent again (by the client or the caller) and answers the request the first one made.
   */
  create(input: NewApproval): Promise<CreateOutcome>;
  get(id: string): Promise<Approval | null>;
  /** The request made for this plan id, whatever its state; null when none was. */
  findByPlan(planId: string): Promise<Approval | null>;
  /** Requests in state `pending` (including any past expiry not yet swept), oldest first. */
  listPending(): Promise<Approval[]>;
  /** Pending requests not yet due to expire at `now`. */
  countPending(now: number): Promise<number>;
  /** Claimed runs not yet ended (`approved`, `running`), oldest claim first. */
  listActiveRuns(): Promise<Approval[]>;

  approve(id: string, vote: VoteInput): Promise<ApproveOutcome>;
  /** Ends a pending request; releases its locks. */
  reject(id: string, input: RejectInput): Promise<TransitionOutcome>;
  /** Expires up to `limit` pending requests due at `now`; returns those this caller expired (each once, ever). */
  expireDue(now: number, limit: number): Promise<Approval[]>;

  /** approved -> running. */
  startRun(id: string, input: RunInput): Promise<TransitionOutcome>;
  /** Records the step in flight (running only). */
  stepStarted(id: string, input: StepInput): Promise<TransitionOutcome>;
  /** Records a finished step (running only). */
  stepDone(id: string, input: StepInput): Promise<TransitionOutcome>;
  /** Extends the run lease; false when the run is no longer this runner's active run. */
  renewRun(id: string, input: RunInput): Promise<boolean>;
  /**
   * approved | running -> succeeded | failed; releases the locks. A succeeded failover or restore
   * run (lastRunSubject) becomes its runbook's last run in the same step, unless the one recorded
   * finished later.
   */
  finishRun(id: string, input: FinishInput): Promise<TransitionOutcome>;
  /**
   * Marks up to `limit` runs whose lease lapsed by `now` as interrupted; they keep their locks
   * (AWS may still be working). Returns those this caller marked (each once, ever), so exactly
   * one replica reports each.
   */
  recoverInterruptedRuns(now: number, recovererId: string, limit: number): Promise<Approval[]>;
  /**
   * The runner's own active run -> interrupted at once (its process is stopping): 'not-runner' or
   * 'wrong-state' unless it is this runner's approved or running run. The locks stay held, as for
   * a lapsed lease; audited `interrupted` with where it stopped and `reason`.
   */
  handBackRun(id: string, input: HandBackInput): Promise<TransitionOutcome>;
  /**
   * The first of `resources` (in order) some request holds, or else some drill run (`heldBy` a
   * `DRL-` id), read without changing anything; null when none is held.
   */
  lockHolder(resources: readonly string[]): Promise<LockHolder | null>;
  /**
   * Frees the locks an interrupted run kept, once: 'wrong-state' unless the request is
   * interrupted and not yet released. Audited as `released`; the state stays `interrupted`.
   */
  releaseLocks(id: string, input: ReleaseInput): Promise<TransitionOutcome>;

  /** Each runbook's newest succeeded run, as finishRun recorded it (none before a run ever succeeded). */
  lastRuns(): Promise<LastRun[]>;

  /** The audit log in order, across restarts. */
  readAudit(query: AuditQuery): Promise<ApprovalAuditEntry[]>;

  close(): Promise<void>;
}
