import { describe, expect, it } from 'vitest';
import { DrillScheduler } from '../../../src/drills/drill-scheduler.js';
import { silentLogger } from '../../../src/observability/logger.js';

/** Real node-cron, every second (6 fields, seconds first): started drills are counted by name. */
function scheduler() {
  const started: string[] = [];
  const service = {
    start: async (name: string) => {
      started.push(name);
      return started.length === 1 ? { ok: true as const, runId: 'DRL-1' } : { ok: false as const, reason: 'held by drill run DRL-1' };
    },
  };
  return { started, scheduler: new DrillScheduler(service, [{ name: 'orders-restore', schedule: '* * * * * *' }], silentLogger()) };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('DrillScheduler', () => {
  it('starts scheduled drills by cron while started (on the leader), and none once stopped', async () => {
    const { started, scheduler: s } = scheduler();
    s.start();
    s.start(); // a second election does not double the schedule
    await wait(2_300);
    s.stop();
    const count = started.length;
    expect(count).toBeGreaterThanOrEqual(1);
    expect(count).toBeLessThanOrEqual(3);
    expect(new Set(started)).toEqual(new Set(['orders-restore']));
    await wait(1_200);
    expect(started.length).toBe(count);
  });

  it('never throws from a tick, whatever the service does', async () => {
    const failing = new DrillScheduler(
      {
        start: async () => {
          throw new Error('store down');
        },
      },
      [],
      silentLogger(),
    );
    await expect(failing.fire('orders-restore')).resolves.toBeUndefined();
  });
});
