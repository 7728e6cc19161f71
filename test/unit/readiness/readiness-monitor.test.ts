import { describe, expect, it, vi } from 'vitest';
import type { CheckResult } from '../../../src/core/check-result.js';
import { silentLogger } from '../../../src/observability/logger.js';
import type { ReadinessReport } from '../../../src/readiness/readiness-evaluator.js';
import { ReadinessMonitor } from '../../../src/readiness/readiness-monitor.js';
import type { Lease } from '../../../src/store/store.js';

const REPORT: ReadinessReport = {
  startedAt: 1_000,
  durationMs: 40,
  runbooks: [
    {
      kind: 'failover',
      runbook: 'orders',
      status: 'not-ready',
      failing: 'target state',
      reason: 'target state: orders-replica is not a read replica',
    },
    { kind: 'failover', runbook: 'billing', status: 'unknown', reason: 'target state: could not check: AWS said Throttling' },
    { kind: 'restore', runbook: 'orders', status: 'ready' },
  ],
};
const LEASE: Lease = { name: 'monitor', holder: 'replica-1', token: 7 };

function monitor(phase: () => number) {
  const applied: Array<{ result: CheckResult; term: Lease | undefined }> = [];
  let evaluations = 0;
  const readiness = new ReadinessMonitor({
    evaluator: {
      evaluate: async () => {
        evaluations += 1;
        return REPORT;
      },
    },
    engine: {
      apply: async (result, term) => {
        applied.push({ result, term });
        return null;
      },
    },
    config: { everyMs: 60_000, severity: 'SEV2' },
    logger: silentLogger(),
    phase,
  });
  return { readiness, applied, evaluations: () => evaluations };
}

describe('ReadinessMonitor', () => {
  it('off the leader, an evaluation asked for by hand is answered and written nowhere', async () => {
    const m = monitor(() => 1);
    expect(await m.readiness.evaluateNow()).toBe(REPORT);
    expect(m.applied).toEqual([]);
  });

  it("on a leader term, known verdicts go to the engine under the term's lease; unknown ones are not judged", async () => {
    const m = monitor(() => 1);
    m.readiness.start(LEASE);
    await m.readiness.evaluateNow();
    expect(m.applied.map((a) => [a.result.checkId, a.result.ok, a.result.severity, a.term?.token])).toEqual([
      ['readiness:failover:orders', false, 'SEV2', 7],
      ['readiness:restore:orders', true, null, 7],
    ]);
    expect(m.applied[0]?.result).toMatchObject({
      summary: 'failover runbook orders would be refused now: target state: orders-replica is not a read replica',
      measurement: { kind: 'readiness', runbookKind: 'failover', runbook: 'orders', failing: 'target state' },
      startedAt: 1_000,
    });
    await m.readiness.stop();
    await m.readiness.evaluateNow();
    expect(m.applied).toHaveLength(2);
  });

  it('evaluations that finish together are applied one after another, never interleaved', async () => {
    const m = monitor(() => 1);
    const order: string[] = [];
    const slow = new ReadinessMonitor({
      evaluator: { evaluate: async () => REPORT },
      engine: {
        apply: async (result) => {
          order.push(`start ${result.checkId}`);
          await new Promise((resolve) => setTimeout(resolve, 5));
          order.push(`end ${result.checkId}`);
          return null;
        },
      },
      config: { everyMs: 60_000, severity: 'SEV2' },
      logger: silentLogger(),
      phase: () => 1,
    });
    slow.start(LEASE);
    await Promise.all([slow.evaluateNow(), slow.evaluateNow()]);
    await slow.stop();
    const once = [
      'start readiness:failover:orders',
      'end readiness:failover:orders',
      'start readiness:restore:orders',
      'end readiness:restore:orders',
    ];
    expect(order).toEqual([...once, ...once]);
    expect(m.applied).toEqual([]);
  });

  it('a term with phase 0 evaluates at once, then waits a whole interval', async () => {
    const m = monitor(() => 0);
    m.readiness.start(LEASE);
    await vi.waitFor(() => expect(m.applied.length, 'the first cycle ran').toBeGreaterThanOrEqual(2), { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(m.evaluations()).toBe(1);
    await m.readiness.stop();
  });
});
