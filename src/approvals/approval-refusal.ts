import type { Plan } from '../core/plan.js';
import type { ApproveRefusalReason, RejectRefusalReason, ReleaseRefusalReason, RequestRefusalReason } from './approval-rules.js';
import { approvalsMissing, type Approval, type ApprovalState } from './approval.js';

/** Every reason the engine refuses something; stable codes the Slack side can branch on. */
export type RefusalReason =
  | ApproveRefusalReason
  | RejectRefusalReason
  | RequestRefusalReason
  | ReleaseRefusalReason
  | 'not-found'
  | 'resource-locked';

/**
 * A refusal: nothing changed. `message` is a plain sentence safe to show the user who clicked
 * (no internals); `approval` is the request as it stands, `blocking` the request in the way.
 */
export interface ApprovalRefusal {
  ok: false;
  reason: RefusalReason;
  message: string;
  approval?: Approval;
  blocking?: Approval;
  /** The locked resource, for `resource-locked`. */
  resource?: string;
  /** The drill run holding `resource`, for `resource-locked` (instead of `blocking`). */
  drill?: BlockingDrill;
}

/** A restore drill run holding a resource; `name` is the drill's, when its record could be read. */
export interface BlockingDrill {
  runId: string;
  name?: string;
}

/** "failover", "restore", "status-page update", "resume", "DNS revert": what the plan does, for sentences. */
export function actionNoun(plan: Pick<Plan, 'request'>): string {
  switch (plan.request.kind) {
    case 'failover':
      return 'failover';
    case 'restore':
      return 'restore';
    case 'statuspage':
      return 'status-page update';
    case 'resume':
      return 'resume';
    case 'revert-dns':
      return 'DNS revert';
    case 'drill':
      return 'Multi-AZ failover drill';
  }
}

function plural(count: number, word: string): string {
  return `${count} more ${word}${count === 1 ? '' : 's'}`;
}

/** Why a request that is not pending cannot be approved or rejected, per state. */
function notPendingMessage(noun: string, state: ApprovalState): string {
  switch (state) {
    case 'approved':
    case 'running':
      return `This ${noun} is already approved and running.`;
    case 'succeeded':
      return `This ${noun} already ran and succeeded.`;
    case 'failed':
      return `This ${noun} already ran and failed; request a new one if it is still needed.`;
    case 'interrupted':
      return `This ${noun} was interrupted; request a new one if it is still needed.`;
    case 'rejected':
      return `This ${noun} request was rejected; nothing will run.`;
    case 'expired':
      return `This ${noun} request expired; nothing ran. Request it again if it is still needed.`;
    case 'pending':
      return `This ${noun} request is still waiting for approval.`;
  }
}

/** What the request in the way is doing, for a lock refusal. */
function blockingState(state: ApprovalState): string {
  return state === 'pending' ? 'waiting for approval' : state === 'approved' ? 'about to run' : 'running';
}

/** Why a request that is not interrupted has no locks to release by hand, per state. */
function notInterruptedMessage(noun: string, state: ApprovalState): string {
  switch (state) {
    case 'pending':
      return `This ${noun} request is waiting for approval, not interrupted: reject it to free its resources.`;
    case 'approved':
    case 'running':
      return `This ${noun} is still running, not interrupted: its locks are freed when it ends.`;
    default:
      return `This ${noun} already ended (${state}), so it holds no locks.`;
  }
}

/** The lock refusal: what holds the resource, and what the requester can do about it. */
function lockedMessage(blocking: Approval | undefined, resource = 'the same resources', drill?: BlockingDrill): string {
  if (drill) {
    const which = `drill run ${drill.runId}${drill.name !== undefined ? ` (drill ${drill.name})` : ''}`;
    return `${resource} is held by ${which}, which is restoring a temporary copy of it; try again when it ends.`;
  }
  if (!blocking) return `Another request already uses ${resource}; wait for it to finish first.`;
  const which = `${blocking.id} (${blocking.plan.title})`;
  if (blocking.state === 'interrupted') {
    return (
      `${which} was interrupted and still holds ${resource}: AWS may still be working on it. ` +
      'Check the state in AWS, then release its locks (Release locks on its message) before requesting again.'
    );
  }
  return `${which} already uses ${resource} and is ${blockingState(blocking.state)}; wait for it to finish or reject it first.`;
}

/** Builds the refusal for a reason, with its plain message. */
export function refusal(
  reason: RefusalReason,
  context: { approval?: Approval; plan?: Plan; id?: string; blocking?: Approval; resource?: string; drill?: BlockingDrill },
): ApprovalRefusal {
  const plan = context.approval?.plan ?? context.plan;
  const noun = plan ? actionNoun(plan) : 'request';
  const result: ApprovalRefusal = { ok: false, reason, message: refusalMessage(reason, noun, context) };
  if (context.approval) result.approval = context.approval;
  if (context.blocking) result.blocking = context.blocking;
  if (context.resource !== undefined) result.resource = context.resource;
  if (context.drill) result.drill = context.drill;
  return result;
}

function refusalMessage(
  reason: RefusalReason,
  noun: string,
  context: { approval?: Approval; plan?: Plan; id?: string; blocking?: Approval; resource?: string; drill?: BlockingDrill },
): string {
  const { approval, blocking } = context;
  const plan = approval?.plan ?? context.plan;
  switch (reason) {
    case 'not-found':
      return `There is no approval request${context.id ? ` ${context.id}` : ''}; check the list of pending approvals.`;
    case 'own-request':
      return `You requested this ${noun}, so someone else must approve it.`;
    case 'not-an-approver':
      return `Only approvers can approve this ${noun}; ask one of them.`;
    case 'not-allowed-to-reject':
      return `Only approvers or the person who requested this ${noun} can reject it.`;
    case 'expired':
      return `This ${noun} request expired; nothing ran. Request it again if it is still needed.`;
    case 'not-pending':
      return approval ? notPendingMessage(noun, approval.state) : `This ${noun} request is no longer pending.`;
    case 'already-approved': {
      const missing = approval ? approvalsMissing(approval) : 0;
      return missing > 0
        ? `You already approved this ${noun}; it needs ${plural(missing, 'approval')} from someone else.`
        : `You already approved this ${noun}.`;
    }
    case 'confirmation-required':
      return `This ${noun} is destructive: type ${plan?.subject ?? 'the runbook name'} to confirm your approval.`;
    case 'confirmation-mismatch':
      return `The confirmation did not match: type ${plan?.subject ?? 'the runbook name'} exactly to approve this ${noun}.`;
    case 'resource-locked':
      return lockedMessage(blocking, context.resource, context.drill);
    case 'not-allowed-to-release':
      return `You are not allowed to release the locks of this ${noun}; ask an approver.`;
    case 'not-interrupted':
      return approval
        ? notInterruptedMessage(noun, approval.state)
        : `This ${noun} was not interrupted, so it has no locks to release by hand.`;
    case 'already-released':
      return `The locks of this ${noun} were already released; new requests can use its resources.`;
    case 'dry-run':
      return `This is a dry run: the plan is shown, but nothing is submitted for approval.`;
    case 'preflight-failed': {
      const failing = (plan?.preflight ?? []).filter((check) => !check.ok);
      const what = failing.map((check) => `${check.name}: ${check.observed} (needs ${check.requirement})`).join('; ');
      return `Pre-flight checks failed, so this ${noun} was not submitted for approval: ${what}.`;
    }
    case 'no-resources':
      return `This ${noun} plan names no resources to lock, so it cannot be submitted safely.`;
  }
}
