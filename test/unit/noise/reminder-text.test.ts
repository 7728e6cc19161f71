import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../src/core/incident.js';
import { pagerDutyActor } from '../../../src/core/pagerduty-actor.js';
import { reminderText, silenceEndedText } from '../../../src/noise/reminder-text.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';

const T0 = MANUAL_CLOCK_START;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SINCE = '<!date^1795262400^{date_short_pretty} {time}|2026-11-21 12:00 UTC>';
const ACKED_AT = '<!date^1795264200^{date_short_pretty} {time}|2026-11-21 12:30 UTC>';

function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'INC-7',
    checkId: 'api',
    severity: 'SEV2',
    state: 'open',
    revision: 1,
    openedAt: T0,
    updatedAt: T0,
    summary: 'HTTP 503 (expected 200)',
    measurement: { kind: 'http', status: 503, url: 'https://api.example.com/health' },
    peakSeverity: 'SEV2',
    ...overrides,
  } as Incident;
}

describe('reminderText', () => {
  it.each([
    [MINUTE, '1 min'],
    [45 * MINUTE, '45 min'],
    [2 * HOUR, '2 h'],
    [2 * HOUR + 30 * MINUTE, '2 h 30 min'],
    [(3 * 24 + 4) * HOUR + 59 * MINUTE, '3 d 4 h'],
  ])('an open incident %i ms old reads "still failing since …, %s" as SPEC §9 writes it', (age, elapsed) => {
    expect(reminderText(incident(), T0 + age)).toBe(
      `:alarm_clock: still failing since ${SINCE}, ${elapsed}; *SEV2*; HTTP 503 (expected 200)`,
    );
  });

  it('an acknowledged incident says who acknowledged it and when, before the measurement', () => {
    const acked = incident({ state: 'acknowledged', acknowledgedBy: 'U0AAA', acknowledgedAt: T0 + 30 * MINUTE });
    expect(reminderText(acked, T0 + 2 * HOUR)).toBe(
      `:alarm_clock: still failing since ${SINCE}, 2 h; *SEV2*; acknowledged ${ACKED_AT} by <@U0AAA>; HTTP 503 (expected 200)`,
    );
  });

  it('an incident acknowledged in PagerDuty names the PagerDuty user as text, never as markup', () => {
    const acked = incident({ state: 'acknowledged', acknowledgedBy: pagerDutyActor('Jane <Doe>'), acknowledgedAt: T0 + 30 * MINUTE });
    expect(reminderText(acked, T0 + HOUR)).toBe(
      `:alarm_clock: still failing since ${SINCE}, 1 h; *SEV2*; acknowledged ${ACKED_AT} in PagerDuty by Jane &lt;Doe&gt;; HTTP 503 (expected 200)`,
    );
  });

  it('an acknowledged incident stored without who or when still says it is acknowledged', () => {
    expect(reminderText(incident({ state: 'acknowledged' }), T0 + HOUR)).toBe(
      `:alarm_clock: still failing since ${SINCE}, 1 h; *SEV2*; acknowledged; HTTP 503 (expected 200)`,
    );
  });
});

describe('silenceEndedText', () => {
  it('quotes SPEC §9 the same way as a reminder', () => {
    expect(silenceEndedText(incident({ severity: 'SEV1' }), T0 + 10 * MINUTE)).toBe(
      `:loud_sound: No longer silenced and still failing since ${SINCE}, 10 min; *SEV1*; HTTP 503 (expected 200). Paged by policy now.`,
    );
  });
});
