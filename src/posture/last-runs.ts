import type { Approval } from '../approvals/approval.js';
import type { ApprovalStore } from '../approvals/approval-store.js';
import type { AuditLog } from '../audit/audit-log.js';

/**
 * How far back the audit log is read for runs that have no last-run pointer (newest first): one
 * read, a few hundred entries. Only runs that succeeded before the pointers existed need it.
 */
export const RUN_AUDIT_WINDOW = 500;
/** Most run records the audit fallback fetches per report: the newest runs of a handful of runbooks are near the top. */
const MAX_RUNS_READ = 25;

/** A failover or restore run that succeeded, and the time it measured. */
export interface MeasuredRun {
  approvalId: string;
  kind: 'failover' | 'restore';
  runbook: string;
  /** Time to recovery when the run verified it, else the run's own elapsed time (its measured RTO). */
  measuredMs: number;
  /** What measuredMs counts: from the incident or request to verified recovery, or the run's steps only. */
  measure: 'time to recovery' | 'run time';
  finishedAt: number;
}

export interface RunSources {
  auditLog: Pick<AuditLog, 'newest'>;
  approvals: Pick<ApprovalStore, 'get' | 'lastRuns'>;
}

/**
 * The newest succeeded run per runbook (`failover:orders`): the run the approval store points to
 * as the runbook's last (written when the run succeeded, so found however old it is), else one
 * found from the `succeeded` entries within the audit log's newest RUN_AUDIT_WINDOW entries. That
 * fallback is only for runs that succeeded before the pointers existed; of the two, the later
 * finish wins. A pointer whose run record is gone counts as no run.
 */
export async function lastMeasuredRuns(sources: RunSources): Promise<Map<string, MeasuredRun>> {
  const [pointers, entries] = await Promise.all([sources.approvals.lastRuns(), sources.auditLog.newest({ limit: RUN_AUDIT_WINDOW })]);
  const pointed = new Set(pointers.map((p) => p.approvalId));
  const found = new Set<string>();
  for (const entry of entries) {
    if ('approvalId' in entry && entry.type === 'succeeded' && !pointed.has(entry.approvalId)) found.add(entry.approvalId);
  }
  const ids = [...pointed, ...[...found].slice(0, MAX_RUNS_READ)];
  const approvals = await Promise.all(ids.map((id) => sources.approvals.get(id)));
  const runs = new Map<string, MeasuredRun>();
  for (const approval of approvals) {
    const run = approval && measuredRun(approval);
    if (!run) continue;
    const key = runKey(run.kind, run.runbook);
    const known = runs.get(key);
    if (!known || run.finishedAt > known.finishedAt) runs.set(key, run);
  }
  return runs;
}

export function runKey(kind: 'failover' | 'restore', runbook: string): string {
  return `${kind}:${runbook}`;
}

function measuredRun(approval: Approval): MeasuredRun | null {
  const request = approval.plan.request;
  if ((request.kind !== 'failover' && request.kind !== 'restore') || request.dryRun || approval.state !== 'succeeded') return null;
  const detail = approval.run?.detail ?? {};
  const ttr = finite(detail.timeToRecoveryMs);
  const elapsed = finite(detail.elapsedMs);
  const measuredMs = ttr ?? elapsed;
  if (measuredMs === undefined) return null;
  return {
    approvalId: approval.id,
    kind: request.kind,
    runbook: request.runbook,
    measuredMs,
    measure: ttr !== undefined ? 'time to recovery' : 'run time',
    finishedAt: approval.run?.finishedAt ?? approval.updatedAt,
  };
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
