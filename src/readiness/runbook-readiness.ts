import { ActionError } from '../actions/action-error.js';
import type { ActionPlanner } from '../actions/action-planner.js';
import type { ActionRequest } from '../core/action-request.js';
import { preflightFailures, type Plan, type PreflightResult } from '../core/plan.js';

export type RunbookKind = 'failover' | 'restore';

/**
 * One runbook's readiness: `ready`; `not-ready` with the check that would refuse a request now;
 * or `unknown` when live state could not be read (AWS throttling, a missing permission, an
 * outage): then nothing is known, so no incident opens or resolves on it.
 */
export type RunbookReadiness = { kind: RunbookKind; runbook: string } & (
  | { status: 'ready' }
  | { status: 'not-ready'; failing: string; reason: string }
  | { status: 'unknown'; reason: string }
);

/** The code pre-flight gives a check that could not read live state (preflight.ts evaluatePreflight). */
const COULD_NOT_CHECK = 'LIFEBOAT_AWS_ERROR';

/** What a not-ready verdict names as failing when the plan passed pre-flight but cannot be shown whole. */
export const PLAN_DISPLAY = 'plan display';

export interface EvaluateRunbookOptions {
  /** Told of an error that is not the planner's refusal; the verdict is then unknown. */
  onUnexpected?: (err: unknown) => void;
  /**
   * Why a plan cannot be shown whole where approvers read it, or null: the check a request runs
   * after planning (the bot's `planDisplayRefusal`), injected so readiness stays free of Slack code.
   */
  displayRefusal?: (plan: Plan) => string | null;
}

/**
 * The request readiness plans: what an operator would type with no options (`/dr failover
 * orders`, `/dr restore orders --latest`). Never executed: planning only reads.
 */
export function readinessRequest(kind: RunbookKind, runbook: string): ActionRequest {
  return kind === 'failover'
    ? { kind, runbook, dryRun: false, allowDataLoss: false }
    : { kind, runbook, dryRun: false, source: { type: 'latest' } };
}

function line(f: PreflightResult): string {
  return `${f.name}: ${f.observed} (needs ${f.requirement})`;
}

/**
 * Plans the runbook's default request through the same planner and pre-flight a real request
 * goes through; a LIFEBOAT_PREFLIGHT_FAILED refusal names its failing checks. A check that could
 * not read live state makes the verdict unknown, unless another check fails outright. A plan that
 * passed is then held to the display check, in the order a request meets them, so the reason is
 * the refusal the requester would read.
 */
export async function evaluateRunbook(
  planner: Pick<ActionPlanner, 'plan'>,
  kind: RunbookKind,
  runbook: string,
  options: EvaluateRunbookOptions = {},
): Promise<RunbookReadiness> {
  const base = { kind, runbook };
  try {
    const plan = await planner.plan(readinessRequest(kind, runbook));
    const refusal = options.displayRefusal?.(plan) ?? null;
    if (refusal !== null) return { ...base, status: 'not-ready', failing: PLAN_DISPLAY, reason: refusal };
    return { ...base, status: 'ready' };
  } catch (err) {
    if (err instanceof ActionError && err.code === 'LIFEBOAT_PREFLIGHT_FAILED' && err.plan) {
      const failures = preflightFailures(err.plan);
      const definite = failures.filter((f) => f.code !== COULD_NOT_CHECK);
      const first = definite[0];
      if (first) return { ...base, status: 'not-ready', failing: first.name, reason: definite.map(line).join('; ') };
      return { ...base, status: 'unknown', reason: failures.map((f) => `${f.name}: ${f.observed}`).join('; ') };
    }
    if (err instanceof ActionError && err.code === 'LIFEBOAT_RUNBOOK_INCONSISTENT') {
      return { ...base, status: 'not-ready', failing: 'runbook config', reason: err.message };
    }
    if (err instanceof ActionError) return { ...base, status: 'unknown', reason: err.message };
    // Not shown as is: an unexpected error's message may carry internals (ARNs, stack context).
    options.onUnexpected?.(err);
    return { ...base, status: 'unknown', reason: 'could not evaluate; see the Lifeboat log' };
  }
}
