import { LifeboatError } from '../core/lifeboat-error.js';

/**
 * Coded approval errors: failures of the machinery, not refusals (refusals are returned, see
 * approval-refusal.ts).
 */
export type ApprovalErrorCode =
  /** The run was taken from this runner: its lease lapsed and another replica marked it interrupted. */
  | 'LIFEBOAT_APPROVAL_RUN_LOST'
  /** The runner reported out of order (a step before started(), anything after the end): a runner bug. */
  | 'LIFEBOAT_APPROVAL_RUN_MISUSE'
  /** A request was approved on a replica with no runner plugged in (onExecute). */
  | 'LIFEBOAT_APPROVAL_NO_RUNNER'
  /** The approval policy breaks the two-person rule. */
  | 'LIFEBOAT_APPROVAL_INVALID_POLICY'
  /**
   * The store failed while creating a request (e.g. the reply timed out): the request may exist
   * and hold its locks without anyone knowing. `planId` finds it (ApprovalEngine.findByPlan).
   */
  | 'LIFEBOAT_APPROVAL_REQUEST_UNCONFIRMED';

/**
 * An approval machinery failure with a code; `approvalId` names the request when one is involved,
 * `planId` the plan when the request's id is unknown.
 */
export class ApprovalError extends LifeboatError<ApprovalErrorCode> {
  override readonly name = 'ApprovalError';
  readonly approvalId?: string;
  readonly planId?: string;

  constructor(code: ApprovalErrorCode, message: string, options: { approvalId?: string; planId?: string; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause });
    if (options.approvalId !== undefined) this.approvalId = options.approvalId;
    if (options.planId !== undefined) this.planId = options.planId;
  }
}

/** True when `err` is the error a RunControl throws once its run was taken away. */
export function isRunLost(err: unknown): err is ApprovalError {
  return err instanceof ApprovalError && err.code === 'LIFEBOAT_APPROVAL_RUN_LOST';
}

/** True when `err` says a request may have been created without its creator hearing of it. */
export function isRequestUnconfirmed(err: unknown): err is ApprovalError & { planId: string } {
  return err instanceof ApprovalError && err.code === 'LIFEBOAT_APPROVAL_REQUEST_UNCONFIRMED' && err.planId !== undefined;
}
