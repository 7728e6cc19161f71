import { describe, expect, it } from 'vitest';
import type { RunOutcome, StepRecord } from '../../../src/actions/run-outcome.js';
import type { MultiAzDrillConfig } from '../../../src/config/types.js';
import { drillOutcome } from '../../../src/drills/multi-az-drill-record.js';

/*
 * A Multi-AZ drill's outcome from its run's: measured from the failover call (not the run's start,
 * which includes pre-flight) to the last step done, against rto.
 */

const T0 = Date.UTC(2026, 11, 7, 3, 0, 0);
const DRILL: MultiAzDrillConfig = { multiAzFailover: { dbInstance: 'orders-db' }, region: 'us-east-1', rtoMs: 120_000 };

function step(id: string, startedAt: number, finishedAt: number, status: StepRecord['status'] = 'done'): StepRecord {
  return { id, description: id, status, startedAt, finishedAt };
}

function run(status: RunOutcome['status'], steps: StepRecord[], error?: RunOutcome['error']): RunOutcome {
  return {
    runId: 'APR-3',
    planId: 'p',
    action: 'drill',
    subject: 'orders-multi-az',
    status,
    startedAt: T0,
    finishedAt: T0 + 200_000,
    elapsedMs: 200_000,
    steps,
    ...(error && { error }),
    summary: '',
  };
}

describe('a Multi-AZ drill outcome', () => {
  it('passes within rto, measured from the failover call to the last step', () => {
    const outcome = drillOutcome(
      'orders-multi-az',
      DRILL,
      'APR-3',
      run('succeeded', [
        step('failover', T0 + 5_000, T0 + 6_000),
        step('wait-failed-over', T0 + 6_000, T0 + 70_000),
        step('verify', T0 + 70_000, T0 + 95_000),
      ]),
    );
    expect(outcome).toMatchObject({ result: 'passed', failoverMs: 90_000, kind: 'multi-az-failover', source: 'orders-db', runId: 'APR-3' });
    expect(outcome.summary).toBe(
      'Multi-AZ failover drill orders-multi-az (APR-3, orders-db, us-east-1) passed. Failed over and recovered in 1m 30s (rto 2m).',
    );
  });

  it('misses rto when recovery took longer', () => {
    const outcome = drillOutcome(
      'orders-multi-az',
      DRILL,
      'APR-3',
      run('succeeded', [step('failover', T0, T0 + 1_000), step('wait-failed-over', T0 + 1_000, T0 + 150_000)]),
    );
    expect(outcome).toMatchObject({ result: 'missed-rto', failoverMs: 150_000, reason: 'recovered in 2m 30s, over the rto of 2m' });
  });

  it('fails, with the reason, when the checks did not pass in time or the run was refused', () => {
    const verifyFailed = drillOutcome(
      'orders-multi-az',
      DRILL,
      'APR-3',
      run(
        'failed',
        [
          step('failover', T0, T0 + 1_000),
          step('wait-failed-over', T0 + 1_000, T0 + 60_000),
          step('verify', T0 + 60_000, T0 + 660_000, 'failed'),
        ],
        {
          stepId: 'verify',
          code: 'LIFEBOAT_VERIFY_FAILED',
          message: 'orders-api did not pass within 10m.',
        },
      ),
    );
    expect(verifyFailed).toMatchObject({ result: 'failed', reason: 'orders-api did not pass within 10m.' });
    expect(verifyFailed.failoverMs).toBeUndefined();
    expect(drillOutcome('orders-multi-az', DRILL, 'APR-3', run('refused', []))).toMatchObject({
      result: 'failed',
      reason: 'not executed: pre-flight no longer held just before the run',
    });
  });
});
