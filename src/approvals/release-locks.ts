import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import type { AuditType } from './approval-audit.js';
import { refusal, type ApprovalRefusal } from './approval-refusal.js';
import { checkRelease } from './approval-rules.js';
import type { ApprovalStore } from './approval-store.js';
import type { Approval } from './approval.js';

export type ReleaseResult = { ok: true; approval: Approval } | ApprovalRefusal;
/** The caller's rule for who may release an interrupted run's locks (approvers, operators). */
export type ReleasePermission = (userId: string) => boolean | Promise<boolean>;

/** What a release works with; `emit` is the engine's change announcement. */
export interface ReleaseDeps {
  store: ApprovalStore;
  clock: Clock;
  logger: Logger;
  emit(approval: Approval, transition: AuditType, at: number, actor: string): Promise<void>;
}

/**
 * Frees the resource locks an interrupted run kept, after a person checked AWS (SPEC §6.9: a
 * restore may still be running there). One person is enough, since releasing starts nothing;
 * who may is `isAllowed`. Refused unless the request is interrupted and not released yet.
 */
export async function releaseInterruptedLocks(
  deps: ReleaseDeps,
  id: string,
  userId: string,
  isAllowed: ReleasePermission,
): Promise<ReleaseResult> {
  const snapshot = await deps.store.get(id);
  if (!snapshot) return refusal('not-found', { id });
  if (!(await isAllowed(userId))) return refusal('not-allowed-to-release', { approval: snapshot });
  const refused = checkRelease(snapshot);
  if (refused) return refusal(refused, { approval: snapshot });

  const now = deps.clock.now();
  // The store re-checks atomically: two people pressing at once release once.
  const outcome = await deps.store.releaseLocks(id, { userId, at: now });
  if (!outcome.ok) {
    if (!outcome.approval) return refusal('not-found', { id });
    return refusal(checkRelease(outcome.approval) ?? 'already-released', { approval: outcome.approval });
  }
  deps.logger.warn(
    { approvalId: id, userId, resources: outcome.approval.plan.resources },
    `${userId} released the locks of interrupted run ${id}; new requests may use its resources`,
  );
  await deps.emit(outcome.approval, 'released', now, userId);
  return { ok: true, approval: outcome.approval };
}
