import { hookTokenVariable } from '../config/hook-step-schema.js';
import type { HookStep } from '../config/types.js';
import { formatDurationHms } from '../core/format-time.js';
import type { HookRequestCall, PlannedCall, PreflightCheck, PreflightResult } from '../core/plan.js';
import { evaluateAll } from './preflight.js';
import type { PlanningContext } from './planning-context.js';
import { resultsOf } from './planning-context.js';

/** The step id of a hook's request: `hook-scale-dr-api`. */
export function hookStepId(name: string): string {
  return `hook-${name}`;
}

/** The parts of a plan being built that hooks add to. */
export interface HookPlanParts {
  calls: PlannedCall[];
  preflight: PreflightResult[];
  warnings: string[];
}

/**
 * Adds a runbook's hooks to a plan, after its AWS steps: one `http Request` call per hook with the
 * exact request (method, URL, body, expected statuses, deadline, and the variable of its bearer
 * token, never the value), and a `hook-token` pre-flight check for each, frozen with whether the
 * token is sent so the run refuses on a replica whose environment differs.
 */
export async function planHooks(hooks: HookStep[] | undefined, ctx: PlanningContext, plan: HookPlanParts): Promise<void> {
  if (!hooks || hooks.length === 0) return;
  const checks: PreflightCheck[] = hooks.map((hook) => ({
    kind: 'hook-token',
    hook: hook.name,
    variable: hookTokenVariable(hook.name),
    step: hookStepId(hook.name),
  }));
  const outcomes = await evaluateAll(checks, ctx);
  plan.preflight.push(
    ...resultsOf(outcomes, (check, o) =>
      check.kind === 'hook-token' && o.facts.hookBearer !== undefined ? { ...check, bearer: o.facts.hookBearer } : check,
    ),
  );
  hooks.forEach((hook, index) => {
    plan.calls.push(hookCall(hook, outcomes[index]?.facts.hookBearer === true));
  });
  plan.warnings.push(
    `Hooks are sent once and never resent (they may not be idempotent): if one times out or its connection drops, whether it acted is unknown and must be checked by hand.`,
  );
}

function hookCall(hook: HookStep, bearer: boolean): HookRequestCall {
  const variable = hookTokenVariable(hook.name);
  const auth = bearer ? `Authorization: Bearer from ${variable}` : `no Authorization header (${variable} is not set)`;
  return {
    id: hookStepId(hook.name),
    service: 'http',
    operation: 'Request',
    input: {
      method: hook.method,
      url: hook.url,
      ...(hook.body !== undefined && { body: hook.body }),
      expectStatus: hook.expectStatus,
      timeoutMs: hook.timeoutMs,
      bearerTokenFrom: bearer ? variable : null,
    },
    description: `Call hook ${hook.name}: ${hook.method} ${hook.url}${hook.body !== undefined ? ' with the JSON body below' : ''}, ${auth}; expects HTTP ${hook.expectStatus.join(', ')} within ${formatDurationHms(hook.timeoutMs)}; sent once`,
  };
}
