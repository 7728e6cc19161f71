import { describe, expect, it } from 'vitest';
import type { PagerDutyConfig } from '../../../src/config/types.js';
import type { Incident, IncidentEvent } from '../../../src/core/incident.js';
import type { Severity } from '../../../src/core/severity.js';
import { decidePaging, type PagingDecision } from '../../../src/paging/decide-paging.js';

const T0 = Date.parse('2026-11-21T12:00:00Z');
const policy: PagerDutyConfig = { pageAt: 'SEV2', escalateUnackedAfterMs: 15 * 60_000 };

function change(severity: Severity, type: IncidentEvent['type'] | null, state: Incident['state'] = 'open', actor?: string) {
  const incident: Incident = {
    id: 'INC-1',
    checkId: 'api',
    severity,
    state,
    revision: 1,
    openedAt: T0,
    updatedAt: T0 + 60_000,
    summary: 'HTTP 503',
    measurement: { kind: 'http', status: 503, url: 'https://api.example.com/' },
    peakSeverity: severity,
  };
  const event: IncidentEvent | undefined = type
    ? {
        type,
        incidentId: 'INC-1',
        checkId: 'api',
        at: T0 + 60_000,
        severity,
        summary: 'HTTP 503',
        measurement: incident.measurement,
        ...(actor && { actor }),
      }
    : undefined;
  return event ? { incident, event } : { incident };
}

const escalateAt: PagingDecision = { kind: 'escalate-later', dueAt: T0 + 15 * 60_000, afterMs: 15 * 60_000 };

describe('decidePaging', () => {
  it.each<[string, ReturnType<typeof change>, PagingDecision]>([
    ['SEV1 opened: trigger', change('SEV1', 'opened'), { kind: 'trigger', reason: 'SEV1 is at or above pageAt (SEV2)' }],
    ['SEV2 opened (exactly pageAt): trigger', change('SEV2', 'opened'), { kind: 'trigger', reason: 'SEV2 is at or above pageAt (SEV2)' }],
    ['SEV3 escalated into SEV2: trigger', change('SEV2', 'escalated'), { kind: 'trigger', reason: 'SEV2 is at or above pageAt (SEV2)' }],
    ['SEV3 opened: escalation timer from when it opened', change('SEV3', 'opened'), escalateAt],
    ['SEV4 escalated to SEV3: timer kept', change('SEV3', 'escalated'), escalateAt],
    ['SEV2 de-escalated to SEV3: timer (skipped by the queue if already paged)', change('SEV3', 'deescalated'), escalateAt],
    ['SEV1 de-escalated to SEV2: nothing new', change('SEV2', 'deescalated'), { kind: 'none' }],
    ['SEV1 value moved: nothing new', change('SEV1', null), { kind: 'none' }],
    ['SEV3 acknowledged and its value moved: no timer', change('SEV3', null, 'acknowledged'), { kind: 'none' }],
    [
      'acknowledged by a person',
      change('SEV1', 'acknowledged', 'acknowledged', 'U0AAA'),
      { kind: 'acknowledge', reason: 'acknowledged in Slack by U0AAA', actor: 'U0AAA' },
    ],
    [
      'resolved by a person',
      change('SEV1', 'resolved', 'resolved', 'U0BBB'),
      { kind: 'resolve', reason: 'resolved in Slack by U0BBB', actor: 'U0BBB' },
    ],
    ['resolved by the monitor', change('SEV3', 'resolved', 'resolved'), { kind: 'resolve', reason: 'the check recovered' }],
    // PagerDuty's webhook reported it: PagerDuty already has it.
    ['acknowledged in PagerDuty', change('SEV1', 'acknowledged', 'acknowledged', 'pagerduty:Jane Doe'), { kind: 'none' }],
    ['resolved in PagerDuty', change('SEV1', 'resolved', 'resolved', 'pagerduty:automation'), { kind: 'none' }],
  ])('%s', (_name, input, expected) => {
    expect(decidePaging(input, policy)).toEqual(expected);
  });

  it('without escalateUnackedAfter, an incident below pageAt is never paged by itself', () => {
    expect(decidePaging(change('SEV3', 'opened'), { pageAt: 'SEV2' })).toEqual({ kind: 'none' });
  });
});
