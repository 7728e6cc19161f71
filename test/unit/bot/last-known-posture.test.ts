import { describe, expect, it } from 'vitest';
import { statusReport } from '../../../src/bot/blocks/status-report.js';
import { LastKnownPosture } from '../../../src/bot/last-known-posture.js';

describe('LastKnownPosture', () => {
  it('keeps the whole list, so a stale /dr status counts what was really there ("…and N more")', () => {
    const checks = Array.from({ length: 2_000 }, (_, i) => ({ id: `check-${i}`, type: 'http', state: null }));
    const posture = new LastKnownPosture();
    posture.rememberStatus({ checks, openIncidents: [], approvals: [], silences: [] }, 1_000);
    const remembered = posture.status;
    expect(remembered?.readAtMs).toBe(1_000);
    const stale = JSON.stringify(
      statusReport({ ...(remembered?.data ?? { checks: [], openIncidents: [], approvals: [], silences: [] }), nowMs: 2_000 }),
    );
    const fresh = JSON.stringify(statusReport({ checks, openIncidents: [], approvals: [], nowMs: 2_000 }));
    expect(stale).toBe(fresh);
    // Far more than any cap on what is remembered would leave to count.
    expect(Number(/…and (\d+) more/.exec(fresh)?.[1])).toBeGreaterThan(1_500);
  });
});
