import { describe, expect, it } from 'vitest';
import { drillsList } from '../../../src/bot/blocks/drills-list.js';
import { NextScheduledRun } from '../../../src/drills/next-scheduled-run.js';

/* When a scheduled drill fires next, as /dr drills shows it: node-cron's reading, in UTC. */
describe('NextScheduledRun', () => {
  it('gives the next Monday 03:00 UTC for "0 3 * * 1", within a week, and nothing for an on-demand drill', () => {
    const before = Date.now();
    const next = new NextScheduledRun([{ name: 'weekly', schedule: '0 3 * * 1' }]);
    const at = next.of('weekly');
    expect(at).toBeDefined();
    const when = new Date(at ?? 0);
    expect([when.getUTCDay(), when.getUTCHours(), when.getUTCMinutes(), when.getUTCSeconds()]).toEqual([1, 3, 0, 0]);
    expect(at).toBeGreaterThan(before);
    expect((at ?? 0) - before).toBeLessThanOrEqual(7 * 24 * 3_600_000);
    expect(next.of('on-demand')).toBeUndefined();
  });

  it('is shown beside the schedule in /dr drills', () => {
    const nextRunAt = Date.UTC(2026, 11, 14, 3);
    const list = drillsList([{ name: 'orders-restore', runbook: 'orders', schedule: '0 3 * * 1', nextRunAt }]);
    expect(JSON.stringify(list.blocks)).toContain('schedule `0 3 * * 1` (next 2026-12-14 03:00:00 UTC)');
  });
});
