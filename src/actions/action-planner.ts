import { isDryRun, type ActionRequest } from '../core/action-request.js';
import { closestMatch } from '../config/closest-match.js';
import type { Config } from '../config/types.js';
import type { Incident } from '../core/incident.js';
import { preflightFailures, type Plan } from '../core/plan.js';
import { ActionError } from './action-error.js';
import { DEFAULT_LAG_MAX_AGE_MS, planFailover } from './plan-failover.js';
import { planRestore } from './plan-restore.js';
import { planStatusPageUpdate } from './plan-status-page-update.js';
import { planResume } from './plan-resume.js';
import { planRevertDns } from './plan-revert-dns.js';
import { planMultiAzDrill } from './plan-multi-az-drill.js';
import type { PlanningContext, WaitTimeouts } from './planning-context.js';
import { endedRun, type RecordedRuns } from './recorded-run.js';
import { requestResources } from './request-resources.js';

/** Lag readings older than this many check intervals are not trusted by the guard. */
const LAG_MAX_AGE_INTERVALS = 3;

/** Dependencies of the planner: live state, the config's runbooks, and incidents for status-page posts. */
export interface ActionPlannerDeps extends PlanningContext {
  config: Pick<Config, 'runbooks' | 'checks' | 'statuspage' | 'drills'>;
  incidents: { getIncident(id: string): Promise<Incident | null> };
  timeouts?: Partial<WaitTimeouts>;
  /** Past runs, for `/dr resume` and `/dr revert-dns` (the approval engine). */
  runs?: RecordedRuns;
}

function unknownDrill(name: string, drills: Config['drills']): ActionError {
  const known = Object.entries(drills ?? {}).flatMap(([n, d]) => ('multiAzFailover' in d ? [n] : []));
  const guess = closestMatch(name, known);
  const list = known.length > 0 ? `Multi-AZ failover drills: ${known.join(', ')}` : 'no Multi-AZ failover drills are configured';
  return new ActionError(
    'LIFEBOAT_UNKNOWN_RUNBOOK',
    `There is no Multi-AZ failover drill named "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}; ${list}.`,
  );
}

function unknownRunbook(kind: 'failover' | 'restore', name: string, known: string[]): ActionError {
  const guess = closestMatch(name, known);
  const list = known.length > 0 ? `known ${kind} runbooks: ${known.join(', ')}` : `no ${kind} runbooks are configured`;
  return new ActionError(
    'LIFEBOAT_UNKNOWN_RUNBOOK',
    `There is no ${kind} runbook named "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}; ${list}.`,
  );
}

/** "Failover orders refused: replica lag (orders-lag): lag 412s, measured 40s ago (needs lag <= 5m, ...)." */
export function preflightRefusal(plan: Plan): string {
  const failures = preflightFailures(plan)
    .map((f) => `${f.name}: ${f.observed} (needs ${f.requirement})`)
    .join('; ');
  return `${plan.title} refused: ${failures}. Nothing was changed.`;
}

/**
 * Turns a parsed request into a plan. Bad input (unknown runbook or incident, inconsistent runbook,
 * unparsable time) throws an `ActionError` before anything exists. A plan whose pre-flight fails
 * is returned for `--dry-run` (so the operator sees why) and otherwise refused with
 * LIFEBOAT_PREFLIGHT_FAILED, the plan attached.
 */
export class ActionPlanner {
  constructor(private readonly deps: ActionPlannerDeps) {}

  /** The resources `request` would lock, known without AWS (see requestResources). */
  resourcesOf(request: ActionRequest): string[] {
    return requestResources(this.deps.config, request);
  }

  async plan(request: ActionRequest): Promise<Plan> {
    const plan = await this.build(request);
    if (!isDryRun(request) && preflightFailures(plan).length > 0) {
      const codes = [...new Set(preflightFailures(plan).map((f) => f.code ?? 'unknown'))].join(', ');
      throw new ActionError('LIFEBOAT_PREFLIGHT_FAILED', preflightRefusal(plan), `pre-flight failed (${codes}) for plan ${plan.id}`, plan);
    }
    return plan;
  }

  private async build(request: ActionRequest): Promise<Plan> {
    const { config, timeouts } = this.deps;
    switch (request.kind) {
      case 'failover': {
        const runbook = Object.hasOwn(config.runbooks.failover, request.runbook) ? config.runbooks.failover[request.runbook] : undefined;
        if (!runbook) throw unknownRunbook('failover', request.runbook, Object.keys(config.runbooks.failover));
        const lagCheck = runbook.guard && config.checks.find((c) => c.id === runbook.guard?.lagCheck);
        const everyMs = lagCheck?.everyMs;
        const lagMaxAgeMs =
          everyMs !== undefined ? Math.max(DEFAULT_LAG_MAX_AGE_MS, LAG_MAX_AGE_INTERVALS * everyMs) : DEFAULT_LAG_MAX_AGE_MS;
        return planFailover(request, runbook, this.deps, { lagMaxAgeMs, ...(timeouts && { timeouts }) });
      }
      case 'restore': {
        const runbook = Object.hasOwn(config.runbooks.restore, request.runbook) ? config.runbooks.restore[request.runbook] : undefined;
        if (!runbook) throw unknownRunbook('restore', request.runbook, Object.keys(config.runbooks.restore));
        return planRestore(request, runbook, this.deps, timeouts ? { timeouts } : {});
      }
      case 'statuspage': {
        const incident = await this.deps.incidents.getIncident(request.incidentId);
        if (!incident) {
          throw new ActionError('LIFEBOAT_UNKNOWN_INCIDENT', `There is no incident ${request.incidentId}; /dr incidents lists them.`);
        }
        return planStatusPageUpdate(request, incident, config, this.deps);
      }
      case 'resume':
        return planResume(request, await endedRun(this.deps.runs, request.approvalId, 'resume'), this.deps);
      case 'revert-dns': {
        const original = await endedRun(this.deps.runs, request.approvalId, 'revert-dns');
        return planRevertDns(request, original, this.deps, timeouts ? { timeouts } : {});
      }
      case 'drill': {
        const drill = Object.hasOwn(config.drills ?? {}, request.drill) ? config.drills?.[request.drill] : undefined;
        if (!drill || !('multiAzFailover' in drill)) throw unknownDrill(request.drill, config.drills);
        return planMultiAzDrill(request, drill, this.deps, timeouts ? { timeouts } : {});
      }
    }
  }
}
