import type { Approval, RunStepMark } from '../approvals/approval.js';
import type { PlannedCall } from '../core/plan.js';
import { ActionError } from './action-error.js';

/** Where resume and DNS revert read the run they act on: the approval store, through the engine. */
export interface RecordedRuns {
  get(id: string): Promise<Approval | null>;
}

/** A run as recorded: the steps done (with their facts) and the one left unsettled, if any. */
export interface RunRecord {
  approval: Approval;
  done: ReadonlyMap<string, RunStepMark>;
  /**
   * The step started and not recorded done: in flight when the run was interrupted, or the one
   * that failed. AWS may or may not have acted on it.
   */
  unsettled?: PlannedCall;
}

/** What the run's record says about its steps. */
export function runRecord(approval: Approval): RunRecord {
  const done = new Map((approval.run?.steps ?? []).map((s) => [s.stepId, s] as const));
  const error = approval.run?.detail?.error;
  const failedStep = typeof error === 'object' && error !== null && 'stepId' in error ? (error as { stepId?: unknown }).stepId : undefined;
  const unsettledId = approval.run?.currentStep?.stepId ?? (typeof failedStep === 'string' ? failedStep : undefined);
  const unsettled = unsettledId !== undefined && !done.has(unsettledId) ? approval.plan.calls.find((c) => c.id === unsettledId) : undefined;
  return { approval, done, ...(unsettled && { unsettled }) };
}

const NOT_ENDED: Partial<Record<Approval['state'], string>> = {
  pending: 'is still waiting for approval; approve or reject it instead',
  approved: 'is starting right now; wait for its outcome in its thread',
  running: 'is still running; wait for its outcome in its thread',
  rejected: 'was rejected and never ran; request it again instead',
  expired: 'expired and never ran; request it again instead',
};

/**
 * The request `/dr resume` or `/dr revert-dns` names, once it ended in a way that leaves work:
 * failed, interrupted (or, for a revert, succeeded). Throws ActionError naming what is wrong.
 */
export async function endedRun(runs: RecordedRuns | undefined, id: string, command: 'resume' | 'revert-dns'): Promise<Approval> {
  if (!runs) throw new ActionError('LIFEBOAT_UNKNOWN_RUN', `Lifeboat cannot read past runs here, so it cannot ${command} ${id}.`);
  const approval = await runs.get(id);
  if (!approval)
    throw new ActionError('LIFEBOAT_UNKNOWN_RUN', `There is no approval request ${id}; \`/dr approvals\` lists the pending ones.`);
  const why = NOT_ENDED[approval.state];
  if (why) throw new ActionError('LIFEBOAT_RUN_NOT_ENDED', `${id} ${why}.`);
  if (approval.plan.request.kind === 'statuspage') {
    throw new ActionError(
      'LIFEBOAT_BAD_REQUEST',
      `${id} is a status-page post, not a DR run; post again with \`/dr statuspage\` instead of ${command === 'resume' ? 'resuming' : 'reverting'} it.`,
    );
  }
  if (approval.plan.request.kind === 'drill') {
    throw new ActionError(
      'LIFEBOAT_BAD_REQUEST',
      `${id} is a Multi-AZ failover drill, which changes no DNS and is measured whole, so it is not ${command === 'resume' ? 'resumed' : 'reverted'}: once the database is available, run \`/dr drill ${approval.plan.request.drill}\` again.`,
    );
  }
  return approval;
}
