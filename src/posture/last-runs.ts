import type { Approval } from '../approvals/approval.js';
import type { AuditLog } from '../audit/audit-log.js';

/** How far back the audit log is read for runs (newest first): one read, a few hundred entries. */
export const RUN_AUDIT_WINDOW = 500;
/** Most run records fetched per report: the newest runs of a handful of runbooks are near the top. */
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
  approvals: { get(id: string): Promise<Approval | null> };
}

/**
 * The newest succeeded run per runbook (`failover:orders`), found from the audit log's
 * `succeeded` entries within its newest RUN_AUDIT_WINDOW entries; older runs are not looked for
 * (a runbook drilled since shows its drill instead).
 */
export async function lastMeasuredRuns(sources: RunSources): Promise<Map<string, MeasuredRun>> {
  const entries = await sources.auditLog.newest({ limit: RUN_AUDIT_WINDOW });
  const ids: string[] = [];
  for (const entry of entries) {
    if ('approvalId' in entry && entry.type === 'succeeded' && !ids.includes(entry.approvalId)) ids.push(entry.approvalId);
  }
  const approvals = await Promise.all(ids.slice(0, MAX_RUNS_READ).map((id) => sources.approvals.get(id)));
  const runs = new Map<string, MeasuredRun>();
  for (const approval of approvals) {
    const run = approval && measuredRun(approval);
    if (run && !runs.has(runKey(run.kind, run.runbook))) runs.set(runKey(run.kind, run.runbook), run);
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
