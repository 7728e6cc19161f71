import { ActionError } from '../actions/action-error.js';
import type { ActionPlanner } from '../actions/action-planner.js';
import type { ActionRunner } from '../actions/action-runner.js';
import type { ApprovalEngine, ExecuteHandler } from '../approvals/approval-engine.js';
import type { Approval } from '../approvals/approval.js';
import { isDryRun, type ActionRequest, type Actor } from '../core/action-request.js';
import type { Plan } from '../core/plan.js';
import type { Logger } from '../observability/logger.js';
import type { ControlJournal } from './control-journal.js';
import type { MultiAzDrillRecord } from '../drills/multi-az-drill-record.js';

/** What became of a submitted request. */
export type SubmitOutcome =
  | { kind: 'dry-run'; plan: Plan }
  | { kind: 'requested'; approval: Approval }
  /** Nothing was created; `message` is safe to show the requester; `plan` when one was built. */
  | { kind: 'refused'; message: string; plan?: Plan };

/** What the caller (the Slack layer) adds to a submission. */
export interface SubmitOptions {
  /**
   * Why the plan may not become a request, or null: asked after planning and before anything is
   * created (e.g. a plan Slack cannot show whole to approvers). The reason is shown to the requester.
   */
  refuse?: (plan: Plan) => string | null;
}

export interface DrServiceDeps {
  planner: ActionPlanner;
  runner: ActionRunner;
  approvals: ApprovalEngine;
  journal: ControlJournal;
  logger: Logger;
  /** Records Multi-AZ failover drill runs as drills too (history, metrics, audit); absent without drills. */
  drills?: Pick<MultiAzDrillRecord, 'started' | 'finished'>;
}

/**
 * Where a DR request goes: planned with live pre-flight values, shown (dry run) or submitted for
 * two-person approval; and, once approved, executed exactly as approved. Knows nothing of Slack.
 */
export class DrService {
  constructor(private readonly deps: DrServiceDeps) {}

  /**
   * Runs an approved request exactly as approved. Subscribe it to the approval engine
   * (`approvals.onExecute(dr.execute)`): it fires once per approved request, on the replica that claimed it.
   */
  readonly execute: ExecuteHandler = async (approval, control) => {
    this.deps.journal.attach(approval.id, control);
    await control.started();
    const drills = approval.plan.request.kind === 'drill' ? this.deps.drills : undefined;
    if (drills) await this.recordDrill(approval, 'drill-started', () => drills.started(approval));
    const outcome = await this.deps.runner.run(approval.id, approval.plan, { signal: control.signal });
    if (drills) await this.recordDrill(approval, 'drill-finished', () => drills.finished(approval, outcome));
  };

  /** A drill's bookkeeping failing (the store, say) never fails the run: the run's own record stands. */
  private async recordDrill(approval: Approval, what: string, record: () => Promise<unknown>): Promise<void> {
    try {
      await record();
    } catch (err) {
      this.deps.logger.error({ err, approvalId: approval.id }, `could not record ${what} of a Multi-AZ failover drill`);
    }
  }

  /** Plans `request`; a dry run stops there, anything else becomes a pending approval request. */
  async submit(request: ActionRequest, actor: Actor, options: SubmitOptions = {}): Promise<SubmitOutcome> {
    if (!isDryRun(request)) {
      // Before planning: a run in the way (an interrupted one keeps its locks) often also fails
      // the pre-flight (its replica is already promoted); name that run, not the symptom.
      const blocked = await this.deps.approvals.blockingRequest(this.deps.planner.resourcesOf(request));
      if (blocked) {
        this.deps.logger.info(
          { request: request.kind, requester: actor.userId, resource: blocked.resource, heldBy: blocked.blocking?.id },
          'request refused: a resource is held',
        );
        return { kind: 'refused', message: blocked.message };
      }
    }
    let plan: Plan;
    try {
      plan = await this.deps.planner.plan(request);
    } catch (err) {
      if (err instanceof ActionError) {
        this.deps.logger.info(
          { code: err.code, hint: err.hint, request: request.kind, requester: actor.userId },
          'request refused at planning',
        );
        return { kind: 'refused', message: err.message, ...(err.plan ? { plan: err.plan } : {}) };
      }
      throw err;
    }
    const refusal = options.refuse?.(plan) ?? null;
    if (refusal !== null) {
      this.deps.logger.info(
        { plan: plan.id, request: request.kind, requester: actor.userId },
        `request refused before it existed: ${refusal}`,
      );
      return { kind: 'refused', message: refusal };
    }
    if (isDryRun(request)) return { kind: 'dry-run', plan };

    const requested = await this.deps.approvals.request(plan, actor.userId);
    if (!requested.ok) return { kind: 'refused', message: requested.message, plan };
    return { kind: 'requested', approval: requested.approval };
  }
}
