import { describe, expect, it } from 'vitest';
import { statusReport } from '../../../../src/bot/blocks/status-report.js';
import { initialCheckState } from '../../../../src/core/check-state.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');

describe('statusReport', () => {
  it('lists failing checks first and counts what does not fit ("…and N more")', () => {
    const checks = Array.from({ length: 500 }, (_, i) => ({ id: `c${i}`, type: 'http', state: initialCheckState(`c${i}`) }));
    const failing = {
      ...initialCheckState('c49'),
      lastResult: {
        checkId: 'c49',
        startedAt: NOW - 30_000,
        durationMs: 5,
        ok: false,
        severity: 'SEV2' as const,
        summary: 'HTTP 503',
        measurement: { kind: 'http' as const, url: 'x' },
      },
    };
    checks[49] = { id: 'c49', type: 'http', state: failing };
    const report = statusReport({ checks, openIncidents: [], approvals: null, nowMs: NOW });
    const lines = (report.blocks[1] as { text: { text: string } }).text.text.split('\n');
    expect(lines[1]).toBe(':x: `c49` http — HTTP 503 · ran 30s ago');
    const checkTexts = report.blocks.slice(1, 4).map((b) => (b as { text: { text: string } }).text.text);
    const last = checkTexts.at(-1)!.split('\n').at(-1)!;
    const more = Number(/^…and (\d+) more$/.exec(last)?.[1]);
    const shown = checkTexts
      .join('\n')
      .split('\n')
      .filter((l) => /^:(x|grey_question):/.test(l)).length;
    expect(shown + more).toBe(500);
    expect((report.blocks.at(-1) as { text: { text: string } }).text.text).toBe('*Pending approvals*\ncould not be read right now');
  });
});
