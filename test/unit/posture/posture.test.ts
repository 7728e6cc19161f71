import { describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config/types.js';
import { initialCheckState, type CheckState } from '../../../src/core/check-state.js';
import type { CheckResult } from '../../../src/core/check-result.js';
import { drillLine } from '../../../src/bot/blocks/posture-report.js';
import { assessPosture } from '../../../src/posture/posture.js';
import { readinessCheckId } from '../../../src/readiness/readiness-result.js';

/* The posture's judgements: objectives against what was measured, and what is listed first. */
const T0 = Date.UTC(2026, 11, 7, 9);
const MINUTE = 60_000;

function withResult(checkId: string, result: Partial<CheckResult>): CheckState {
  return {
    ...initialCheckState(checkId),
    lastResult: {
      checkId,
      startedAt: T0 - MINUTE,
      durationMs: 5,
      ok: true,
      severity: null,
      summary: 'ok',
      measurement: { kind: 'http', url: 'x' },
      ...result,
    },
  };
}

const lagState = (id: string, lagSeconds: number) =>
  withResult(id, { measurement: { kind: 'replication-lag', lagSeconds, metric: 'ReplicaLag' } });

const CONFIG: Pick<Config, 'checks' | 'runbooks' | 'drills'> = {
  checks: [
    {
      id: 'guard-lag',
      type: 'replication-lag',
      region: 'us-west-2',
      metric: 'ReplicaLag',
      dimensions: { DBInstanceIdentifier: 'other' },
      thresholdsMs: {},
      missingData: 'ok',
      timeoutMs: 1,
      severity: 'SEV3',
      failAfter: 1,
      recoverAfter: 1,
      everyMs: MINUTE,
    },
    {
      id: 'replica-lag',
      type: 'replication-lag',
      region: 'us-west-2',
      metric: 'ReplicaLag',
      dimensions: { DBInstanceIdentifier: 'replica' },
      thresholdsMs: {},
      missingData: 'ok',
      timeoutMs: 1,
      severity: 'SEV3',
      failAfter: 1,
      recoverAfter: 1,
      everyMs: MINUTE,
    },
  ],
  runbooks: {
    failover: {
      // Not ready, but no objective missed: after the one that misses.
      broken: { region: 'us-west-2', promote: { dbInstance: 'replica' } },
      // Its guard's lag check counts, not the lag check on its target.
      guarded: {
        region: 'us-west-2',
        promote: { dbInstance: 'replica' },
        guard: { lagCheck: 'guard-lag', maxLagMs: MINUTE },
        objectives: { rpoMs: MINUTE },
      },
      fresh: { region: 'us-west-2', promote: { dbInstance: 'replica' }, objectives: { rtoMs: MINUTE, rpoMs: MINUTE } },
    },
    restore: {},
  },
};

describe('assessPosture', () => {
  it('lists the runbook missing an objective first, then the one not ready, then the rest; nothing measured is never a miss', () => {
    const states = new Map<string, CheckState | null>([
      ['guard-lag', lagState('guard-lag', 120)],
      ['replica-lag', lagState('replica-lag', 5)],
      [
        readinessCheckId('failover', 'broken'),
        withResult('readiness:failover:broken', { ok: false, error: { kind: 'error', message: 'target state: not a replica' } }),
      ],
      [readinessCheckId('failover', 'guarded'), withResult('readiness:failover:guarded', {})],
    ]);
    const posture = assessPosture({
      config: CONFIG,
      aws: { facts: new Map(), unavailable: new Map(), problems: [], oldestAgeMs: 0 },
      states,
      drills: [],
      runs: new Map(),
      nowMs: T0,
    });
    expect(posture.runbooks.map((r) => [r.runbook, r.attention])).toEqual([
      ['guarded', ['misses RPO']],
      ['broken', ['not ready']],
      ['fresh', []],
    ]);
    const [guarded, broken, fresh] = posture.runbooks;
    expect(guarded?.currentRpo).toEqual({ ms: 120_000, from: 'replica lag, check guard-lag' });
    expect(broken?.readiness).toEqual({ ready: false, summary: 'target state: not a replica', at: T0 - MINUTE });
    // No readiness verdict stored yet, no drill or run: said as such, judged nothing.
    expect(fresh?.readiness).toBe(null);
    expect(fresh?.rto).toEqual({ objectiveMs: MINUTE, measuredMs: null, missed: false });
    expect(fresh?.rpo).toEqual({ objectiveMs: MINUTE, measuredMs: 5_000, missed: false });
  });

  it('judges a Multi-AZ drill by its failover time against its rto, and names what it fails over', () => {
    const posture = assessPosture({
      config: CONFIG,
      aws: { facts: new Map(), unavailable: new Map(), problems: [], oldestAgeMs: 0 },
      states: new Map(),
      drills: [
        {
          name: 'orders-multi-az',
          runbook: '',
          multiAzFailover: 'orders-db (us-east-1)',
          rtoMs: 2 * MINUTE,
          last: {
            kind: 'multi-az-failover',
            drill: 'orders-multi-az',
            runId: 'APR-4',
            runbook: '',
            region: 'us-east-1',
            source: 'orders-db',
            result: 'missed-rto',
            startedAt: T0 - 10 * MINUTE,
            finishedAt: T0 - 7 * MINUTE,
            failoverMs: 3 * MINUTE,
            rtoMs: 2 * MINUTE,
            cleanup: [],
            summary: 'Drill orders-multi-az missed its rto.',
          },
        },
      ],
      runs: new Map(),
      nowMs: T0,
    });
    const [drill] = posture.drills ?? [];
    expect(drill?.rto).toEqual({ objectiveMs: 2 * MINUTE, measuredMs: 3 * MINUTE, missed: true });
    expect(drill && drillLine(drill)).toBe(
      ':x: *missed-rto* — *orders-multi-az* (Multi-AZ failover of orders-db (us-east-1)): APR-4 failed over and recovered in 3m, RTO 2m — *missed*',
    );
  });
});
