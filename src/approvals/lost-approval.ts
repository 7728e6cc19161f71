import type { Logger } from '../observability/logger.js';
import type { AuditType } from './approval-audit.js';
import type { ApprovalRefusal } from './approval-refusal.js';
import type { ApprovalStore } from './approval-store.js';
import type { Approval } from './approval.js';
import type { RunLauncher } from './run-launcher.js';

/** `executing`: this approval completed the request and this replica is starting the run. */
export type ApproveResult = { ok: true; approval: Approval; executing: boolean } | ApprovalRefusal;

/** What recovering a lost approve reply works with; `emit` and `refreshPendingGauge` are the engine's. */
export interface LostApprovalDeps {
  store: Pick<ApprovalStore, 'get'>;
  runs: Pick<RunLauncher, 'claim' | 'isOwnClaim' | 'start'>;
  logger: Logger;
  emit(approval: Approval, transition: AuditType, at: number, actor: string): Promise<void>;
  refreshPendingGauge(): Promise<void>;
}

/**
 * Starts a run this replica's click claimed but never heard back about (found by re-reading), and
 * announces the approval. Null when it has started, or was launched here already: a run is
 * launched at most once per replica whichever way its claim arrives (RunLauncher.claim).
 */
export async function resumeClaim(
  deps: LostApprovalDeps,
  approval: Approval,
  approverId: string,
  at: number,
  why: string,
): Promise<ApproveResult | null> {
  if (approval.state !== 'approved' || approval.run?.startedAt !== undefined || !deps.runs.claim(approval.id)) return null;
  deps.logger.warn(
    { approvalId: approval.id, approverId },
    `${why}, but the store had claimed ${approval.id} for this replica; starting it`,
  );
  await deps.emit(approval, 'approved', at, approverId);
  await deps.refreshPendingGauge();
  deps.runs.start(approval);
  return { ok: true, approval, executing: true };
}

/**
 * The store failed during an approve, e.g. its reply timed out although Redis ran the script.
 * Re-reads the request: a run this click claimed for this replica is started (once); a vote it
 * recorded is reported as recorded. Otherwise, or if the store is still down, `err` stands.
 */
export async function afterLostApproval(
  deps: LostApprovalDeps,
  id: string,
  approverId: string,
  at: number,
  err: unknown,
): Promise<ApproveResult> {
  let current: Approval | null;
  try {
    current = await deps.store.get(id);
  } catch {
    throw err;
  }
  if (current && deps.runs.isOwnClaim(current, approverId)) {
    const resumed = await resumeClaim(deps, current, approverId, at, 'the reply to the approve command was lost');
    return resumed ?? { ok: true, approval: current, executing: true };
  }
  if (current?.state === 'pending' && current.approvals.some((vote) => vote.userId === approverId)) {
    deps.logger.warn(
      { approvalId: id, approverId, err },
      `the reply to ${approverId}'s approval of ${id} was lost, but the store recorded it`,
    );
    await deps.emit(current, 'approved', at, approverId);
    return { ok: true, approval: current, executing: false };
  }
  throw err;
}
