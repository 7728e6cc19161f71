import type { Clock } from '../core/clock.js';
import { isDrillRunId, type DrillStore } from '../drills/drill-store.js';
import type { Plan } from '../core/plan.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { ApprovalAuditEntry, AuditQuery, AuditType } from './approval-audit.js';
import { ApprovalError } from './approval-error.js';
import { refusal, type ApprovalRefusal } from './approval-refusal.js';
import { checkApprove, checkReject, checkRequestable, expiryOf, isExpired, policyProblem, type ApprovalPolicy } from './approval-rules.js';
import type { ApprovalStore, ApproveOutcome, CreateOutcome } from './approval-store.js';
import type { Approval } from './approval.js';
import { ApprovalSweeper } from './approval-sweeper.js';
import type { ExecuteHandler } from './execute-run.js';
import { afterLostApproval, resumeClaim, type ApproveResult, type LostApprovalDeps } from './lost-approval.js';
import { releaseInterruptedLocks, type ReleasePermission, type ReleaseResult } from './release-locks.js';
import { RunLauncher } from './run-launcher.js';

export type { ExecuteHandler } from './execute-run.js';
export type { ApproveResult } from './lost-approval.js';
export type { ReleasePermission, ReleaseResult } from './release-locks.js';

/** How long a claimed run stays owned without a heartbeat; it is renewed every third of it. */
export const DEFAULT_RUN_LEASE_MS = 30_000; // 30 seconds
/** How often the background sweep expires requests and recovers abandoned runs. */
export const DEFAULT_SWEEP_INTERVAL_MS = 5_000; // 5 seconds

/** A committed transition, for Slack message updates. */
export interface ApprovalChange {
  approval: Approval;
  transition: AuditType;
  /** Epoch ms. */
  at: number;
  /** The user (requested, approved, rejected, released) or runner instance (run transitions); absent for expiry. */
  actor?: string;
}

/** Listeners run in line with the transition: hand slow work (Slack calls) to a queue. */
export type ApprovalChangeListener = (change: ApprovalChange) => void | Promise<void>;

export type RequestResult = { ok: true; approval: Approval } | ApprovalRefusal;
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
  /** Names the drill in a refusal when a drill run (`DRL-` id) holds a resource (drill-store.ts). */
  drillRuns?: Pick<DrillStore, 'run'>;
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
  private readonly runs: RunLauncher;
  private readonly listeners = new Set<ApprovalChangeListener>();
  private readonly sweeper: ApprovalSweeper;

  constructor(private readonly options: ApprovalEngineOptions) {
    const problem = policyProblem(options.policy);
    if (problem) throw new ApprovalError('LIFEBOAT_APPROVAL_INVALID_POLICY', problem);
    this.store = options.store;
    this.clock = options.clock;
    this.logger = options.logger;
    this.policy = { ...options.policy, approvers: [...options.policy.approvers] };
    this.runLeaseMs = options.runLeaseMs ?? DEFAULT_RUN_LEASE_MS;
    this.runs = new RunLauncher({
      store: this.store,
      clock: this.clock,
      logger: this.logger,
      runnerId: options.instanceId,
      runLeaseMs: this.runLeaseMs,
      emit: (changed, transition, at) => this.changed(changed, transition, at, options.instanceId),
    });
    this.sweeper = new ApprovalSweeper({
      store: this.store,
      clock: this.clock,
      logger: this.logger,
      instanceId: options.instanceId,
      emit: (changed, transition, at, actor) => this.changed(changed, transition, at, actor),
      refreshPendingGauge: () => this.refreshPendingGauge(),
    });
  }

  /** Replaces the approver list, e.g. after the bot expands usergroups. */
  setApprovers(approvers: readonly string[]): void {
    this.policy = { ...this.policy, approvers: [...approvers] };
  }

  /** Plugs in the runner; one per engine. Returns the function that unplugs it. */
  onExecute(handler: ExecuteHandler): () => void {
    return this.runs.plug(handler);
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
    // A resume or DNS revert of an interrupted run takes over that run's locks in the same step
    // that creates it: one run per resource throughout, and no Release locks click first.
    const takesOver = plan.resumes?.approvalId ?? plan.reverts?.approvalId;
    let outcome: CreateOutcome;
    try {
      outcome = await this.store.create({
        plan,
        requester,
        requiredApprovals: this.policy.requiredApprovals,
        createdAt: now,
        expiresAt: expiryOf(now, this.policy.ttlMs),
        ...(takesOver !== undefined && { takesOver }),
      });
    } catch (err) {
      // The store may have created it and lost only the reply: the caller looks it up by plan.
      throw new ApprovalError(
        'LIFEBOAT_APPROVAL_REQUEST_UNCONFIRMED',
        `the store failed while creating the request for plan ${plan.id}; it may exist, holding its resources, without anyone knowing`,
        { planId: plan.id, cause: err },
      );
    }
    if (!outcome.ok) {
      if (isDrillRunId(outcome.heldBy)) return this.heldByDrill(outcome.resource, outcome.heldBy, plan);
      const blocking = await this.store.get(outcome.heldBy);
      if (!blocking) {
        this.logger.error(
          { resource: outcome.resource, heldBy: outcome.heldBy },
          `resource lock names ${outcome.heldBy}, which does not exist; delete the stale approval-lock key for "${outcome.resource}" in Redis`,
        );
      }
      return refusal('resource-locked', { plan, resource: outcome.resource, ...(blocking ? { blocking } : {}) });
    }
    if (outcome.existing) {
      // The create ran twice (its first reply lost, the command re-sent): this is the same request.
      this.logger.warn(
        { approvalId: outcome.approval.id, plan: plan.id },
        `plan ${plan.id} already had request ${outcome.approval.id}; answering it`,
      );
      if (outcome.approval.state !== 'pending') return refusal('not-pending', { approval: outcome.approval });
    }
    await this.changed(outcome.approval, 'requested', outcome.approval.createdAt, requester);
    if (outcome.tookOver) await this.changed(outcome.tookOver, 'released', outcome.approval.createdAt, requester);
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
    let outcome: ApproveOutcome;
    try {
      outcome = await this.store.approve(id, {
        approverId,
        at: now,
        runnerId: this.options.instanceId,
        leaseExpiresAt: now + this.runLeaseMs,
      });
    } catch (err) {
      return afterLostApproval(this.lostApprovalDeps(), id, approverId, now, err);
    }
    if (outcome.kind === 'refused') {
      const approval = outcome.approval ?? snapshot;
      // A re-sent approve (its first reply lost on a dropped connection) finds its own claim.
      if (outcome.reason === 'not-pending' && this.runs.isOwnClaim(approval, approverId)) {
        const resumed = await resumeClaim(
          this.lostApprovalDeps(),
          approval,
          approverId,
          now,
          'the approve command was re-sent after its reply was lost',
        );
        if (resumed) return resumed;
      }
      return outcome.reason === 'not-found' ? refusal('not-found', { id }) : refusal(outcome.reason, { approval });
    }
    // Claimed before any await, so a re-read of the same claim cannot launch it a second time.
    const launch = outcome.kind === 'execute' && this.runs.claim(id);
    await this.changed(outcome.approval, 'approved', now, approverId);
    if (launch) {
      await this.refreshPendingGauge();
      this.runs.start(outcome.approval);
    }
    return { ok: true, approval: outcome.approval, executing: outcome.kind === 'execute' };
  }

  /**
   * Frees the resource locks an interrupted run kept, once someone has checked AWS. One person is
   * enough (it starts nothing); `isAllowed` is the caller's rule (approvers, operators).
   */
  async release(id: string, userId: string, isAllowed: ReleasePermission): Promise<ReleaseResult> {
    const emit = (approval: Approval, transition: AuditType, at: number, actor: string) => this.changed(approval, transition, at, actor);
    return releaseInterruptedLocks({ store: this.store, clock: this.clock, logger: this.logger, emit }, id, userId, isAllowed);
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

  /** The request made for a plan, whatever its state: finds one whose creation reply was lost. */
  async findByPlan(planId: string): Promise<Approval | null> {
    return this.store.findByPlan(planId);
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
    return this.sweeper.sweepExpired();
  }

  /**
   * Marks runs whose runner stopped renewing its lease (process died, or hung) as interrupted;
   * they keep their locks until released by hand (see release). Returns those this replica
   * marked, for reporting. Never re-runs a step.
   */
  async recoverInterruptedRuns(): Promise<Approval[]> {
    return this.sweeper.recoverInterruptedRuns();
  }

  /** Starts the background sweep (expiry and abandoned runs) every `intervalMs`. */
  startSweeping(intervalMs = DEFAULT_SWEEP_INTERVAL_MS): void {
    this.sweeper.start(intervalMs);
  }

  /** Stops the background sweep and waits for a pass in progress. Runs in flight carry on (see whenIdle). */
  async stop(): Promise<void> {
    await this.sweeper.stop();
  }

  /** Resolves when no run started by this replica is in flight. */
  async whenIdle(): Promise<void> {
    await this.runs.whenIdle();
  }

  /**
   * On shutdown: marks every run this replica is executing as interrupted at once (audited with
   * the step it stopped in, locks kept until a person releases them) and stops each before its
   * next AWS call, instead of leaving it "Running" until its lease lapses on another replica.
   */
  async handBackRuns(reason = 'this replica was stopping'): Promise<Approval[]> {
    return this.runs.handBack(reason);
  }

  /**
   * The request holding any of `resources`, before anything is planned: a new request on them
   * would be refused, so the caller names the one in the way instead. Null when all are free.
   */
  async blockingRequest(resources: readonly string[]): Promise<ApprovalRefusal | null> {
    const held = await this.store.lockHolder(resources);
    if (!held) return null;
    if (isDrillRunId(held.heldBy)) return this.heldByDrill(held.resource, held.heldBy);
    const blocking = await this.store.get(held.heldBy);
    return refusal('resource-locked', { resource: held.resource, ...(blocking ? { blocking } : {}) });
  }

  /** A drill run holds `resource`: the refusal names it and its drill (when its record is still there). */
  private async heldByDrill(resource: string, runId: string, plan?: Plan): Promise<ApprovalRefusal> {
    const run = await this.options.drillRuns?.run(runId).catch((err: unknown) => {
      this.logger.warn({ err, runId }, 'the drill run holding a resource could not be read; refusing without its name');
      return null;
    });
    return refusal('resource-locked', {
      resource,
      drill: { runId, ...(run ? { name: run.drill } : {}) },
      ...(plan ? { plan } : {}),
    });
  }

  private lostApprovalDeps(): LostApprovalDeps {
    const emit = (approval: Approval, transition: AuditType, at: number, actor: string) => this.changed(approval, transition, at, actor);
    return { store: this.store, runs: this.runs, logger: this.logger, emit, refreshPendingGauge: () => this.refreshPendingGauge() };
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
