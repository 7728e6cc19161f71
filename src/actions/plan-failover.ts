import type { FailoverRequest } from '../core/action-request.js';
import type { FailoverRunbook } from '../config/types.js';
import type { Plan, PlannedCall, PreflightCheck } from '../core/plan.js';
import { ActionError } from './action-error.js';
import { evaluateAll } from './preflight.js';
import { dnsChecks, freezeDnsCheck, planDns } from './plan-dns.js';
import { losesData, planPromote, promoteChecks, promoteResources, promoteStepId, promoteTitle } from './plan-promote.js';
import { planVerify } from './plan-verify.js';
import { planHooks } from './plan-hooks.js';
import { DEFAULT_WAIT_TIMEOUTS, newPlanId, resourceKey, resultsOf, type PlanningContext, type WaitTimeouts } from './planning-context.js';

/** Oldest lag measurement the guard trusts by default, ms (10 minutes). */
export const DEFAULT_LAG_MAX_AGE_MS = 10 * 60_000;

/** Tuning for `planFailover`. */
export interface FailoverPlanOptions {
  /** Oldest lag measurement the guard accepts, ms. */
  lagMaxAgeMs?: number;
  timeouts?: Partial<WaitTimeouts>;
}

/** `arn:aws:rds:us-west-2:123456789012:cluster:orders-west` (any partition). */
const CLUSTER_ARN = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):\d{12}:cluster:([a-z][a-z0-9-]*)$/i;

/** Problems no live lookup can fix: the runbook must change. */
function consistencyProblems(name: string, runbook: FailoverRunbook): string[] {
  const problems: string[] = [];
  if (runbook.promote && 'globalCluster' in runbook.promote) {
    const match = CLUSTER_ARN.exec(runbook.promote.targetCluster);
    if (!match) {
      problems.push(
        `promote.targetCluster must be the secondary cluster's ARN (arn:aws:rds:<region>:<account>:cluster:<id>); Aurora needs the ARN to locate it in its region`,
      );
    } else if (match[1] !== runbook.region) {
      problems.push(`promote.targetCluster is in ${match[1]} but the runbook's region is ${runbook.region}; they must match`);
    }
  }
  return problems.map((p) => `runbook ${name}: ${p}`);
}

/**
 * Plans `/dr failover <runbook>`: the promotion (plan-promote.ts: RDS PromoteReadReplica or
 * PromoteReadReplicaDBCluster, Aurora SwitchoverGlobalCluster (or FailoverGlobalCluster with
 * AllowDataLoss only when the request says so) or FailoverDBCluster, each followed by a wait and,
 * with backupRetention, the promoted cluster's retention), if the runbook has one; then the DNS
 * change batch and its wait until INSYNC (plan-dns.ts). Pre-flight results carry live values. Throws
 * `ActionError` LIFEBOAT_RUNBOOK_INCONSISTENT when the runbook cannot be planned at all.
 */
export async function planFailover(
  request: FailoverRequest,
  runbook: FailoverRunbook,
  ctx: PlanningContext,
  options: FailoverPlanOptions = {},
): Promise<Plan> {
  const name = request.runbook;
  const problems = consistencyProblems(name, runbook);
  if (problems.length > 0) {
    throw new ActionError(
      'LIFEBOAT_RUNBOOK_INCONSISTENT',
      `${problems.join('; ')}. Fix the runbook in the Lifeboat config.`,
      problems.join('; '),
    );
  }
  const timeouts = { ...DEFAULT_WAIT_TIMEOUTS, ...options.timeouts };
  const id = newPlanId(ctx);
  const dataLoss = losesData(runbook, request.allowDataLoss);
  const promoteStep = promoteStepId(runbook.promote, dataLoss);
  const dns = runbook.dns ?? [];

  const checks: PreflightCheck[] = [];
  if (runbook.guard) {
    const maxAgeMs = options.lagMaxAgeMs ?? DEFAULT_LAG_MAX_AGE_MS;
    checks.push({
      kind: 'replica-lag',
      checkId: runbook.guard.lagCheck,
      maxLagMs: runbook.guard.maxLagMs,
      maxAgeMs,
      overridden: request.allowDataLoss,
      // Without promote the guard covers the whole plan: its first step is the cut-over.
      ...(promoteStep && { step: promoteStep }),
    });
  }
  checks.push(...promoteChecks(runbook, dataLoss));
  checks.push(...dnsChecks(dns));

  const outcomes = await evaluateAll(checks, ctx);
  const preflight = resultsOf(outcomes, freezeDnsCheck);
  const lagFacts = outcomes.find((o) => o.result.check?.kind === 'replica-lag');

  const calls: PlannedCall[] = [];
  const resources = [resourceKey.runbook('failover', name)];
  const warnings: string[] = [];
  const lastLag = lagFacts?.facts.lag?.lagSeconds;
  const lagText = lastLag !== undefined && lastLag !== null ? `last measured lag ${lastLag}s` : 'replica lag unknown';

  const promotion = planPromote(runbook, dataLoss, timeouts, outcomes, lagText);
  calls.push(...promotion.calls);
  warnings.push(...promotion.warnings);
  resources.push(...promoteResources(runbook.region, runbook.promote));

  const overridden = lagFacts?.facts.overridden;
  // An in-region Aurora writer move has no replica lag to guard: an Aurora Replica "Connects to the
  // same storage volume as the primary DB instance" (Aurora User Guide, DB clusters).
  const inRegion = runbook.promote !== undefined && 'failoverCluster' in runbook.promote;
  if (!runbook.guard && !inRegion) warnings.push(`No lag guard on runbook ${name}: the data-loss window is not checked before cut-over.`);
  else if (overridden)
    warnings.unshift(`Lag guard overridden by --allow-data-loss: ${overridden.failure}. Writes in that window may be lost.`);

  if (dns.length > 0) {
    const part = planDns(
      dns,
      outcomes.filter((o) => o.result.check?.kind === 'dns-record'),
      { comment: `Lifeboat failover ${name} (plan ${id})`, timeoutMs: timeouts.dnsMs },
    );
    calls.push(...part.calls);
    warnings.push(...part.warnings);
    resources.push(...part.resources);
  }
  await planHooks(runbook.hooks, ctx, { calls, preflight, warnings });
  calls.push(...planVerify(runbook.verify, ctx));

  return {
    id,
    request,
    title: promoteTitle(name, runbook, dataLoss),
    subject: name,
    calls,
    preflight,
    resources,
    // Every kind moves production's writer (a switchover too, if without data loss), and a DNS-only
    // runbook moves production's traffic: type to confirm.
    destructive: true,
    warnings,
    createdAt: ctx.clock.now(),
  };
}
