import { initialCheckState, type CheckState } from '../../../src/core/check-state.js';
import type { Incident, IncidentEvent } from '../../../src/core/incident.js';
import { fail } from '../../doubles/results.js';
import { eventOf } from '../../../src/incidents/incident-change.js';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

/** An open SEV2 incident for check `api`, opened `minutesAfter` minutes after a fixed time. */
export function anIncident(id: string, minutesAfter = 0, overrides: Partial<Incident> = {}): Incident {
  const openedAt = T0 + minutesAfter * 60_000;
  return {
    id,
    checkId: 'api',
    severity: 'SEV2',
    state: 'open',
    revision: 1,
    openedAt,
    updatedAt: openedAt,
    summary: 'HTTP 503',
    measurement: { kind: 'http', status: 503, url: 'https://api.example.com/health' },
    peakSeverity: 'SEV2',
    ...overrides,
  };
}

/** The event matching an incident's current state, as the engine builds it. */
export function anEvent(incident: Incident, type: IncidentEvent['type'], at = incident.updatedAt): IncidentEvent {
  return eventOf(type, incident, at);
}

/** Check state with a failure streak (nested last result included) pointing at `openIncidentId`. */
export function aCheckState(checkId = 'api', openIncidentId: string | null = null): CheckState {
  return {
    ...initialCheckState(checkId),
    consecutiveFailures: 2,
    consecutiveMilder: 1,
    milderStreakWorst: 'SEV3',
    openIncidentId,
    lastResult: fail('SEV2', checkId, T0),
  };
}
