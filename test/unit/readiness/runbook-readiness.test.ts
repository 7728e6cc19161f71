import { describe, expect, it, vi } from 'vitest';
import { ActionError } from '../../../src/actions/action-error.js';
import type { Plan } from '../../../src/core/plan.js';
import { evaluateRunbook } from '../../../src/readiness/runbook-readiness.js';
import { failoverPlan } from '../bot/approvals/fixtures.js';

const planned = (plan: Plan) => ({ plan: async () => plan });
const TOO_LARGE = 'Failover orders: promote orders-replica (us-west-2) refused: the plan cannot be shown whole in Slack.';

describe('evaluateRunbook and the display check', () => {
  it('a plan that passed pre-flight but cannot be shown whole is not ready, the refusal its reason', async () => {
    const plan = failoverPlan();
    const displayRefusal = vi.fn((_: Plan) => TOO_LARGE);
    expect(await evaluateRunbook(planned(plan), 'failover', 'orders', { displayRefusal })).toEqual({
      kind: 'failover',
      runbook: 'orders',
      status: 'not-ready',
      failing: 'plan display',
      reason: TOO_LARGE,
    });
    expect(displayRefusal).toHaveBeenCalledWith(plan);
  });

  it('a plan that can be shown whole is ready', async () => {
    expect(await evaluateRunbook(planned(failoverPlan()), 'failover', 'orders', { displayRefusal: () => null })).toEqual({
      kind: 'failover',
      runbook: 'orders',
      status: 'ready',
    });
  });

  it('a pre-flight refusal comes first, as a request meets it first; the display check is not asked', async () => {
    const plan = failoverPlan({
      preflight: [{ name: 'target state', ok: false, observed: 'orders-replica is gone', requirement: 'a read replica' }],
    });
    const refusing = { plan: async () => Promise.reject(new ActionError('LIFEBOAT_PREFLIGHT_FAILED', 'refused', undefined, plan)) };
    const displayRefusal = vi.fn(() => TOO_LARGE);
    expect(await evaluateRunbook(refusing, 'failover', 'orders', { displayRefusal })).toMatchObject({
      status: 'not-ready',
      failing: 'target state',
    });
    expect(displayRefusal).not.toHaveBeenCalled();
  });

  it('a display check that throws judges nothing and is reported as unexpected', async () => {
    const onUnexpected = vi.fn();
    const broken = new Error('renderer bug');
    const verdict = await evaluateRunbook(planned(failoverPlan()), 'failover', 'orders', {
      onUnexpected,
      displayRefusal: () => {
        throw broken;
      },
    });
    expect(verdict).toEqual({ kind: 'failover', runbook: 'orders', status: 'unknown', reason: 'could not evaluate; see the Lifeboat log' });
    expect(onUnexpected).toHaveBeenCalledWith(broken);
  });
});
