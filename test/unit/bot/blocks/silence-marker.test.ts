import { describe, expect, it } from 'vitest';
import { incidentMessage } from '../../../../src/bot/blocks/incident-message.js';
import { incidentsList } from '../../../../src/bot/blocks/incidents-list.js';
import { silencesList } from '../../../../src/bot/blocks/silences-list.js';
import { statusReport } from '../../../../src/bot/blocks/status-report.js';
import { initialCheckState } from '../../../../src/core/check-state.js';
import type { Incident } from '../../../../src/core/incident.js';
import { inForceByCheck, type Silence } from '../../../../src/noise/silence.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const HOUR = 3_600_000;
const UNTIL = '<!date^1795266000^{date_short_pretty} {time}|2026-11-21 13:00 UTC>';

const incident = (id: string, checkId: string): Incident =>
  ({
    id,
    checkId,
    severity: 'SEV2',
    peakSeverity: 'SEV2',
    state: 'open',
    revision: 1,
    openedAt: NOW - 60_000,
    updatedAt: NOW - 60_000,
    summary: 'HTTP 503',
    measurement: { kind: 'http', url: 'x' },
  }) as Incident;

const command: Silence = {
  checkId: 'api',
  since: NOW,
  until: NOW + HOUR,
  by: 'U0AAA',
  reason: 'rebuild <replica> & co',
  source: 'command',
};
const window: Silence = { checkId: 'db', since: NOW - HOUR, until: NOW + HOUR, reason: 'DB upgrade', source: 'maintenance' };
const endedEarly: Silence = { ...window, checkId: 'web', endedAt: NOW - 60_000, endedBy: 'U0BBB' };
const silenced = inForceByCheck([command, window, endedEarly], NOW);

const COMMAND_MARKER = `:no_bell: Silenced until ${UNTIL} by <@U0AAA> (rebuild &lt;replica&gt; &amp; co)`;
const WINDOW_MARKER = `:no_bell: Silenced until ${UNTIL} by a maintenance window (DB upgrade)`;

const texts = (blocks: unknown[]) => blocks.map((b) => (b as { text?: { text: string } }).text?.text ?? '').join('\n');

describe('the silence marker', () => {
  it('is on the /dr incidents line of a muted check, with who or which window, why and until when; not on others', () => {
    const list = incidentsList([incident('INC-1', 'api'), incident('INC-2', 'db'), incident('INC-3', 'web')], [], silenced);
    expect(texts(list.blocks).split('\n').slice(1)).toEqual([
      `:large_orange_circle: *INC-1* SEV2 \`api\` — HTTP 503 · since <!date^1795262340^{date_short_pretty} {time}|2026-11-21 11:59 UTC> · not acknowledged · ${COMMAND_MARKER}`,
      `:large_orange_circle: *INC-2* SEV2 \`db\` — HTTP 503 · since <!date^1795262340^{date_short_pretty} {time}|2026-11-21 11:59 UTC> · not acknowledged · ${WINDOW_MARKER}`,
      ':large_orange_circle: *INC-3* SEV2 `web` — HTTP 503 · since <!date^1795262340^{date_short_pretty} {time}|2026-11-21 11:59 UTC> · not acknowledged',
    ]);
  });

  it('is on the /dr status incident and check lines of a muted check', () => {
    const checks = ['api', 'web'].map((id) => ({ id, type: 'http', state: initialCheckState(id) }));
    const report = texts(statusReport({ checks, openIncidents: [incident('INC-1', 'api')], approvals: [], silenced, nowMs: NOW }).blocks);
    expect(report).toContain(`:large_orange_circle: *INC-1* SEV2 \`api\` — HTTP 503 · open 1m · ${COMMAND_MARKER}`);
    expect(report).toContain(`:grey_question: \`api\` http — no result yet · ${COMMAND_MARKER}`);
    expect(report).toContain(':grey_question: `web` http — no result yet\n');
  });

  it('reads the same on the incident message as in the lists', () => {
    const message = incidentMessage({ incident: incident('INC-1', 'api'), links: { failover: [], restore: [] }, silence: command });
    expect(JSON.stringify(message.blocks)).toContain(
      JSON.stringify(`${COMMAND_MARKER}: nobody is paged and nothing new is posted until then`),
    );
  });

  it('/dr silences lists a window ended early apart, with who ended it and its configured end', () => {
    const list = silencesList([command, window, endedEarly], NOW);
    expect(list.text).toBe('Silences: 2 in force, 0 to come, 1 ended early');
    expect(texts(list.blocks).split('\n').at(-1)).toBe(
      `:bell: \`web\` maintenance window ended early <!date^1795262340^{date_short_pretty} {time}|2026-11-21 11:59 UTC> by <@U0BBB> (configured until ${UNTIL}): DB upgrade`,
    );
  });
});
