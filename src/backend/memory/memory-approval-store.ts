import { StoreError } from '../../store/store-error.js';
import {
  MAX_AUDIT_READ,
  approvedDetail,
  handedBackDetail,
  interruptedDetail,
  releasedDetail,
  stepDetail,
  type ApprovalAuditEntry,
  type AuditQuery,
  type AuditType,
} from '../../approvals/approval-audit.js';
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
  TransitionRefusal,
  VoteInput,
} from '../../approvals/approval-store.js';
import { assertAuditQuery, assertBatchLimit, compareAuditIds, uniqueResources } from '../../approvals/approval-store-arguments.js';
import { formatApprovalId, type Approval, type ApprovalState } from '../../approvals/approval.js';
import { lastRunField, lastRunSubject, replacesLastRun, type LastRun } from '../../approvals/last-run.js';
import type { MemoryDrillLocks } from './memory-drill-locks.js';
import type { AuditLogEntry, NewDrillAuditEntry, NewIncidentAuditEntry, NewestAuditQuery } from '../../audit/audit-log.js';

/**
 * The approval store in process memory, for local mode and tests: the same rules as the Redis
 * scripts, each method one synchronous step (no await between check and write), so it is atomic
 * within one process.
 *
 * Single replica only: two processes on memory stores would each approve and run the same plan,
 * and everything (requests, locks, the audit log) is lost on restart. Use Redis (REDIS_URL)
 * for anything beyond one process.
 */
export class MemoryApprovalStore implements ApprovalStore {
  readonly kind = 'memory' as const;
  private readonly approvals = new Map<string, Approval>();
  /** Resource -> id of the request holding it. */
  private readonly locks = new Map<string, string>();
  /** Plan id -> id of the request made for it: create's idempotency key. */
  private readonly byPlan = new Map<string, string>();
  /** `failover:orders` -> that runbook's newest succeeded run (the twin of Redis's {p}runs:last). */
  private readonly last = new Map<string, LastRun>();
  private readonly audit: ApprovalAuditEntry[] = [];
  /** The whole audit log: the approval entries above and the incident entries (MemoryAuditLog), in order. */
  private readonly log: AuditLogEntry[] = [];
  private sequence = 0;
  private auditSequence = 0;
  private closed = false;

  /** `drillLocks`: the drill runs' locks (memory-drill-locks.ts), read by create and lockHolder. */
  constructor(private readonly drillLocks?: Pick<MemoryDrillLocks, 'holder'>) {}

  async create(input: NewApproval): Promise<CreateOutcome> {
    this.assertOpen();
    const resources = uniqueResources(input.plan.resources);
    // Numbered first, as the Redis store does, so both leave the same gaps after a refusal.
    this.sequence += 1;
    const id = formatApprovalId(this.sequence);
    const existing = this.byPlan.get(input.plan.id);
    const known = existing === undefined ? undefined : this.approvals.get(existing);
    if (known) return { ok: true, approval: copy(known), existing: true };
    // As the Redis script: locks of the run being taken over count as free while it is interrupted and unreleased.
    const original = input.takesOver === undefined ? undefined : this.approvals.get(input.takesOver);
    const takeable = original !== undefined && original.state === 'interrupted' && original.locksReleased === undefined;
    // A drill run's claim refuses the request as the Redis script does; nothing takes a drill's locks over.
    const drill = this.drillLocks?.holder(resources);
    if (drill) return { ok: false, reason: 'resource-locked', resource: drill.resource, heldBy: drill.heldBy };
    let took = false;
    for (const resource of resources) {
      const heldBy = this.locks.get(resource);
      if (heldBy === undefined) continue;
      if (heldBy !== input.takesOver || !takeable) return { ok: false, reason: 'resource-locked', resource, heldBy };
      took = true;
    }
    for (const resource of resources) this.locks.set(resource, id);
    const approval: Approval = {
      id,
      plan: structuredClone(input.plan),
      requester: input.requester,
      requiredApprovals: input.requiredApprovals,
      state: 'pending',
      createdAt: input.createdAt,
      expiresAt: input.expiresAt,
      updatedAt: input.createdAt,
      approvals: [],
    };
    this.approvals.set(id, approval);
    this.byPlan.set(input.plan.id, id);
    this.append('requested', id, input.requester, input.createdAt, input.plan.title);
    if (took && original) {
      original.locksReleased = { userId: input.requester, at: input.createdAt, handedTo: id };
      original.updatedAt = input.createdAt;
      this.append('released', original.id, input.requester, input.createdAt, `locks handed over to ${id}`);
      return { ok: true, approval: copy(approval), existing: false, tookOver: copy(original) };
    }
    return { ok: true, approval: copy(approval), existing: false };
  }

  async findByPlan(planId: string): Promise<Approval | null> {
    this.assertOpen();
    const id = this.byPlan.get(planId);
    return id === undefined ? null : copy(this.approvals.get(id) ?? null);
  }

  async get(id: string): Promise<Approval | null> {
    this.assertOpen();
    return copy(this.approvals.get(id) ?? null);
  }

  async listPending(): Promise<Approval[]> {
    this.assertOpen();
    return copy(this.inState(['pending']).sort((a, b) => a.createdAt - b.createdAt || byId(a, b)));
  }

  async countPending(now: number): Promise<number> {
    this.assertOpen();
    return this.inState(['pending']).filter((a) => a.expiresAt > now).length;
  }

  async listActiveRuns(): Promise<Approval[]> {
    this.assertOpen();
    const active = this.inState(['approved', 'running']);
    return copy(active.sort((a, b) => (a.run?.claimedAt ?? 0) - (b.run?.claimedAt ?? 0) || byId(a, b)));
  }

  async approve(id: string, vote: VoteInput): Promise<ApproveOutcome> {
    this.assertOpen();
    const approval = this.approvals.get(id);
    if (!approval) return { kind: 'refused', reason: 'not-found', approval: null };
    const refuse = (reason: Exclude<Extract<ApproveOutcome, { kind: 'refused' }>['reason'], 'not-found'>): ApproveOutcome => ({
      kind: 'refused',
      reason,
      approval: copy(approval),
    });
    if (approval.state !== 'pending') return refuse('not-pending');
    if (vote.at >= approval.expiresAt) return refuse('expired');
    if (vote.approverId === approval.requester) return refuse('own-request');
    if (approval.approvals.some((v) => v.userId === vote.approverId)) return refuse('already-approved');

    approval.approvals.push({ userId: vote.approverId, at: vote.at });
    approval.updatedAt = vote.at;
    const count = approval.approvals.length;
    this.append('approved', id, vote.approverId, vote.at, approvedDetail(count, approval.requiredApprovals));
    if (count < approval.requiredApprovals) return { kind: 'recorded', approval: copy(approval) };

    approval.state = 'approved';
    approval.run = { runnerId: vote.runnerId, claimedAt: vote.at, leaseExpiresAt: vote.leaseExpiresAt, steps: [] };
    return { kind: 'execute', approval: copy(approval) };
  }

  async reject(id: string, input: RejectInput): Promise<TransitionOutcome> {
    this.assertOpen();
    const approval = this.approvals.get(id);
    if (!approval) return refused('not-found', null);
    if (approval.state !== 'pending') return refused('wrong-state', approval);
    if (input.at >= approval.expiresAt) return refused('expired', approval);
    approval.state = 'rejected';
    approval.rejection = { userId: input.userId, at: input.at, ...(input.reason ? { reason: input.reason } : {}) };
    approval.updatedAt = input.at;
    this.release(approval);
    this.append('rejected', id, input.userId, input.at, input.reason ?? '');
    return { ok: true, approval: copy(approval) };
  }

  async expireDue(now: number, limit: number): Promise<Approval[]> {
    this.assertOpen();
    assertBatchLimit(limit);
    const due = this.inState(['pending'])
      .filter((a) => a.expiresAt <= now)
      .sort((a, b) => a.expiresAt - b.expiresAt || byId(a, b))
      .slice(0, limit);
    for (const approval of due) {
      approval.state = 'expired';
      approval.expiredAt = now;
      approval.updatedAt = now;
      this.release(approval);
      this.append('expired', approval.id, '', now, '');
    }
    return copy(due);
  }

  async startRun(id: string, input: RunInput): Promise<TransitionOutcome> {
    return this.runTransition(id, input.runnerId, ['approved'], (approval, run) => {
      approval.state = 'running';
      approval.updatedAt = input.at;
      run.startedAt = input.at;
      run.leaseExpiresAt = input.leaseExpiresAt;
      this.append('started', id, input.runnerId, input.at, '');
    });
  }

  async stepStarted(id: string, input: StepInput): Promise<TransitionOutcome> {
    return this.runTransition(id, input.runnerId, ['running'], (approval, run) => {
      const { step } = input;
      run.leaseExpiresAt = input.leaseExpiresAt;
      // A retry of a write that landed: record nothing twice (as the Redis script).
      if (run.currentStep?.stepId === step.stepId) return;
      run.currentStep = structuredClone(step);
      run.leaseExpiresAt = input.leaseExpiresAt;
      approval.updatedAt = input.at;
      this.append('step-started', id, input.runnerId, input.at, stepDetail(step.stepId, step.description, step.note));
    });
  }

  async stepDone(id: string, input: StepInput): Promise<TransitionOutcome> {
    return this.runTransition(id, input.runnerId, ['running'], (approval, run) => {
      const { step } = input;
      run.leaseExpiresAt = input.leaseExpiresAt;
      // A retry of a write that landed: record nothing twice (as the Redis script).
      if (!run.currentStep && run.steps.at(-1)?.stepId === step.stepId) return;
      run.steps.push(structuredClone(step));
      delete run.currentStep;
      run.leaseExpiresAt = input.leaseExpiresAt;
      approval.updatedAt = input.at;
      this.append('step-done', id, input.runnerId, input.at, stepDetail(step.stepId, step.description, step.note));
    });
  }

  async renewRun(id: string, input: RunInput): Promise<boolean> {
    const outcome = await this.runTransition(id, input.runnerId, ['approved', 'running'], (_approval, run) => {
      run.leaseExpiresAt = input.leaseExpiresAt;
    });
    return outcome.ok;
  }

  async finishRun(id: string, input: FinishInput): Promise<TransitionOutcome> {
    return this.runTransition(id, input.runnerId, ['approved', 'running'], (approval, run) => {
      approval.state = input.outcome;
      approval.updatedAt = input.at;
      run.finishedAt = input.at;
      run.message = input.message;
      if (input.detail !== undefined) run.detail = structuredClone(input.detail);
      this.release(approval);
      this.append(input.outcome, id, input.runnerId, input.at, input.message);
      const subject = input.outcome === 'succeeded' ? lastRunSubject(approval.plan) : null;
      const candidate = subject && { ...subject, approvalId: id, finishedAt: input.at };
      if (candidate && replacesLastRun(this.last.get(lastRunField(candidate)), candidate))
        this.last.set(lastRunField(candidate), candidate);
    });
  }

  async lastRuns(): Promise<LastRun[]> {
    this.assertOpen();
    return copy([...this.last.values()]);
  }

  async recoverInterruptedRuns(now: number, recovererId: string, limit: number): Promise<Approval[]> {
    this.assertOpen();
    assertBatchLimit(limit);
    const lapsed = this.inState(['approved', 'running'])
      .filter((a) => a.run !== undefined && a.run.leaseExpiresAt <= now)
      .sort((a, b) => (a.run?.leaseExpiresAt ?? 0) - (b.run?.leaseExpiresAt ?? 0) || byId(a, b))
      .slice(0, limit);
    for (const approval of lapsed) {
      const run = approval.run;
      if (!run) continue; // filtered above
      const was = approval.state as 'approved' | 'running';
      approval.state = 'interrupted';
      approval.updatedAt = now;
      run.finishedAt = now;
      run.interruptedBy = recovererId;
      // The locks stay: AWS may still be working on the call in flight (see releaseLocks).
      this.append('interrupted', approval.id, recovererId, now, interruptedDetail(was, run.currentStep?.stepId, run.steps.length));
    }
    return copy(lapsed);
  }

  async handBackRun(id: string, input: HandBackInput): Promise<TransitionOutcome> {
    return this.runTransition(id, input.runnerId, ['approved', 'running'], (approval, run) => {
      const where = interruptedDetail(approval.state as 'approved' | 'running', run.currentStep?.stepId, run.steps.length);
      approval.state = 'interrupted';
      approval.updatedAt = input.at;
      run.finishedAt = input.at;
      run.interruptedBy = input.runnerId;
      // The locks stay: AWS may still be working on the call in flight (see releaseLocks).
      this.append('interrupted', id, input.runnerId, input.at, handedBackDetail(where, input.reason));
    });
  }

  async lockHolder(resources: readonly string[]): Promise<LockHolder | null> {
    this.assertOpen();
    for (const resource of uniqueResources(resources)) {
      const heldBy = this.locks.get(resource);
      if (heldBy !== undefined) return { resource, heldBy };
    }
    return this.drillLocks?.holder(uniqueResources(resources)) ?? null;
  }

  async releaseLocks(id: string, input: ReleaseInput): Promise<TransitionOutcome> {
    this.assertOpen();
    const approval = this.approvals.get(id);
    if (!approval) return refused('not-found', null);
    if (approval.state !== 'interrupted' || approval.locksReleased) return refused('wrong-state', approval);
    approval.locksReleased = { userId: input.userId, at: input.at };
    approval.updatedAt = input.at;
    this.release(approval);
    this.append('released', id, input.userId, input.at, releasedDetail(uniqueResources(approval.plan.resources)));
    return { ok: true, approval: copy(approval) };
  }

  async readAudit(query: AuditQuery): Promise<ApprovalAuditEntry[]> {
    this.assertOpen();
    assertAuditQuery(query, MAX_AUDIT_READ);
    const { sinceId } = query;
    const after = sinceId === undefined ? this.audit : this.audit.filter((e) => compareAuditIds(e.id, sinceId) > 0);
    return copy(after.slice(0, query.limit));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private runTransition(
    id: string,
    runnerId: string,
    allowed: ApprovalState[],
    apply: (approval: Approval, run: NonNullable<Approval['run']>) => void,
  ): Promise<TransitionOutcome> {
    this.assertOpen();
    const approval = this.approvals.get(id);
    if (!approval) return Promise.resolve(refused('not-found', null));
    if (!allowed.includes(approval.state)) return Promise.resolve(refused('wrong-state', approval));
    if (!approval.run || approval.run.runnerId !== runnerId) return Promise.resolve(refused('not-runner', approval));
    apply(approval, approval.run);
    return Promise.resolve({ ok: true, approval: copy(approval) });
  }

  private inState(states: ApprovalState[]): Approval[] {
    return [...this.approvals.values()].filter((a) => states.includes(a.state));
  }

  /** Frees the locks this request still holds. */
  private release(approval: Approval): void {
    for (const resource of approval.plan.resources) {
      if (this.locks.get(resource) === approval.id) this.locks.delete(resource);
    }
  }

  private append(type: AuditType, approvalId: string, actor: string, at: number, detail: string): void {
    this.auditSequence += 1;
    const entry: ApprovalAuditEntry = { id: `${this.auditSequence}-0`, type, approvalId, at };
    if (actor) entry.actor = actor;
    if (detail) entry.detail = detail;
    this.audit.push(entry);
    this.log.push(entry);
  }

  /** Appends an incident entry to the shared log (the memory twin of RedisAuditLog.append). */
  appendIncidentEntry(input: NewIncidentAuditEntry | NewDrillAuditEntry): void {
    this.assertOpen();
    this.auditSequence += 1;
    this.log.push({ ...input, id: `${this.auditSequence}-0` });
  }

  /** The log newest first, before `beforeId` (the memory twin of RedisAuditLog.newest). */
  newestLogEntries(query: NewestAuditQuery): AuditLogEntry[] {
    this.assertOpen();
    assertAuditQuery({ limit: query.limit, ...(query.beforeId !== undefined && { sinceId: query.beforeId }) }, MAX_AUDIT_READ);
    const { beforeId } = query;
    const before = beforeId === undefined ? this.log : this.log.filter((e) => compareAuditIds(e.id, beforeId) < 0);
    return copy(before.slice(-query.limit).reverse());
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('LIFEBOAT_STORE_UNAVAILABLE', 'the in-memory approval store is closed');
  }
}

function refused(reason: TransitionRefusal, approval: Approval | null): TransitionOutcome {
  return { ok: false, reason, approval: copy(approval) };
}

function byId(a: Approval, b: Approval): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function copy<T>(value: T): T {
  return structuredClone(value);
}
