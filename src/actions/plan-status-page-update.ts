import type { ComponentStatus, StatusPageRequest } from '../core/action-request.js';
import type { Config } from '../config/types.js';
import type { Incident } from '../core/incident.js';
import type { Plan, StatusPagePublishCall } from '../core/plan.js';
import type { Severity } from '../core/severity.js';
import { ActionError } from './action-error.js';
import { newPlanId, resourceKey, type PlanningContext } from './planning-context.js';
import { textToPublishProblem } from '../statuspage/validate-update.js';
import type { StatusPagePublication } from './status-page-publisher.js';

/** How bad a component looks for an incident of each severity while it is not resolved. */
const COMPONENT_STATUS_BY_SEVERITY: Record<Severity, ComponentStatus> = {
  SEV1: 'major_outage',
  SEV2: 'partial_outage',
  SEV3: 'degraded_performance',
  SEV4: 'operational',
};

/**
 * Plans `/dr statuspage <incident> <status> <message>`: one `statuspage` `publish` call whose input
 * is exactly what will be published. Components come from the request, else from the incident's
 * check (`component:`) at a status implied by the incident's severity (`operational` once resolved).
 * A message holding invisible or formatting characters, or longer than approvers can read whole,
 * is refused (LIFEBOAT_BAD_REQUEST) before a plan exists.
 */
export function planStatusPageUpdate(
  request: StatusPageRequest,
  incident: Incident,
  config: Pick<Config, 'checks' | 'statuspage'>,
  ctx: Pick<PlanningContext, 'clock' | 'newId'>,
): Plan<StatusPagePublishCall> {
  // Before anything else: a text hiding characters, or too long to show whole, never reaches approvers.
  const problem = textToPublishProblem(request.message);
  if (problem) throw new ActionError('LIFEBOAT_BAD_REQUEST', `${problem} Nothing was requested.`);
  const known = new Set([
    ...Object.keys(config.statuspage.components),
    ...config.checks.flatMap((c) => (c.component ? [c.component] : [])),
  ]);
  let components: Record<string, ComponentStatus>;
  if (request.components) {
    const unknown = Object.keys(request.components).filter((name) => !known.has(name));
    if (unknown.length > 0) {
      const list = known.size > 0 ? `known components: ${[...known].sort().join(', ')}` : 'no components are configured';
      throw new ActionError(
        'LIFEBOAT_UNKNOWN_COMPONENT',
        `Unknown status-page component ${unknown.map((u) => `"${u}"`).join(', ')} (${list}).`,
      );
    }
    components = { ...request.components };
  } else {
    const component = config.checks.find((c) => c.id === incident.checkId)?.component;
    const status = request.status === 'resolved' ? 'operational' : COMPONENT_STATUS_BY_SEVERITY[incident.severity];
    components = component ? { [component]: status } : {};
  }
  const names = Object.keys(components).sort();
  const publication: StatusPagePublication = {
    incidentId: incident.id,
    title: names.length > 0 ? `Service disruption: ${names.join(', ')}` : 'Service disruption',
    status: request.status,
    message: request.message,
    components,
  };
  const warnings: string[] = [];
  if (names.length === 0) warnings.push(`No status-page component is linked to ${incident.checkId}; only the incident text is published.`);
  if (request.status === 'resolved' && incident.state !== 'resolved') {
    warnings.push(`${incident.id} is still ${incident.state} in Lifeboat; this tells the public the problem is over.`);
  }
  const shown = names.map((n) => `${n} ${components[n]}`).join(', ');
  return {
    id: newPlanId(ctx),
    request,
    title: `Status page: ${request.status} for ${incident.id}`,
    subject: incident.id,
    calls: [
      {
        id: 'publish',
        service: 'statuspage',
        operation: 'publish',
        input: { ...publication },
        description: `Publish "${request.status}" on the ${config.statuspage.provider} status page${shown ? ` (${shown})` : ''}: "${request.message}"`,
      },
    ],
    preflight: [
      {
        name: 'incident',
        ok: true,
        observed: `${incident.id} is ${incident.state} (${incident.severity}, ${incident.checkId})`,
        requirement: `${incident.id} exists`,
      },
    ],
    resources: [resourceKey.statusPageIncident(incident.id)],
    destructive: false,
    warnings,
    createdAt: ctx.clock.now(),
  };
}
