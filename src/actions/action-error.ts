import { awsErrorHint, isThrottling, type AwsErrorInfo } from '../aws/aws-error.js';
import { AwsGatewayError } from '../aws/aws-gateway-error.js';
import { LifeboatError } from '../core/lifeboat-error.js';
import type { Plan } from '../core/plan.js';

/** Every way a DR action can be refused or fail, one code each. */
export const ACTION_ERROR_CODES = [
  /** The request names a runbook that is not in config. */
  'LIFEBOAT_UNKNOWN_RUNBOOK',
  /** The runbook's config cannot be planned (e.g. a targetCluster that is not an ARN of its region). */
  'LIFEBOAT_RUNBOOK_INCONSISTENT',
  /** The request itself is malformed (an unparsable time). */
  'LIFEBOAT_BAD_REQUEST',
  /** A status-page request for an incident that does not exist. */
  'LIFEBOAT_UNKNOWN_INCIDENT',
  /** A status-page request for a component the page does not have. */
  'LIFEBOAT_UNKNOWN_COMPONENT',
  /** One or more pre-flight checks do not hold. */
  'LIFEBOAT_PREFLIGHT_FAILED',
  /** Replica lag above the guard, or no recent measurement of it. */
  'LIFEBOAT_GUARD_FAILED',
  /** The failover target is not in a state that can be promoted or switched over. */
  'LIFEBOAT_TARGET_NOT_READY',
  /** The DNS record cannot be replaced as planned (changed since the plan, or a conflicting record). */
  'LIFEBOAT_DNS_CONFLICT',
  'LIFEBOAT_SNAPSHOT_NOT_FOUND',
  'LIFEBOAT_SNAPSHOT_NOT_AVAILABLE',
  'LIFEBOAT_SOURCE_NOT_FOUND',
  'LIFEBOAT_TIME_IN_FUTURE',
  'LIFEBOAT_TIME_BEFORE_EARLIEST',
  'LIFEBOAT_TIME_AFTER_LATEST',
  /** No automated backups: point-in-time restore is impossible. */
  'LIFEBOAT_NO_RESTORE_WINDOW',
  /** The identifier a restore would create is already taken. */
  'LIFEBOAT_IDENTIFIER_TAKEN',
  /** An AWS call failed; `hint` says what to do. */
  'LIFEBOAT_AWS_ERROR',
  /**
   * A mutating call got no answer (timeout, 5xx, reset) and describing the resource did not show
   * it took effect, or could not be done; it was not sent again.
   */
  'LIFEBOAT_AWS_OUTCOME_UNKNOWN',
  /** A wait did not reach its state in time. */
  'LIFEBOAT_WAIT_TIMEOUT',
  /** A wait saw a state it can never leave (`failed`, `incompatible-restore`, ...). */
  'LIFEBOAT_WAIT_FAILED',
  /** A verify step's checks did not all pass in one round within its `within`. */
  'LIFEBOAT_VERIFY_FAILED',
  /** The run journal (store) could not record a step; nothing further is attempted. */
  'LIFEBOAT_JOURNAL_FAILED',
  'LIFEBOAT_STATUSPAGE_FAILED',
  /**
   * A hook's token variable is set but empty, or this replica would send (or not send) a bearer
   * token other than the plan says: set LIFEBOAT_HOOK_<NAME>_TOKEN to the token, or unset it.
   */
  'LIFEBOAT_HOOK_TOKEN',
  /** A hook answered a status its runbook does not expect; the message names it and the start of the body. */
  'LIFEBOAT_HOOK_FAILED',
  /** A hook's request failed before it was sent (refused, no such host, TLS): the hook did not act; fix, then resume. */
  'LIFEBOAT_HOOK_NOT_DELIVERED',
  /**
   * A hook's request may have reached it but no answer came (deadline, connection reset): it may
   * or may not have acted, and it was not sent again; check by hand before resuming.
   */
  'LIFEBOAT_HOOK_OUTCOME_UNKNOWN',
  /** The plan holds a call the runner does not know: it was not built by these planners. */
  'LIFEBOAT_PLAN_INVALID',
  /** Lifeboat stopped (shutdown) while the run was in flight. */
  'LIFEBOAT_RUN_ABORTED',
  /** Found after a restart: the process died mid-run; reported, never resumed. */
  'LIFEBOAT_RUN_INTERRUPTED',
  /** `/dr resume` or `/dr revert-dns` names an approval request that does not exist. */
  'LIFEBOAT_UNKNOWN_RUN',
  /** The run to resume or revert is still pending or running, or never ran. */
  'LIFEBOAT_RUN_NOT_ENDED',
  /** Nothing is left to do: a succeeded run to resume, a run that changed no DNS to revert. */
  'LIFEBOAT_NOTHING_TO_DO',
] as const;
export type ActionErrorCode = (typeof ACTION_ERROR_CODES)[number];

/**
 * A refused or failed action. `message` is a plain sentence safe to show in Slack (no stack, no
 * raw AWS message, which may carry ARNs); `hint` is the actionable detail for the log.
 */
export class ActionError extends LifeboatError<ActionErrorCode> {
  constructor(
    code: ActionErrorCode,
    message: string,
    hint?: string,
    /** The plan, when one was built (a pre-flight refusal still shows what was checked). */
    readonly plan?: Plan,
  ) {
    super(code, message, { hint });
    this.name = 'ActionError';
  }
}

/** What to do about a failed AWS call, in one sentence for the operator. */
export function actionAdvice(info: AwsErrorInfo, code: string, action: string): string {
  switch (code) {
    case 'InvalidDBInstanceState':
      return 'the instance is not in a state that allows this (e.g. backing-up, modifying, or already promoted); check its status in the RDS console and request again once it is available';
    case 'InvalidDBClusterState':
      return 'the cluster is not in a state that allows this; check its status in the RDS console and request again once it is available';
    case 'InvalidGlobalClusterState':
      return 'the global database is busy (another switchover or failover, or a member not available); check it in the RDS console';
    case 'DBInstanceAlreadyExists':
    case 'DBClusterAlreadyExists':
      return 'an instance or cluster with that identifier already exists; request the restore again to get a new identifier';
    case 'InvalidChangeBatch':
      return 'Route 53 refused the record change (e.g. a conflicting record at that name); check the hosted zone';
    case 'PriorRequestNotComplete':
      return 'Route 53 is still applying an earlier change to this zone; request again in a minute';
    default:
      break;
  }
  // The monitor's hints say "retried on the next run"; an action is never retried behind the
  // operator's back, so these say what to do instead.
  if (isThrottling(info)) return `AWS is throttling ${action}; this call was not applied; request again in a minute`;
  if (code.endsWith('NotFound') || code.startsWith('NoSuch')) return 'check the identifiers and region in the runbook config';
  if (info.retryable) return `transient AWS failure on ${action}; nothing was retried; request again`;
  return awsErrorHint(info, action);
}

/** Turns any failure of an AWS call into an `ActionError` with the AWS code and what to do. */
export function awsActionError(err: unknown, what: string): ActionError {
  if (err instanceof ActionError) return err;
  if (err instanceof AwsGatewayError) {
    const hint = actionAdvice(err.info, err.code, err.action);
    return new ActionError('LIFEBOAT_AWS_ERROR', `${what} failed: AWS said ${err.code}; ${hint}.`, `${err.message}; ${hint}`);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ActionError('LIFEBOAT_AWS_ERROR', `${what} failed unexpectedly; see the Lifeboat log.`, message);
}
