import { randomUUID } from 'node:crypto';
import type { CheckConfig } from '../config/types.js';
import type { PreflightCheck, PreflightResult } from '../core/plan.js';
import type { PreflightContext, PreflightOutcome } from './preflight-context.js';

/** What planners read: the pre-flight context plus how plan ids are made. */
export interface PlanningContext extends PreflightContext {
  /** New plan ids; random UUIDs unless a test fixes them. */
  newId?: () => string;
  /** The configured checks, for what a verify step's checks mean (plan-verify.ts). */
  checks?: readonly CheckConfig[];
}

/** The plan id for a new plan. */
export function newPlanId(ctx: Pick<PlanningContext, 'newId'>): string {
  return ctx.newId ? ctx.newId() : randomUUID();
}

/** Longest a polling step waits before the run fails, ms. */
export interface WaitTimeouts {
  /** PromoteReadReplica until the instance is standalone and available (default 60 min). */
  promoteMs: number;
  /** Global switchover/failover until the target is the writer (default 60 min). */
  globalClusterMs: number;
  /** FailoverDBCluster until the target instance is the writer (default 15 min; Aurora fails over in about a minute). */
  clusterFailoverMs: number;
  /** ModifyDBCluster of a promoted cluster's backup retention until it reads back (default 15 min). */
  retentionMs: number;
  /** Route 53 change until INSYNC (default 15 min; changes usually propagate within a minute). */
  dnsMs: number;
  /** Restored instance or cluster until available (default 6 h: large restores take hours). */
  restoreMs: number;
  /** RebootDBInstance with ForceFailover until the instance is available in its other zone (default 30 min; RDS says 60-120 s). */
  multiAzFailoverMs: number;
}

export const DEFAULT_WAIT_TIMEOUTS: WaitTimeouts = {
  promoteMs: 60 * 60_000, // 60 minutes
  globalClusterMs: 60 * 60_000, // 60 minutes
  clusterFailoverMs: 15 * 60_000, // 15 minutes
  retentionMs: 15 * 60_000, // 15 minutes
  dnsMs: 15 * 60_000, // 15 minutes
  restoreMs: 6 * 60 * 60_000, // 6 hours
  multiAzFailoverMs: 30 * 60_000, // 30 minutes
};

/** Resource keys for the one-run-per-resource lock; stable strings any planner derives the same way. */
export const resourceKey = {
  runbook: (kind: 'failover' | 'restore', name: string) => `runbook:${kind}:${name}`,
  drill: (name: string) => `drill:${name}`,
  instance: (region: string, id: string) => `rds:${region}:instance:${id.toLowerCase()}`,
  cluster: (region: string, id: string) => `rds:${region}:cluster:${id.toLowerCase()}`,
  globalCluster: (id: string) => `rds:global-cluster:${id.toLowerCase()}`,
  /** One lock per record: a routing-policy record is its name plus its SetIdentifier. */
  dnsRecord: (hostedZoneId: string, normalizedName: string, setIdentifier?: string) =>
    `route53:${hostedZoneId}:${normalizedName}${setIdentifier !== undefined ? `:${setIdentifier}` : ''}`,
  statusPageIncident: (incidentId: string) => `statuspage:incident:${incidentId}`,
};

/** Each outcome's result; with `freeze`, a result's check may be replaced (e.g. to record what DNS held). */
export function resultsOf(
  outcomes: PreflightOutcome[],
  freeze?: (check: PreflightCheck, outcome: PreflightOutcome) => PreflightCheck,
): PreflightResult[] {
  return outcomes.map((o) => (freeze && o.result.check ? { ...o.result, check: freeze(o.result.check, o) } : o.result));
}
