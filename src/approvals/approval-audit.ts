/**
 * Every transition the audit log records (SPEC §6.7), plus `step-started` for interrupted-run
 * reports and `released` (a person freed an interrupted run's locks).
 */
export type AuditType =
  | 'requested'
  | 'approved'
  | 'rejected'
  | 'expired'
  | 'started'
  | 'step-started'
  | 'step-done'
  | 'succeeded'
  | 'failed'
  | 'interrupted'
  | 'released';

export const AUDIT_TYPES: readonly AuditType[] = [
  'requested',
  'approved',
  'rejected',
  'expired',
  'started',
  'step-started',
  'step-done',
  'succeeded',
  'failed',
  'interrupted',
  'released',
];

/** One append-only audit record. */
export interface ApprovalAuditEntry {
  /**
   * Position in the log, `<ms>-<seq>` (a Redis Stream id, or the memory twin's counter): entries
   * are ordered by it and `readAudit({ sinceId })` continues after it.
   */
  id: string;
  type: AuditType;
  approvalId: string;
  /** Epoch ms, from the injected clock of the process that made the transition. */
  at: number;
  /** Who: the user for requested/approved/rejected/released, the runner instance for run transitions; absent for expiry. */
  actor?: string;
  /** Plain words: the plan title, "1 of 2", the step, the outcome message, the rejection reason. */
  detail?: string;
}

/** What to read from the audit log: entries after `sinceId` (exclusive), oldest first. */
export interface AuditQuery {
  sinceId?: string;
  /** At most this many entries (1..1000). */
  limit: number;
}

/** The most entries one readAudit call returns. */
export const MAX_AUDIT_READ = 1_000;

// Detail texts both stores write. The Redis scripts build `approved` and `interrupted` details in
// Lua (they depend on state read inside the script); these functions are the memory twin's copy,
// and the shared contract suite checks both produce the same words.

/** "1 of 2": which approval this was. */
export function approvedDetail(count: number, required: number): string {
  return `${count} of ${required}`;
}

/** "dns-upsert: Point orders.db.example.com at the replica", with the note when there is one. */
export function stepDetail(stepId: string, description: string, note?: string): string {
  return `${stepId}: ${description}${note ? ` (${note})` : ''}`;
}

/** Where an abandoned run stopped, as far as the store knows. */
export function interruptedDetail(state: 'approved' | 'running', currentStepId: string | undefined, stepsDone: number): string {
  if (state === 'approved') return 'before the run started';
  if (currentStepId !== undefined) return `during step ${currentStepId}`;
  return `after ${stepsDone} completed steps`;
}

/** A run its own runner handed back (its process stopping): where it stopped, and why. */
export function handedBackDetail(where: string, reason: string): string {
  return `${where} (${reason})`;
}

/** The resources an interrupted run's release freed, in plan order. */
export function releasedDetail(resources: readonly string[]): string {
  return resources.join(', ');
}
