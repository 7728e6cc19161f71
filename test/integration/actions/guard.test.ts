import { beforeEach, describe, expect, it } from 'vitest';
import { DescribeDBInstancesCommand, PromoteReadReplicaCommand } from '@aws-sdk/client-rds';
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { ActionPlanner } from '../../../src/actions/action-planner.js';
import type { FailoverRequest } from '../../../src/core/action-request.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { cname, commandNames, dbInstance, harness } from './fixtures.js';

const h = harness();
const request: FailoverRequest = { kind: 'failover', runbook: 'orders', dryRun: false, allowDataLoss: false };
const OLD = 'orders-db.abc.us-east-1.rds.amazonaws.com';

beforeEach(() => {
  h.reset();
  h.west
    .on(DescribeDBInstancesCommand)
    .resolves({ DBInstances: [dbInstance('orders-replica', 'available', { ReadReplicaSourceDBInstanceIdentifier: 'orders-db' })] });
  h.r53
    .on(ListResourceRecordSetsCommand)
    .resolves({ ResourceRecordSets: [cname('orders.db.example.com.', OLD)], IsTruncated: false, MaxItems: 20 });
});

/** Commands that change something; a refusal must send none. */
function mutations(): string[] {
  return [...commandNames(h.west), ...commandNames(h.r53)].filter((name) => !/^(Describe|List|Get)/.test(name));
}

describe('the replica-lag guard', () => {
  it('refuses at plan time when lag is above guard.maxLag, naming the lag and the limit, before any request exists', async () => {
    h.lag.set('orders-lag', 412, MANUAL_CLOCK_START - 40_000);

    const refusal = await h.planner.plan(request).catch((err: unknown) => err);

    expect(refusal).toMatchObject({
      code: 'LIFEBOAT_PREFLIGHT_FAILED',
      message:
        'Failover orders: promote orders-replica (us-west-2) refused: replica lag (orders-lag): lag 412s, measured 40s ago (needs lag <= 5m, measured within the last 10m). Nothing was changed.',
      plan: { id: 'plan-1' },
    });
    expect(mutations()).toEqual([]);
  });

  it('shows the failing guard in a --dry-run plan instead of refusing, so the operator sees why', async () => {
    h.lag.set('orders-lag', 412, MANUAL_CLOCK_START - 40_000);

    const plan = await h.planner.plan({ ...request, dryRun: true });

    expect(plan.preflight[0]).toMatchObject({
      name: 'replica lag (orders-lag)',
      ok: false,
      code: 'LIFEBOAT_GUARD_FAILED',
      observed: 'lag 412s, measured 40s ago',
    });
    expect(mutations()).toEqual([]);
  });

  it.each([
    ['no measurement yet', null, 'no lag measured yet by orders-lag'],
    ['a measurement older than the trusted age', { lag: 5, agoMs: 11 * 60_000 }, 'lag 5s but measured 11m ago: too old to trust'],
    ['missing data', { lag: null, agoMs: 60_000 }, 'no lag datapoint (missing data), measured 1m ago'],
  ])('refuses with %s: the guard fails closed', async (_, reading, observed) => {
    if (reading) h.lag.set('orders-lag', reading.lag, MANUAL_CLOCK_START - reading.agoMs);

    const plan = await h.planner.plan({ ...request, dryRun: true });

    expect(plan.preflight[0]).toMatchObject({ ok: false, code: 'LIFEBOAT_GUARD_FAILED', observed });
  });

  it('trusts a measurement up to three check intervals old when that is longer than the default', async () => {
    const config = { ...h.config, checks: h.config.checks.map((c) => (c.id === 'orders-lag' ? { ...c, everyMs: 5 * 60_000 } : c)) };
    const planner = new ActionPlanner({ ...h.live, config, incidents: { getIncident: async () => null } });
    h.lag.set('orders-lag', 5, MANUAL_CLOCK_START - 14 * 60_000);

    const plan = await planner.plan({ ...request, dryRun: true });

    expect(plan.preflight[0]).toMatchObject({ ok: true, requirement: 'lag <= 5m, measured within the last 15m' });
  });

  it('refuses at execution time when lag rose above the guard after approval, and executes nothing', async () => {
    h.lag.set('orders-lag', 12, MANUAL_CLOCK_START - 30_000);
    const plan = await h.planner.plan(request);
    h.clock.advance(5 * 60_000); // approval took five minutes
    h.lag.set('orders-lag', 420, h.clock.now() - 15_000);

    const outcome = await h.runner.run('run-1', plan);

    expect(outcome).toMatchObject({ status: 'refused', elapsedMs: 0 });
    expect(outcome.summary).toBe(
      'Failover orders was not executed: pre-flight no longer holds: replica lag (orders-lag): lag 420s, measured 15s ago (needs lag <= 5m, measured within the last 10m). Nothing was changed.',
    );
    expect(outcome.steps.map((s) => s.status)).toEqual(['not-run', 'not-run', 'not-run', 'not-run']);
    expect(mutations()).toEqual([]);
    expect(h.west.commandCalls(PromoteReadReplicaCommand)).toHaveLength(0);
    expect(h.r53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
    expect(h.journal.trace).toEqual(['finished:refused']);
    expect(h.reporter.trace()).toEqual(['finished:refused']);
    const total = (await h.metrics.registry.getMetricsAsJSON()).find((m) => m.name === 'lifeboat_actions_total');
    expect(total?.values).toContainEqual(expect.objectContaining({ labels: { action: 'failover', outcome: 'refused' }, value: 1 }));
  });

  it('refuses at execution time when the DNS record changed since the plan was approved', async () => {
    h.lag.set('orders-lag', 12, MANUAL_CLOCK_START - 30_000);
    const plan = await h.planner.plan(request);
    h.r53
      .on(ListResourceRecordSetsCommand)
      .resolves({ ResourceRecordSets: [cname('orders.db.example.com.', 'somewhere-else.example.com')], IsTruncated: false, MaxItems: 20 });

    const outcome = await h.runner.run('run-1', plan);

    expect(outcome.status).toBe('refused');
    expect(outcome.preflight?.find((p) => !p.ok)).toMatchObject({
      code: 'LIFEBOAT_DNS_CONFLICT',
      observed: `orders.db.example.com. changed since the plan: now CNAME somewhere-else.example.com (TTL 60s), the plan replaced CNAME ${OLD} (TTL 60s)`,
    });
    expect(mutations()).toEqual([]);
  });

  it('lets --allow-data-loss override a failing guard, reporting it as a warning approvers see', async () => {
    h.lag.set('orders-lag', 412, MANUAL_CLOCK_START - 40_000);

    const plan = await h.planner.plan({ ...request, allowDataLoss: true });

    expect(plan.preflight[0]).toMatchObject({ ok: true, observed: 'lag 412s, measured 40s ago; guard overridden by --allow-data-loss' });
    expect(plan.warnings[0]).toBe(
      'Lag guard overridden by --allow-data-loss: lag 412s, measured 40s ago. Writes in that window may be lost.',
    );
  });
});
