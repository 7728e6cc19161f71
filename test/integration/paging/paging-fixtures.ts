import type { EventAction } from '../../../src/paging/events-api-event.js';
import type { OutboxEvent } from '../../../src/paging/outbox-event.js';
import type { PagingState, PagingStatus } from '../../../src/paging/paging-state.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';

export const T0 = MANUAL_CLOCK_START;

let sequence = 0;

/** A queued event for `incidentId`; ids are unique so two events never compare equal by accident. */
export function anOutboxEvent(incidentId: string, action: EventAction = 'trigger', overrides: Partial<OutboxEvent> = {}): OutboxEvent {
  sequence += 1;
  const event: OutboxEvent['event'] =
    action === 'trigger'
      ? {
          event_action: 'trigger',
          dedup_key: incidentId,
          client: 'Lifeboat',
          payload: {
            summary: `SEV2 ${incidentId} api: HTTP 503`,
            source: 'api.example.com',
            severity: 'error',
            timestamp: new Date(T0).toISOString(),
            custom_details: {},
          },
        }
      : { event_action: action, dedup_key: incidentId };
  return { id: `evt-${sequence}`, incidentId, action, event, queuedAt: T0, reason: `test ${action}`, ...overrides };
}

/** A paging state. */
export function aState(incidentId: string, status: PagingStatus, at = T0, overrides: Partial<PagingState> = {}): PagingState {
  return { incidentId, status, at, reason: `test ${status}`, ...overrides };
}
