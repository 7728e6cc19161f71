import type { Redis } from 'ioredis';
import type { LuaScript } from './lua-script.js';
import { StoreError } from '../../store/store-error.js';
import { MAX_AUDIT_READ, releasedDetail, stepDetail, type ApprovalAuditEntry, type AuditQuery } from '../../approvals/approval-audit.js';
import { approvalKeys, type ApprovalKeys } from './keyspace.js';
import {
  APPROVE,
  CREATE_APPROVAL,
  EXPIRE,
  FINISH_RUN,
  HAND_BACK_RUN,
  INTERRUPT_RUN,
  REJECT,
  RELEASE_LOCKS,
  RENEW_RUN,
  START_RUN,
  STEP_DONE,
  STEP_STARTED,
} from './approval-scripts.js';
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
} from '../../approvals/approval-store.js';
import { formatApprovalId, type Approval } from '../../approvals/approval.js';
import { lastRunField, lastRunSubject, type LastRun } from '../../approvals/last-run.js';
import { assertAuditQuery, assertBatchLimit, uniqueResources } from '../../approvals/approval-store-arguments.js';
import {
  decodeApproval,
  decodeAuditEntry,
  decodeLastRun,
  decodePlan,
  encodeStep,
  isApprovalStreamEntry,
  pairsToFields,
} from './decode-approval.js';

/** What a RedisApprovalStore is built from. */
export interface RedisApprovalStoreOptions {
  redis: Redis;
  /** Prepended to every key, e.g. "lifeboat:" (the same prefix as the main store is fine). */
  keyPrefix: string;
  /** When true, close() disconnects the client; otherwise the caller owns it. */
  ownsClient?: boolean;
}

const TRANSITION_REFUSALS = new Set(['not-found', 'wrong-state', 'expired', 'not-runner', 'not-pending']);
const APPROVE_REFUSALS = new Set(['not-found', 'not-pending', 'expired', 'own-request', 'already-approved']);

/** The shared approval store: every transition is one Lua script (approval-scripts.ts). Needs Redis >= 6.2. */
export class RedisApprovalStore implements ApprovalStore {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly keys: ApprovalKeys;
  private readonly ownsClient: boolean;

  constructor(options: RedisApprovalStoreOptions) {
    this.redis = options.redis;
    this.keys = approvalKeys(options.keyPrefix);
    this.ownsClient = options.ownsClient ?? false;
  }

  async create(input: NewApproval): Promise<CreateOutcome> {
    const resources = uniqueResources(input.plan.resources);
    // Numbered outside the script so the script declares the request key; a refused (or
    // repeated) request leaves a gap in the numbering, which is harmless (ids are never reused).
    const id = formatApprovalId(await this.redis.incr(this.keys.sequence()));
    const keys = [
      this.keys.approval(id),
      this.keys.pending(),
      this.keys.expiry(),
      this.keys.audit(),
      this.keys.byPlan(),
      input.takesOver !== undefined ? this.keys.approval(input.takesOver) : this.keys.approval(id),
      ...resources.map((r) => this.keys.lock(r)),
      ...resources.map((r) => this.keys.drillLock(r)),
    ];
    const args = [
      id,
      input.createdAt,
      input.expiresAt,
      input.requester,
      input.requiredApprovals,
      JSON.stringify(input.plan),
      JSON.stringify(resources),
      input.plan.title,
      input.plan.id,
      input.takesOver ?? '',
      resources.length,
    ];
    const reply = await this.run(CREATE_APPROVAL, keys, args);
    const [status] = reply;
    if (status === 'created') {
      const approval = this.decodeReply(id, reply);
      const original = input.takesOver !== undefined ? await this.get(input.takesOver) : null;
      const tookOver = original?.locksReleased?.handedTo === id ? original : undefined;
      return { ok: true, approval, existing: false, ...(tookOver && { tookOver }) };
    }
    if (status === 'existing' && typeof reply[1] === 'string') {
      const approval = await this.get(reply[1]);
      if (!approval) throw this.danglingPlanIndex(input.plan.id, reply[1]);
      return { ok: true, approval, existing: true };
    }
    if (status === 'locked' && typeof reply[1] === 'number' && typeof reply[2] === 'string') {
      return { ok: false, reason: 'resource-locked', resource: resources[reply[1]] ?? '', heldBy: reply[2] };
    }
    if (status === 'exists') {
      throw new StoreError(
        'LIFEBOAT_STORE_CORRUPT_VALUE',
        `approval ${id} already exists although the counter just issued it; was ${this.keys.sequence()} reset?`,
        { key: this.keys.sequence() },
      );
    }
    throw this.unexpected(CREATE_APPROVAL, reply);
  }

  async get(id: string): Promise<Approval | null> {
    const key = this.keys.approval(id);
    const fields = await this.redis.hgetall(key);
    return Object.keys(fields).length === 0 ? null : decodeApproval(key, fields);
  }

  async findByPlan(planId: string): Promise<Approval | null> {
    const id = await this.redis.hget(this.keys.byPlan(), planId);
    if (id === null) return null;
    const approval = await this.get(id);
    if (!approval) throw this.danglingPlanIndex(planId, id);
    return approval;
  }

  async listPending(): Promise<Approval[]> {
    return this.loadAll(await this.redis.zrange(this.keys.pending(), 0, -1));
  }

  async countPending(now: number): Promise<number> {
    // The expiry index holds exactly the pending requests, scored by expiry: count those after now.
    return this.redis.zcount(this.keys.expiry(), `(${now}`, '+inf');
  }

  async listActiveRuns(): Promise<Approval[]> {
    const runs = await this.loadAll(await this.redis.zrange(this.keys.active(), 0, -1));
    return runs.sort((a, b) => (a.run?.claimedAt ?? 0) - (b.run?.claimedAt ?? 0));
  }

  async approve(id: string, vote: VoteInput): Promise<ApproveOutcome> {
    const keys = [this.keys.approval(id), this.keys.pending(), this.keys.expiry(), this.keys.active(), this.keys.audit()];
    const reply = await this.run(APPROVE, keys, [vote.approverId, vote.at, vote.runnerId, vote.leaseExpiresAt]);
    const [status] = reply;
    if (status === 'recorded' || status === 'execute') return { kind: status, approval: this.decodeReply(id, reply) };
    if (typeof status === 'string' && APPROVE_REFUSALS.has(status)) {
      return {
        kind: 'refused',
        reason: status as Extract<ApproveOutcome, { kind: 'refused' }>['reason'],
        approval: reply.length > 1 ? this.decodeReply(id, reply) : null,
      };
    }
    throw this.unexpected(APPROVE, reply);
  }

  async reject(id: string, input: RejectInput): Promise<TransitionOutcome> {
    const keys = [this.keys.approval(id), this.keys.pending(), this.keys.expiry(), this.keys.audit(), ...(await this.lockKeys(id))];
    return this.transition(REJECT, id, keys, [input.userId, input.at, input.reason ?? ''], 'rejected');
  }

  async expireDue(now: number, limit: number): Promise<Approval[]> {
    assertBatchLimit(limit);
    const due = await this.redis.zrangebyscore(this.keys.expiry(), '-inf', now, 'LIMIT', 0, limit);
    const expired: Approval[] = [];
    for (const id of due) {
      const keys = [this.keys.approval(id), this.keys.pending(), this.keys.expiry(), this.keys.audit(), ...(await this.lockKeys(id))];
      const reply = await this.run(EXPIRE, keys, [id, now]);
      if (reply[0] === 'expired') expired.push(this.decodeReply(id, reply));
      else if (reply[0] !== 'skip') throw this.unexpected(EXPIRE, reply);
    }
    return expired;
  }

  async startRun(id: string, input: RunInput): Promise<TransitionOutcome> {
    const keys = [this.keys.approval(id), this.keys.active(), this.keys.audit()];
    return this.transition(START_RUN, id, keys, [input.runnerId, input.at, input.leaseExpiresAt], 'ok');
  }

  async stepStarted(id: string, input: StepInput): Promise<TransitionOutcome> {
    return this.stepTransition(STEP_STARTED, id, input);
  }

  async stepDone(id: string, input: StepInput): Promise<TransitionOutcome> {
    return this.stepTransition(STEP_DONE, id, input);
  }

  async renewRun(id: string, input: RunInput): Promise<boolean> {
    const reply = await RENEW_RUN.run(this.redis, [this.keys.approval(id), this.keys.active()], [input.runnerId, input.leaseExpiresAt]);
    return reply === 1;
  }

  async finishRun(id: string, input: FinishInput): Promise<TransitionOutcome> {
    const keys = [this.keys.approval(id), this.keys.active(), this.keys.audit(), this.keys.lastRuns(), ...(await this.lockKeys(id))];
    const detail = input.detail === undefined ? '' : JSON.stringify(input.detail);
    const subject = input.outcome === 'succeeded' ? await this.lastRunOf(id) : null;
    const field = subject ? lastRunField(subject) : '';
    const last = subject ? JSON.stringify({ approvalId: id, finishedAt: input.at }) : '';
    return this.transition(FINISH_RUN, id, keys, [input.runnerId, input.at, input.outcome, input.message, detail, field, last], 'ok');
  }

  async lastRuns(): Promise<LastRun[]> {
    const key = this.keys.lastRuns();
    const fields = await this.redis.hgetall(key);
    return Object.entries(fields).map(([field, raw]) => decodeLastRun(key, field, raw));
  }

  async recoverInterruptedRuns(now: number, recovererId: string, limit: number): Promise<Approval[]> {
    assertBatchLimit(limit);
    const lapsed = await this.redis.zrangebyscore(this.keys.active(), '-inf', now, 'LIMIT', 0, limit);
    const marked: Approval[] = [];
    for (const id of lapsed) {
      const keys = [this.keys.approval(id), this.keys.active(), this.keys.audit()];
      const reply = await this.run(INTERRUPT_RUN, keys, [id, now, recovererId]);
      if (reply[0] === 'interrupted') marked.push(this.decodeReply(id, reply));
      else if (reply[0] !== 'skip') throw this.unexpected(INTERRUPT_RUN, reply);
    }
    return marked;
  }

  async handBackRun(id: string, input: HandBackInput): Promise<TransitionOutcome> {
    const keys = [this.keys.approval(id), this.keys.active(), this.keys.audit()];
    return this.transition(HAND_BACK_RUN, id, keys, [input.runnerId, input.at, input.reason], 'ok');
  }

  async lockHolder(resources: readonly string[]): Promise<LockHolder | null> {
    const unique = uniqueResources([...resources]);
    if (unique.length === 0) return null;
    // A request's lock is named before a drill's, as the memory store does.
    const holders = await this.redis.mget(...unique.map((r) => this.keys.lock(r)), ...unique.map((r) => this.keys.drillLock(r)));
    const index = holders.findIndex((holder) => holder !== null);
    return index < 0 ? null : { resource: unique[index % unique.length] ?? '', heldBy: holders[index] ?? '' };
  }

  async releaseLocks(id: string, input: ReleaseInput): Promise<TransitionOutcome> {
    const resources = await this.resources(id);
    const keys = [this.keys.approval(id), this.keys.audit(), ...resources.map((r) => this.keys.lock(r))];
    return this.transition(RELEASE_LOCKS, id, keys, [input.userId, input.at, releasedDetail(resources)], 'released');
  }

  async readAudit(query: AuditQuery): Promise<ApprovalAuditEntry[]> {
    assertAuditQuery(query, MAX_AUDIT_READ);
    const key = this.keys.audit();
    // "(" makes the start exclusive (XRANGE, Redis >= 6.2: "Added exclusive ranges").
    let start = query.sinceId === undefined ? '-' : `(${query.sinceId}`;
    const found: ApprovalAuditEntry[] = [];
    // The stream holds incident entries too (audit-log.ts): skip them, and read on until `limit`
    // approval entries are found or the stream ends, so paging with sinceId never stops early.
    while (found.length < query.limit) {
      const wanted = query.limit - found.length;
      const entries = await this.redis.xrange(key, start, '+', 'COUNT', wanted);
      for (const entry of entries) if (isApprovalStreamEntry(key, entry)) found.push(decodeAuditEntry(key, entry));
      const last = entries.at(-1);
      if (entries.length < wanted || !last) break;
      start = `(${last[0]}`;
    }
    return found;
  }

  async close(): Promise<void> {
    if (!this.ownsClient || this.redis.status === 'end') return;
    if (this.redis.status === 'ready') {
      await this.redis.quit().catch(() => this.redis.disconnect());
    } else {
      this.redis.disconnect();
    }
  }

  private async stepTransition(script: LuaScript, id: string, input: StepInput): Promise<TransitionOutcome> {
    const keys = [this.keys.approval(id), this.keys.active(), this.keys.audit()];
    const { step } = input;
    const args = [
      input.runnerId,
      input.at,
      input.leaseExpiresAt,
      step.stepId,
      encodeStep(step),
      stepDetail(step.stepId, step.description, step.note),
    ];
    return this.transition(script, id, keys, args, 'ok');
  }

  private async transition(
    script: LuaScript,
    id: string,
    keys: string[],
    args: (string | number)[],
    success: string,
  ): Promise<TransitionOutcome> {
    const reply = await this.run(script, keys, args);
    const [status] = reply;
    if (status === success) return { ok: true, approval: this.decodeReply(id, reply) };
    if (typeof status === 'string' && TRANSITION_REFUSALS.has(status)) {
      // 'not-pending' (reject) is the same refusal as 'wrong-state' for the other transitions.
      const reason = status === 'not-pending' ? 'wrong-state' : (status as 'not-found' | 'wrong-state' | 'expired' | 'not-runner');
      return { ok: false, reason, approval: reply.length > 1 ? this.decodeReply(id, reply) : null };
    }
    throw this.unexpected(script, reply);
  }

  /** The runbook a succeeded run of this request is the last run of (its plan is immutable, so reading it first is safe). */
  private async lastRunOf(id: string): Promise<ReturnType<typeof lastRunSubject>> {
    const key = this.keys.approval(id);
    const raw = await this.redis.hget(key, 'plan');
    // Gone: the script answers not-found.
    return raw === null ? null : lastRunSubject(decodePlan(key, raw));
  }

  /** The lock keys of a request's resources (immutable once created, so reading them first is safe). */
  private async lockKeys(id: string): Promise<string[]> {
    return (await this.resources(id)).map((r) => this.keys.lock(r));
  }

  /** A request's resources as stored (deduplicated, in plan order); none when it does not exist. */
  private async resources(id: string): Promise<string[]> {
    const key = this.keys.approval(id);
    const raw = await this.redis.hget(key, 'resources');
    if (raw === null) return [];
    let resources: unknown;
    try {
      resources = JSON.parse(raw);
    } catch (err) {
      throw new StoreError('LIFEBOAT_STORE_CORRUPT_VALUE', `stored approval at key "${key}" has invalid resources`, { key, cause: err });
    }
    if (!Array.isArray(resources) || !resources.every((r) => typeof r === 'string')) {
      throw new StoreError('LIFEBOAT_STORE_CORRUPT_VALUE', `stored approval at key "${key}" has invalid resources`, { key });
    }
    return resources as string[];
  }

  private async loadAll(ids: string[]): Promise<Approval[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.keys.approval(id));
    const results = (await pipeline.exec()) ?? [];
    const approvals: Approval[] = [];
    results.forEach(([err, fields], index) => {
      if (err) throw err;
      const key = this.keys.approval(ids[index] ?? '');
      // Indexes and hashes are written together, so a missing hash means someone edited Redis.
      if (!fields || Object.keys(fields).length === 0) {
        throw new StoreError('LIFEBOAT_STORE_CORRUPT_VALUE', `approval index names "${key}" but that key is missing`, { key });
      }
      approvals.push(decodeApproval(key, fields as Record<string, string>));
    });
    return approvals;
  }

  private async run(script: LuaScript, keys: string[], args: (string | number)[]): Promise<unknown[]> {
    const reply = await script.run(this.redis, keys, args);
    if (!Array.isArray(reply) || reply.length === 0) throw this.unexpected(script, reply);
    return reply;
  }

  private decodeReply(id: string, reply: unknown[]): Approval {
    const key = this.keys.approval(id);
    return decodeApproval(key, pairsToFields(reply[1], key));
  }

  private danglingPlanIndex(planId: string, id: string): StoreError {
    const key = this.keys.byPlan();
    return new StoreError(
      'LIFEBOAT_STORE_CORRUPT_VALUE',
      `"${key}" maps plan ${planId} to ${id}, but ${this.keys.approval(id)} is missing`,
      { key },
    );
  }

  private unexpected(script: LuaScript, reply: unknown): StoreError {
    return new StoreError(
      'LIFEBOAT_STORE_CORRUPT_VALUE',
      `Redis script ${script.name} returned an unexpected reply: ${JSON.stringify(reply)?.slice(0, 200)}`,
    );
  }
}
