import { describe, expect, it } from 'vitest';
import type { AuditLogEntry } from '../../../src/audit/audit-log.js';
import { auditList } from '../../../src/bot/blocks/audit-list.js';
import { blockKitViolations } from '../../../src/bot/blocks/block-kit-violations.js';
import { parseCommand } from '../../../src/bot/parse-command.js';
import { declaredCheckId } from '../../../src/core/incident.js';

const context = { command: '/dr', failoverRunbooks: [], restoreRunbooks: [], nowMs: Date.parse('2026-11-21T12:00:00Z') };
const parse = (text: string) => parseCommand(text, context);

describe('/dr declare, timeline and audit: parsing', () => {
  it('reads a severity (any case) and the title as typed, quotes and Slack entities undone', () => {
    expect(parse('declare sev3 "Checkout &amp; payments slow"')).toEqual({
      ok: true,
      subcommand: 'declare',
      command: { kind: 'declare', severity: 'SEV3', title: 'Checkout & payments slow' },
    });
    expect(parse('timeline inc-7')).toEqual({ ok: true, subcommand: 'timeline', command: { kind: 'timeline', incidentId: 'INC-7' } });
    expect(parse('audit')).toEqual({ ok: true, subcommand: 'audit', command: { kind: 'audit', count: 20 } });
    expect(parse('audit 100')).toEqual({ ok: true, subcommand: 'audit', command: { kind: 'audit', count: 100 } });
  });

  it.each([
    ['declare', 'Give a severity and a title, e.g. `/dr declare SEV2 Checkout failing for EU customers`.'],
    ['declare SEV2', 'Give the incident a title after the severity, e.g. `/dr declare SEV2 Checkout failing for EU customers`.'],
    ['declare P1 Database down', '`P1` is not a severity: use one of SEV1, SEV2, SEV3, SEV4.'],
    ['declare SEV1 Database\ndown', 'The title must be one line: it is the incident headline.'],
    [`declare SEV1 ${'x'.repeat(151)}`, 'The title is 151 characters long; keep it to 150.'],
    ['declare SEV1 Data\u202Ebase down', 'That command contains invisible control characters; retype it without them.'],
    [
      'declare SEV1 Data\u{E0020}base down',
      'The title holds an invisible or formatting character, U+E0020, at character 5; readers of the incident could not see it. Retype the title without it.',
    ],
    ['timeline', 'Which incident? Give its id, e.g. `/dr timeline INC-42`.'],
    ['timeline INC-4 now', 'Unexpected `now` after the incident id.'],
    ['audit 0', '`0` is not a count of entries: give a whole number from 1 to 100.'],
    ['audit 5 more', 'Unexpected `more`: audit takes at most one number.'],
  ])('%j is refused: %s', (text, error) => {
    const outcome = parse(text);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error).toBe(error);
  });

  it('gives a declared incident a check id no configured check can have, readable in its channel name', () => {
    expect(declaredCheckId('Checkout failing for EU customers!')).toBe('declared:checkout-failing-for-eu-customers');
    expect(declaredCheckId('Zahlungen fallen aus — überall')).toBe('declared:zahlungen-fallen-aus-berall');
    expect(declaredCheckId('支払い障害')).toBe('declared:incident');
    expect(declaredCheckId(`a${' b'.repeat(60)}`).length).toBeLessThanOrEqual('declared:'.length + 40);
  });
});

describe('/dr audit: the list', () => {
  it('fits Block Kit at the largest count with the longest details, each shortened visibly', () => {
    const entries: AuditLogEntry[] = Array.from({ length: 100 }, (_, n) =>
      n % 2 === 0
        ? { id: `${n}-0`, type: 'incident-resolved', incidentId: `INC-${n}`, at: 0, actor: 'U0AAA', detail: `<&>${'x'.repeat(5_000)}` }
        : { id: `${n}-0`, type: 'step-done', approvalId: `APR-${n}`, at: 0, actor: 'replica-a', detail: 'y'.repeat(5_000) },
    );
    const message = auditList(entries);
    expect(blockKitViolations(message)).toEqual([]);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('&lt;&amp;&gt;');
    // Every one of the 100 is shown (details cut at 300 characters, marked with an ellipsis).
    expect(text.match(/`1970-01-01 00:00:00`/g)).toHaveLength(100);
    expect(text.match(/x…/g)).toHaveLength(50);
  });

  it('says when the log is empty', () => {
    expect(auditList([]).text).toBe('The audit log is empty.');
  });

  it('fits Block Kit with maintenance-window entries at the longest reason the config allows, naming the config as actor', () => {
    const reason = `<b>${'r'.repeat(497)}`; // maintenance[].reason: at most 500 characters
    const entries: AuditLogEntry[] = Array.from({ length: 100 }, (_, n) => ({
      id: `${n}-0`,
      type: n % 2 === 0 ? 'silenced' : 'unsilenced',
      checkId: `check-${n}`,
      at: 0,
      actor: 'config:maintenance',
      detail: n % 2 === 0 ? `until 2027-01-10T04:00:00.000Z: ${reason}` : 'maintenance window removed from the config',
    }));
    const message = auditList(entries);
    expect(blockKitViolations(message)).toEqual([]);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('*silenced* check-0 by config:maintenance — until 2027-01-10T04:00:00.000Z: &lt;b&gt;r');
    expect(text).toContain('*unsilenced* check-1 by config:maintenance — maintenance window removed from the config');
    expect(text).not.toContain('<b>');
  });
});
