import { describe, expect, it } from 'vitest';
import { requestResources } from '../../../src/actions/request-resources.js';
import type { ActionRequest } from '../../../src/core/action-request.js';
import { testConfig } from '../../integration/actions/fixtures.js';

// What a request would lock, read from the config alone: the same keys the planners put in
// plan.resources (see plan-failover.ts, plan-restore.ts), so a lock found here means the request
// would be refused anyway.
const config = testConfig();

describe('requestResources', () => {
  it.each<[string, ActionRequest, string[]]>([
    [
      'a failover that promotes an instance and switches DNS',
      { kind: 'failover', runbook: 'orders', dryRun: false, allowDataLoss: false },
      ['runbook:failover:orders', 'rds:us-west-2:instance:orders-replica', 'route53:Z123:orders.db.example.com.'],
    ],
    [
      'an Aurora global failover',
      { kind: 'failover', runbook: 'orders-global', dryRun: false, allowDataLoss: true },
      ['runbook:failover:orders-global', 'rds:global-cluster:orders-global', 'rds:us-west-2:cluster:orders-west'],
    ],
    [
      'a cross-region Aurora replica cluster promotion',
      { kind: 'failover', runbook: 'orders-west-cluster', dryRun: false, allowDataLoss: false },
      ['runbook:failover:orders-west-cluster', 'rds:us-west-2:cluster:orders-west'],
    ],
    [
      'an in-region Aurora writer move',
      { kind: 'failover', runbook: 'orders-writer', dryRun: false, allowDataLoss: false },
      ['runbook:failover:orders-writer', 'rds:us-west-2:cluster:orders-aurora', 'rds:us-west-2:instance:orders-aurora-2'],
    ],
    [
      'a restore of an instance',
      { kind: 'restore', runbook: 'orders', dryRun: false, source: { type: 'latest' } },
      ['runbook:restore:orders', 'rds:us-east-1:instance:orders-db'],
    ],
    [
      'a restore of a cluster',
      { kind: 'restore', runbook: 'orders-aurora', dryRun: false, source: { type: 'latest' } },
      ['runbook:restore:orders-aurora', 'rds:us-east-1:cluster:orders-east'],
    ],
    [
      'a status-page update',
      { kind: 'statuspage', incidentId: 'INC-7', status: 'identified', message: 'x' },
      ['statuspage:incident:INC-7'],
    ],
    ['an unknown runbook (planning says what is wrong)', { kind: 'failover', runbook: 'nope', dryRun: false, allowDataLoss: false }, []],
    ['a runbook named like an Object property', { kind: 'restore', runbook: 'constructor', dryRun: false, source: { type: 'latest' } }, []],
  ])('%s', (_name, request, expected) => {
    expect(requestResources(config, request)).toEqual(expected);
  });
});
