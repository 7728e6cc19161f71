import { describe, expect, it } from 'vitest';
import type { AuditType } from '../../../src/approvals/approval-audit.js';
import type { ApprovalStore } from '../../../src/approvals/approval-store.js';
import { MemoryApprovalStore } from '../../../src/backend/memory/memory-approval-store.js';
import { REPORT_RETRY_MAX_MS, StoreRunControl } from '../../../src/approvals/run-control.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { StoreError } from '../../../src/store/store-error.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { claimed, LEASE } from './contract-helpers.js';
import { aFailoverPlan } from './fixtures.js';

// The run's reports across a store outage, on a clock the test moves: retried while the run
// lease lasts, given up (the run lost, nothing further) once it has run out.

/** A store whose stepDone fails the next `failures` times, like an unreachable Redis unless `error` says otherwise. */
function flaky(inner: ApprovalStore, failures: { stepDone: number; error?: () => Error }): ApprovalStore {
  return new Proxy(inner, {
    get(target, name, receiver) {
      if (name === 'stepDone') {
        return async (...args: Parameters<ApprovalStore['stepDone']>) => {
          if (failures.stepDone > 0) {
            failures.stepDone -= 1;
            throw failures.error?.() ?? new Error('Connection is closed.');
          }
          return target.stepDone(...args);
        };
      }
      const value = Reflect.get(target, name, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function running(failures: { stepDone: number; error?: () => Error }) {
  const clock = new ManualClock();
  const memory = new MemoryApprovalStore();
  const approval = await claimed(memory, aFailoverPlan());
  // The claim's lease was granted at T0 + 1 s; the test clock starts there too.
  clock.advance(1_000);
  const sleeps: number[] = [];
  const emitted: AuditType[] = [];
  const control = new StoreRunControl(approval, {
    store: flaky(memory, failures),
    clock,
    logger: silentLogger(),
    runnerId: 'replica-a',
    runLeaseMs: LEASE,
    emit: async (_a, transition) => {
      emitted.push(transition);
    },
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
  });
  await control.started();
  await control.stepStarted({ stepId: 'promote', description: 'Promote' });
  return { memory, control, sleeps, emitted, id: approval.id };
}

describe('StoreRunControl across a store outage', () => {
  it('keeps a step-done the store could not take and records it, once, when the store answers again', async () => {
    const { memory, control, sleeps, emitted, id } = await running({ stepDone: 5 });

    await control.stepDone({ stepId: 'promote', description: 'Promote', note: 'available after 6 s' });

    expect(sleeps).toEqual([250, 500, 1_000, 2_000, REPORT_RETRY_MAX_MS]);
    expect(emitted).toEqual(['started', 'step-started', 'step-done']);
    expect((await memory.get(id))?.run?.steps).toEqual([expect.objectContaining({ stepId: 'promote', note: 'available after 6 s' })]);
    expect(control.signal.aborted).toBe(false);
    await control.succeeded('done');
    expect((await memory.get(id))?.state).toBe('succeeded');
  });

  it('gives up once the run lease has run out: the run is lost, its signal aborted, its locks kept', async () => {
    const { memory, control, sleeps, id } = await running({ stepDone: 1_000 });

    await expect(control.stepDone({ stepId: 'promote', description: 'Promote' })).rejects.toMatchObject({
      code: 'LIFEBOAT_APPROVAL_RUN_LOST',
    });

    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThan(LEASE);
    expect(control.signal.aborted).toBe(true);
    await expect(control.failed('x')).rejects.toMatchObject({ code: 'LIFEBOAT_APPROVAL_RUN_LOST' });
    // Nothing was written: still running in the store, until a sweep finds the lapsed lease.
    expect((await memory.get(id))?.state).toBe('running');
  });

  it('does not retry a value the store found corrupt: that is no outage', async () => {
    const corrupt = () => new StoreError('LIFEBOAT_STORE_CORRUPT_VALUE', 'stored approval has invalid resources');
    const { control, sleeps } = await running({ stepDone: 1, error: corrupt });
    await expect(control.stepDone({ stepId: 'promote', description: 'Promote' })).rejects.toMatchObject({
      code: 'LIFEBOAT_STORE_CORRUPT_VALUE',
    });
    expect(sleeps).toEqual([]);
    expect(control.signal.aborted).toBe(false);
  });
});
