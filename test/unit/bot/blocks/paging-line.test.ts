import { describe, expect, it } from 'vitest';
import { pagingLine, slackTime } from '../../../../src/bot/blocks/paging-line.js';
import type { Incident } from '../../../../src/core/incident.js';
import type { PagingState } from '../../../../src/paging/paging-state.js';

const T0 = Date.parse('2026-11-21T12:04:00Z');
const time = (ms: number, text: string) => `<!date^${ms / 1000}^{time}|${text}>`;

const incident = (over: Partial<Incident> = {}): Incident => ({
  id: 'INC-4',
  checkId: 'api',
  severity: 'SEV1',
  peakSeverity: 'SEV1',
  state: 'open',
  revision: 1,
  openedAt: T0,
  updatedAt: T0,
  summary: 'HTTP 503',
  measurement: { kind: 'http', url: 'https://api.example.com/health', status: 503 },
  ...over,
});

const state = (over: Partial<PagingState>): PagingState => ({
  incidentId: 'INC-4',
  status: 'triggered',
  at: T0,
  reason: 'SEV1 is at or above pageAt (SEV2)',
  ...over,
});

describe('pagingLine', () => {
  it.each<[string, Partial<Incident>, PagingState | null, string | null]>([
    [
      'paged: the time PagerDuty accepted it and its severity',
      {},
      state({}),
      `:pager: Paged PagerDuty ${time(T0, '12:04 UTC')} (critical)`,
    ],
    [
      'paged by hand: who paged',
      { severity: 'SEV3', peakSeverity: 'SEV3' },
      state({ actor: 'U0AAA', reason: 'paged from Slack by U0AAA' }),
      `:pager: Paged PagerDuty ${time(T0, '12:04 UTC')} (warning) by <@U0AAA>`,
    ],
    [
      'paged, then de-escalated: the alert keeps the peak severity',
      { severity: 'SEV2', peakSeverity: 'SEV1' },
      state({}),
      `:pager: Paged PagerDuty ${time(T0, '12:04 UTC')} (critical)`,
    ],
    [
      'the trigger is waiting for delivery',
      { severity: 'SEV2', peakSeverity: 'SEV2' },
      state({ status: 'queued' }),
      ':pager: Paging PagerDuty (error)…',
    ],
    [
      'acknowledged',
      { state: 'acknowledged', acknowledgedBy: 'U0AAA' },
      state({ status: 'acknowledged', at: T0 + 60_000, actor: 'U0AAA' }),
      `:pager: PagerDuty acknowledged ${time(T0 + 60_000, '12:05 UTC')}`,
    ],
    [
      'resolved',
      { state: 'resolved', resolvedAt: T0 + 120_000 },
      state({ status: 'resolved', at: T0 + 120_000 }),
      `:pager: PagerDuty alert resolved ${time(T0 + 120_000, '12:06 UTC')}`,
    ],
    [
      'an escalation is armed',
      { severity: 'SEV3', peakSeverity: 'SEV3' },
      state({ status: 'scheduled', escalationDueAt: T0 + 26 * 60_000, reason: 'SEV3 is below pageAt (SEV2): …' }),
      `:pager: Will page at ${time(T0 + 26 * 60_000, '12:30 UTC')} if nobody acknowledges`,
    ],
    [
      'an armed escalation of an incident acknowledged meanwhile reads as not paged',
      { severity: 'SEV3', peakSeverity: 'SEV3', state: 'acknowledged' },
      state({ status: 'scheduled', escalationDueAt: T0 + 26 * 60_000 }),
      ':pager: Not paged (below SEV2)',
    ],
    ['below pageAt, nothing recorded', { severity: 'SEV3', peakSeverity: 'SEV3' }, null, ':pager: Not paged (below SEV2)'],
    [
      'below pageAt and resolved, nothing recorded',
      { severity: 'SEV4', peakSeverity: 'SEV4', state: 'resolved' },
      null,
      ':pager: Not paged (below SEV2)',
    ],
    ['at or above pageAt, nothing recorded yet: no line rather than a guess', {}, null, null],
    [
      'PagerDuty refuses the key',
      {},
      state({
        status: 'failed',
        reason: "PagerDuty refuses Lifeboat's routing key (HTTP 401), so nobody can be paged; the page is queued until it is fixed",
      }),
      ":warning: Paging failed: PagerDuty refuses Lifeboat's routing key (HTTP 401), so nobody can be paged; the page is queued until it is fixed",
    ],
    [
      'the trigger is being retried through an outage',
      {},
      state({ status: 'queued', retrying: { attempts: 3, lastError: 'PagerDuty answered HTTP 503', nextAttemptAt: T0 + 8_000 } }),
      `:warning: Paging failed: PagerDuty answered HTTP 503 — retrying at ${time(T0 + 8_000, '12:04 UTC')} (3 attempts so far)`,
    ],
    [
      'an acknowledge is being retried: the alert still stands, the update is failing',
      { state: 'acknowledged', acknowledgedBy: 'U0AAA' },
      state({ retrying: { attempts: 1, lastError: 'could not reach PagerDuty: ECONNRESET', nextAttemptAt: T0 + 61_000 } }),
      `:pager: Paged PagerDuty ${time(T0, '12:04 UTC')} (critical) · :warning: updating PagerDuty failed: could not reach PagerDuty: ECONNRESET — retrying at ${time(T0 + 61_000, '12:05 UTC')} (1 attempt so far)`,
    ],
  ])('%s', (_name, over, paging, expected) => {
    expect(pagingLine({ incident: incident(over), state: paging, pageAt: 'SEV2' })).toBe(expected);
  });

  it("escapes PagerDuty's words and cuts them to 300 characters, so they never become a mention or a wall of text", () => {
    const reason = `PagerDuty refused the trigger (HTTP 400: <!channel> & ${'x'.repeat(400)})`;
    const line = pagingLine({ incident: incident(), state: state({ status: 'failed', reason }), pageAt: 'SEV2' }) ?? '';
    expect(line).not.toContain('<!channel>');
    expect(line.startsWith(':warning: Paging failed: PagerDuty refused the trigger (HTTP 400: &lt;!channel&gt; &amp; xxx')).toBe(true);
    expect(line.endsWith('x…')).toBe(true);
    expect(line.length).toBe(':warning: Paging failed: '.length + 300 + '&lt;&gt;&amp;'.length - '<>&'.length);
  });

  it('never renders an actor that is not a user id as a mention', () => {
    const line = pagingLine({ incident: incident(), state: state({ actor: '<!here>' }), pageAt: 'SEV2' });
    expect(line).toBe(`:pager: Paged PagerDuty ${time(T0, '12:04 UTC')} (critical) by &lt;!here&gt;`);
  });
});

describe('slackTime', () => {
  it('shows the reader their own clock time, with UTC as the fallback', () => {
    expect(slackTime(Date.parse('2026-11-21T23:59:59.900Z'))).toBe('<!date^1795305599^{time}|23:59 UTC>');
  });
});
