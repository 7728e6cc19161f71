import type { CleanupStep } from './drill-cleanup.js';

/**
 * How a drill ended, the `outcome` label of lifeboat_drill_runs_total: `passed` (restored,
 * reachable, valid, within rto), `missed-rto` (all of that, but slower than rto), `invalid` (the
 * endpoint refused TCP or the webhook said not valid), `failed` (the restore itself did not
 * complete, or could not start), `interrupted` (the process running it died; the leader cleaned up
 * after it, drill-recovery.ts). A Multi-AZ failover drill is `passed`, `missed-rto` or `failed`
 * (not executed, the call refused, no recovery, or the verify checks not passing in time).
 */
export const DRILL_OUTCOMES = ['passed', 'missed-rto', 'invalid', 'failed', 'interrupted'] as const;
export type DrillResult = (typeof DRILL_OUTCOMES)[number];

/** Everything recorded about one drill run. Times are epoch ms. */
export interface DrillOutcome {
  drill: string;
  /** `DRL-<n>`; a Multi-AZ failover drill: the approval request it ran as, `APR-<n>`. */
  runId: string;
  /** The restore runbook; '' for a Multi-AZ failover drill (`kind`). */
  runbook: string;
  /** Absent: a restore drill. */
  kind?: 'multi-az-failover';
  region: string;
  source: string;
  /** The temporary instance or cluster. */
  target?: string;
  result: DrillResult;
  startedAt: number;
  finishedAt: number;
  /** Start to available; absent when the restore did not complete. */
  restoreMs?: number;
  /** Multi-AZ drill: the failover call to recovered (available, verify checks passing); absent when it did not recover. */
  failoverMs?: number;
  rtoMs?: number;
  endpoint?: string;
  /** Why it did not pass, in words. */
  reason?: string;
  /** What the cleanup did, per resource; a `refused` entry is a resource left alone because it was not provably the drill's. */
  cleanup: CleanupStep[];
  /** One paragraph for Slack and the audit log. */
  summary: string;
}

/** True when something the drill may have created was not deleted (refused or failed). */
export function leftBehind(outcome: Pick<DrillOutcome, 'cleanup'>): CleanupStep[] {
  return outcome.cleanup.filter((s) => s.result === 'refused' || s.result === 'failed');
}
