import type { Incident } from '../core/incident.js';
import type { Plan } from '../core/plan.js';
import type { Logger } from '../observability/logger.js';
import type { RunOutcome, StepDetail } from './run-outcome.js';

/** Where the runner reads an incident's opening. */
export interface IncidentReader {
  getIncident(id: string): Promise<Incident | null>;
}

export type RecoveryFigures = Pick<RunOutcome, 'recoveredAt' | 'timeToRecoveryMs' | 'recoveryFrom' | 'verifiedBy'>;

/**
 * The time to recovery of a run whose steps all succeeded (issue 11, item 4; SPEC §6.14): from
 * the incident's opening when the request came from an incident that is still on record, else
 * from the request (the plan's creation, when the operator asked), to the moment the verify
 * step's last round passed. Empty without a verify step: recovery was not verified, so there is
 * no time to give.
 */
export async function timeToRecovery(
  plan: Plan,
  results: ReadonlyMap<string, StepDetail>,
  incidents: IncidentReader | undefined,
  log: Logger,
): Promise<RecoveryFigures> {
  const verify = plan.calls.find((c) => c.operation === 'Verify');
  const detail = verify && results.get(verify.id);
  if (!verify || typeof detail?.verifiedAt !== 'number') return {};
  const recoveredAt = detail.verifiedAt;
  const verifiedBy = verify.operation === 'Verify' ? verify.input.checks.map((c) => c.check) : [];
  // A resume finishes a recovery that began with the first request of its chain.
  const origin = plan.resumes?.origin;
  const incidentId = origin
    ? origin.incidentId
    : plan.request.kind === 'failover' || plan.request.kind === 'restore'
      ? plan.request.incidentId
      : undefined;
  let from: NonNullable<RunOutcome['recoveryFrom']> = { kind: 'request', at: origin?.requestedAt ?? plan.createdAt };
  if (incidentId !== undefined && incidents) {
    try {
      const incident = await incidents.getIncident(incidentId);
      if (incident) from = { kind: 'incident', incidentId, at: incident.openedAt };
      else log.warn({ incidentId }, 'the incident the request came from is gone; time to recovery counts from the request');
    } catch (err) {
      log.warn({ err, incidentId }, 'could not read the incident the request came from; time to recovery counts from the request');
    }
  }
  return { recoveredAt, timeToRecoveryMs: Math.max(0, recoveredAt - from.at), recoveryFrom: from, verifiedBy };
}
