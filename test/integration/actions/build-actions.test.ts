import { afterEach, describe, expect, it } from 'vitest';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { buildActions } from '../../../src/actions/build-actions.js';
import { initialCheckState } from '../../../src/core/check-state.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { Metrics } from '../../../src/observability/metrics.js';
import { MemoryStore } from '../../../src/backend/memory/memory-store.js';
import { UNFENCED } from '../../../src/store/store.js';
import { ManualClock, MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { NO_PROBES } from '../../doubles/no-probes.js';
import { lag } from '../../doubles/results.js';
import { testClients } from '../aws/aws-fixtures.js';
import { MemoryRunJournal, cname, dbInstance, testConfig } from './fixtures.js';

const clients = testClients();
const west = mockClient(clients.rds('us-west-2'));
const r53 = mockClient(clients.route53());
afterEach(() => {
  west.reset();
  r53.reset();
});

describe('buildActions', () => {
  it("wires the planner to the store's latest lag and registers the duration histogram on the app's registry", async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const result = lag(37, null, 'orders-lag', MANUAL_CLOCK_START - 50_000);
    await store.commitEvaluation({ fence: UNFENCED, checkState: { ...initialCheckState('orders-lag'), lastResult: result } });
    west
      .on(DescribeDBInstancesCommand)
      .resolves({ DBInstances: [dbInstance('orders-replica', 'available', { ReadReplicaSourceDBInstanceIdentifier: 'orders-db' })] });
    r53
      .on(ListResourceRecordSetsCommand)
      .resolves({ ResourceRecordSets: [cname('orders.db.example.com.', 'orders-db.example.com')], IsTruncated: false, MaxItems: 20 });
    const metrics = new Metrics();

    const actions = buildActions({
      config: testConfig(),
      clients,
      store,
      clock,
      logger: silentLogger(),
      metrics,
      journal: new MemoryRunJournal(),
      probes: NO_PROBES,
    });
    const plan = await actions.planner.plan({ kind: 'failover', runbook: 'orders', dryRun: true, allowDataLoss: false });

    expect(plan.preflight[0]).toMatchObject({ ok: true, observed: 'lag 37s, measured 50s ago' });
    expect(await metrics.registry.metrics()).toContain('# TYPE lifeboat_action_duration_seconds histogram');
    expect(await actions.recoverInterrupted()).toEqual([]);
  });
});
