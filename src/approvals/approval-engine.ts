import type { Clock } from '../core/clock.js';
import type { Plan } from '../core/plan.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { ApprovalAuditEntry, AuditQuery, AuditType } from './approval-audit.js';
import { ApprovalError } from './approval-error.js';
import { refusal, type ApprovalRefusal } from './approval-refusal.js';
import { checkApprove, checkReject, checkRequestable, expiryOf, isExpired, policyProblem, type ApprovalPolicy } from './approval-rules.js';
import type { ApprovalStore } from './approval-store.js';
import type { Approval } from './approval.js';
import { executeRun, type ExecuteHandler } from './execute-run.js';
import { StoreRunControl } from './run-control.js';

export type { ExecuteHandler } from './execute-run.js';

/** How long a claimed run stays owned without a heartbeat; it is renewed every third of it. */
export const DEFAULT_RUN_LEASE_MS = 30_000; // 30 seconds
/** How often the background sweep expires requests and recovers abandoned runs. */
export const DEFAULT_SWEEP_INTERVAL_MS = 5_000; // 5 seconds
/** Requests expired / runs recovered per store call in one sweep pass. */
const SWEEP_BATCH = 100;

/** A committed transition, for Slack message updates. */
export interface ApprovalChange {
  approval: Approval;
  transition: AuditType;
  /** Epoch ms. */
  at: number;
  /** The user (requested, approved, rejected) or runner instance (run transitions); absent for expiry. */
  actor?: string;
}

/** Listeners run in line with the transition: hand slow work (Slack calls) to a queue. */
export type ApprovalChangeListener = (change: ApprovalChange) => void | Promise<void>;

export type RequestResult = { ok: true; approval: Approval } | ApprovalRefusal;
/** `executing`: this approval completed the request and this replica is starting the run. */
export type ApproveResult = { ok: true; approval: Approval; executing: boolean } | ApprovalRefusal;
export type RejectResult = { ok: true; approval: Approval } | ApprovalRefusal;

export interface ApprovalEngineOptions {
  store: ApprovalStore;
  clock: Clock;
  logger: Logger;
  policy: ApprovalPolicy;
  /** Unique per process: recorded as the runner of runs this replica claims. */
  instanceId: string;
  metrics?: Metrics;
  runLeaseMs?: number;
}

/**
 * The two-person approval service: requests, approvals, rejections, expiry, and the exactly-once
 * hand-off of an approved plan to the runner. Slack-agnostic: actor ids are opaque strings.
 * Store failures are thrown (StoreError); refusals are returned with a plain message.
 */
export class ApprovalEngine {
  private readonly store: ApprovalStore;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly runLeaseMs: number;
  private policy: ApprovalPolicy;
  private executeHandler: ExecuteHandler | null = null;
  private readonly listeners = new Set<ApprovalChangeListener>();
  private readonly inFlight = new Set<Promise<void>>();
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;

  constructor(private readonly options: ApprovalEngineOptions) {
    const problem = policyProblem(options.policy);
    if (problem) throw new ApprovalError('LIFEBOAT_APPROVAL_INVALID_POLICY', problem);
    this.store = options.store;
    this.clock = options.clock;
    this.logger = options.logger;
    this.policy = { ...options.policy, approvers: [...options.policy.approvers] };
    this.runLeaseMs = options.runLeaseMs ?? DEFAULT_RUN_LEASE_MS;
  }

  /** Replaces the approver list, e.g. after the bot expands usergroups. */
  setApprovers(approvers: readonly string[]): void {
    this.policy = { ...this.policy, approvers: [...approvers] };
  }

  /** Plugs in the runner; one per engine. Returns the function that unplugs it. */
  onExecute(handler: ExecuteHandler): () => void {
    if (this.executeHandler) throw new Error('an onExecute handler is already registered on this approval engine');
    this.executeHandler = handler;
    return () => {
      if (this.executeHandler === handler) this.executeHandler = null;
    };
  }

  /** Subscribes to committed transitions; returns the unsubscribe function. */
  onChange(listener: ApprovalChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Submits a plan for approval, refusing dry runs, failing pre-flight and plans whose resources are in use. */
  async request(plan: Plan, requester: string): Promise<RequestResult> {
    const refused = checkRequestable(plan);
    if (refused) return refusal(refused, { plan });
    // Free what lapsed (expired requests, abandoned runs) so it does not block this request.
    await this.sweepExpired();
    await this.recoverInterruptedRuns();

    const now = this.clock.now();
    const outcome = await this.store.create({
      plan,
      requester,
      requiredApprovals: this.policy.requiredApprovals,
      createdAt: now,
      expiresAt: expiryOf(now, this.policy.ttlMs),
    });
    if (!outcome.ok) {
      const blocking = await this.store.get(outcome.heldBy);
      if (!blocking) {
        this.logger.error(
          { resource: outcome.resource, heldBy: outcome.heldBy },
          `resource lock names ${outcome.heldBy}, which does not exist; delete the stale approval-lock key for "${outcome.resource}" in Redis`,
        );
      }
      return refusal('resource-locked', { plan, resource: outcome.resource, ...(blocking ? { blocking } : {}) });
    }
    await this.changed(outcome.approval, 'requested', now, requester);
    await this.refreshPendingGauge();
    return { ok: true, approval: outcome.approval };
  }

  /**
   * One Approve click. `confirmation` is the text typed in the confirm modal, needed for
   * destructive plans. When this click completes the request, the runner starts (exactly once
   * across all replicas) after this returns.
   */
  async approve(id: string, approverId: string, confirmation?: string): Promise<ApproveResult> {
    const snapshot = await this.store.get(id);
    if (!snapshot) return refusal('not-found', { id });
    const now = this.clock.now();
    const refused = checkApprove(snapshot, approverId, this.policy, now, confirmation);
    if (refused) return refusal(refused, { approval: snapshot });

    // The store re-checks state, expiry and distinctness atomically: the snapshot may be stale.
    const outcome = await this.store.approve(id, {
      approverId,
      at: now,
      runnerId: this.options.instanceId,
      leaseExpiresAt: now + this.runLeaseMs,
    });
    if (outcome.kind === 'refused') {
      const approval = outcome.approval ?? snapshot;
      return outcome.reason === 'not-found' ? refusal('not-found', { id }) : refusal(outcome.reason, { approval });
    }
    await this.changed(outcome.approval, 'approved', now, approverId);
    if (outcome.kind === 'execute') {
      await this.refreshPendingGauge();
      this.launch(outcome.approval);
    }
    return { ok: true, approval: outcome.approval, executing: outcome.kind === 'execute' };
  }

  /** One Reject click (an approver, or the requester withdrawing); ends the request. */
  async reject(id: string, userId: string, reason?: string): Promise<RejectResult> {
    const snapshot = await this.store.get(id);
    if (!snapshot) return refusal('not-found', { id });
    const now = this.clock.now();
    const refused = checkReject(snapshot, userId, this.policy, now);
    if (refused) return refusal(refused, { approval: snapshot });

    const trimmed = reason?.trim();
    const outcome = await this.store.reject(id, { userId, at: now, ...(trimmed ? { reason: trimmed } : {}) });
    if (!outcome.ok) {
      const approval = outcome.approval ?? snapshot;
      if (outcome.reason === 'not-found') return refusal('not-found', { id });
      return refusal(outcome.reason === 'expired' ? 'expired' : 'not-pending', { approval });
    }
    await this.changed(outcome.approval, 'rejected', now, userId);
    await this.refreshPendingGauge();
    return { ok: true, approval: outcome.approval };
  }

  /** The request, whatever its state. */
  async get(id: string): Promise<Approval | null> {
    return this.store.get(id);
  }

  /** Requests waiting for approvers and not yet expired, oldest first. */
  async listPending(): Promise<Approval[]> {
    const now = this.clock.now();
    return (await this.store.listPending()).filter((approval) => !isExpired(approval, now));
  }

  /** Approved runs that have not ended, oldest first. */
  async listActiveRuns(): Promise<Approval[]> {
    return this.store.listActiveRuns();
  }

  /** The audit log in order (survives restarts with the Redis store). */
  async readAudit(query: AuditQuery): Promise<ApprovalAuditEntry[]> {
    return this.store.readAudit(query);
  }

  /** Expires every due request; returns those this replica expired (each is returned by exactly one caller). */
  async sweepExpired(): Promise<Approval[]> {
    const expired: Approval[] = [];
    for (;;) {
      const now = this.clock.now();
      const batch = await this.store.expireDue(now, SWEEP_BATCH);
      for (const approval of batch) await this.changed(approval, 'expired', approval.expiredAt ?? now);
      expired.push(...batch);
      if (batch.length < SWEEP_BATCH) break;
    }
    if (expired.length > 0) await this.refreshPendingGauge();
    return expired;
  }

  /**
   * Marks runs whose runner stopped renewing its lease (process died, or hung) as interrupted,
   * releasing their locks; returns those this replica marked, for reporting. Never re-runs a step.
   */
  async recoverInterruptedRuns(): Promise<Approval[]> {
    const marked: Approval[] = [];
    for (;;) {
      const now = this.clock.now();
      const batch = await this.store.recoverInterruptedRuns(now, this.options.instanceId, SWEEP_BATCH);
      for (const approval of batch) {
        this.logger.warn(
          { approvalId: approval.id, runner: approval.run?.runnerId },
          `run ${approval.id} (${approval.plan.title}) was abandoned by its runner and is marked interrupted; it will not be resumed`,
        );
        await this.changed(approval, 'interrupted', now, this.options.instanceId);
      }
      marked.push(...batch);
      if (batch.length < SWEEP_BATCH) break;
    }
    return marked;
  }

  /** Starts the background sweep (expiry and abandoned runs) every `intervalMs`. */
  startSweeping(intervalMs = DEFAULT_SWEEP_INTERVAL_MS): void {
    if (this.sweepTimer) return;
    this.sweepTimer = setInterval(() => {
      if (this.sweeping) return; // the previous pass is still running
      this.sweeping = this.sweepOnce().finally(() => {
        this.sweeping = null;
      });
    }, intervalMs);
    this.sweepTimer.unref();
  }

  /** Stops the background sweep and waits for a pass in progress. Runs in flight carry on (see whenIdle). */
  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    await this.sweeping;
  }

  /** Resolves when no run started by this replica is in flight. */
  async whenIdle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async sweepOnce(): Promise<void> {
    try {
      await this.sweepExpired();
      await this.recoverInterruptedRuns();
      // Other replicas change the count too; every pass brings this replica's gauge up to date.
      await this.refreshPendingGauge();
    } catch (err) {
      this.logger.warn({ err }, 'approval sweep failed; retrying on the next pass. Check that the store (REDIS_URL) is reachable');
    }
  }

  /** Hands a claimed run to the runner in the background, renewing its lease until the runner returns. */
  private launch(approval: Approval): void {
    const control = new StoreRunControl(approval, {
      store: this.store,
      clock: this.clock,
      logger: this.logger,
      runnerId: this.options.instanceId,
      runLeaseMs: this.runLeaseMs,
      emit: (changed, transition, at) => this.changed(changed, transition, at, this.options.instanceId),
    });
    const task = executeRun(control, this.executeHandler, { runLeaseMs: this.runLeaseMs, logger: this.logger });
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  private async changed(approval: Approval, transition: AuditType, at: number, actor?: string): Promise<void> {
    this.logger.info(
      { approvalId: approval.id, plan: approval.plan.id, transition, state: approval.state, ...(actor ? { actor } : {}) },
      `approval ${approval.id} ${transition}`,
    );
    const change: ApprovalChange = { approval, transition, at, ...(actor ? { actor } : {}) };
    for (const listener of this.listeners) {
      try {
        await listener(change);
      } catch (err) {
        this.logger.error({ approvalId: approval.id, transition, err }, 'an approval change listener failed');
      }
    }
  }

  private async refreshPendingGauge(): Promise<void> {
    const { metrics } = this.options;
    if (!metrics) return;
    try {
      metrics.approvalsPending.set(await this.store.countPending(this.clock.now()));
    } catch (err) {
      this.logger.debug({ err }, 'could not refresh lifeboat_approvals_pending');
    }
  }
}
