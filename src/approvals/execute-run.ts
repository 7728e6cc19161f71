import type { Logger } from '../observability/logger.js';
import { ApprovalError, isRunLost } from './approval-error.js';
import type { Approval } from './approval.js';
import type { RunControl, StoreRunControl } from './run-control.js';

/** The runner: executes exactly `control.approval.plan`, reporting through `control`. */
export type ExecuteHandler = (approval: Approval, control: RunControl) => Promise<void>;

/**
 * Runs one claimed run on this replica: renews its lease every third of `runLeaseMs` while the
 * handler works, and makes sure the run ends in the store even when the handler throws or
 * returns without an outcome (recorded as failed, so the locks are released). A run taken away
 * (RUN_LOST) is left alone: the replica that marked it interrupted reports it.
 */
export async function executeRun(
  control: StoreRunControl,
  handler: ExecuteHandler | null,
  options: { runLeaseMs: number; logger: Logger },
): Promise<void> {
  const { approval } = control;
  const { logger } = options;
  await Promise.resolve(); // let approve() answer the click before the runner starts
  const heartbeat = setInterval(() => void control.heartbeat(), Math.max(1, Math.floor(options.runLeaseMs / 3)));
  heartbeat.unref();
  let failure: unknown = null;
  try {
    if (!handler) {
      throw new ApprovalError('LIFEBOAT_APPROVAL_NO_RUNNER', 'no runner is plugged into this approval engine (onExecute)', {
        approvalId: approval.id,
      });
    }
    logger.info({ approvalId: approval.id, plan: approval.plan.id }, `executing ${approval.id}: ${approval.plan.title}`);
    await handler(approval, control);
  } catch (err) {
    failure = err;
  } finally {
    clearInterval(heartbeat);
  }

  if (isRunLost(failure)) return;
  if (failure !== null) {
    logger.error({ approvalId: approval.id, err: failure }, `the runner for ${approval.id} failed with an unexpected error`);
  }
  if (control.isEnded) return;
  const message =
    failure === null
      ? 'The run ended without reporting an outcome, so it is recorded as failed; check what was done before retrying.'
      : `The run stopped on an unexpected error (see the Lifeboat logs for ${approval.id}); check what was done before retrying.`;
  try {
    await control.failed(message);
  } catch (err) {
    logger.error({ approvalId: approval.id, err }, `could not record ${approval.id} as failed`);
  }
}
