import { describe, expect, it } from 'vitest';
import { storeLagSource } from '../../../src/actions/lag-source.js';
import { initialCheckState, type CheckState } from '../../../src/core/check-state.js';
import { lag, pass } from '../../doubles/results.js';

function store(states: Record<string, CheckState>) {
  return { getCheckState: async (id: string) => states[id] ?? null };
}

describe('storeLagSource', () => {
  it('reads the latest lag and the time of its datapoint from the check state', async () => {
    const result = lag(12, null, 'orders-lag', 1_000);
    result.measurement = { kind: 'replication-lag', lagSeconds: 12, metric: 'ReplicaLag', at: 900 };
    const source = storeLagSource(store({ 'orders-lag': { ...initialCheckState('orders-lag'), lastResult: result } }));

    expect(await source.lagFor('orders-lag')).toEqual({ lagSeconds: 12, at: 900 });
  });

  it('falls back to the probe time when the datapoint has none, and keeps missing data as null', async () => {
    const result = lag(0, 'SEV3', 'orders-lag', 2_000);
    result.measurement = { kind: 'replication-lag', lagSeconds: null, metric: 'ReplicaLag' };
    const source = storeLagSource(store({ 'orders-lag': { ...initialCheckState('orders-lag'), lastResult: result } }));

    expect(await source.lagFor('orders-lag')).toEqual({ lagSeconds: null, at: 2_000 });
  });

  it('answers null for a check never run or not a lag check', async () => {
    const source = storeLagSource(
      store({ api: { ...initialCheckState('api'), lastResult: pass('api') }, fresh: initialCheckState('fresh') }),
    );

    expect(await source.lagFor('api')).toBeNull();
    expect(await source.lagFor('fresh')).toBeNull();
    expect(await source.lagFor('unknown')).toBeNull();
  });
});
