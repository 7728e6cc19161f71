import type { Plan } from '../core/plan.js';

/**
 * A runbook's newest succeeded run, as the approval store points to it: written by finishRun in
 * the same atomic step that ends the run, so the DR posture finds a run however many audit entries
 * came after it (SPEC §10).
 */
export interface LastRun {
  kind: 'failover' | 'restore';
  runbook: string;
  /** The run's request, `APR-<n>`: its record holds what the run measured. */
  approvalId: string;
  /** When the run finished (epoch ms), as recorded on the run. */
  finishedAt: number;
}

/**
 * The runbook a succeeded run of `plan` becomes the last run of, or null: only failover and
 * restore runs that changed something count (a dry run changed nothing; a resume, DNS revert,
 * drill or status-page post is not a measured run of the runbook).
 */
export function lastRunSubject(plan: Pick<Plan, 'request'>): Pick<LastRun, 'kind' | 'runbook'> | null {
  const { request } = plan;
  if ((request.kind !== 'failover' && request.kind !== 'restore') || request.dryRun) return null;
  return { kind: request.kind, runbook: request.runbook };
}

/** `failover:orders`: one pointer per runbook (the Redis hash field; runbook names never hold the kind). */
export function lastRunField(subject: Pick<LastRun, 'kind' | 'runbook'>): string {
  return `${subject.kind}:${subject.runbook}`;
}

/**
 * Whether `candidate` replaces `current`: only a run that finished later does, so two replicas
 * finishing runs in either order leave the newer one (ties keep what is there).
 */
export function replacesLastRun(current: Pick<LastRun, 'finishedAt'> | undefined, candidate: Pick<LastRun, 'finishedAt'>): boolean {
  return current === undefined || candidate.finishedAt > current.finishedAt;
}
