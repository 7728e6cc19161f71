import type { Plan } from '../../../src/core/plan.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { storedCall } from '../../doubles/stored-call.js';

/** A non-destructive restore plan for runbook `orders`; resources can be overridden per test. */
export function aRestorePlan(overrides: Partial<Plan> = {}): Plan {
  return {
    id: 'plan-restore-orders',
    request: { kind: 'restore', runbook: 'orders', dryRun: false, source: { type: 'latest' } },
    title: 'Restore orders from its latest restorable time',
    subject: 'orders',
    calls: [
      storedCall({
        id: 'restore',
        service: 'rds',
        operation: 'RestoreDBInstanceToPointInTime',
        region: 'us-east-1',
        input: {
          SourceDBInstanceIdentifier: 'orders-db',
          TargetDBInstanceIdentifier: 'orders-db-restore-1',
          UseLatestRestorableTime: true,
        },
        description: 'Restore orders-db to a new instance orders-db-restore-1',
      }),
    ],
    preflight: [{ name: 'latest restorable time', ok: true, observed: '2 minutes ago', requirement: 'within the backup window' }],
    resources: ['runbook:restore:orders', 'rds:us-east-1:instance:orders-db-restore-1'],
    destructive: false,
    // Empty on purpose: empty arrays must survive the store unchanged.
    warnings: [],
    createdAt: MANUAL_CLOCK_START,
    ...overrides,
  };
}

/** A destructive failover plan (replica promotion) for runbook `orders`. */
export function aFailoverPlan(overrides: Partial<Plan> = {}): Plan {
  return {
    id: 'plan-failover-orders',
    request: { kind: 'failover', runbook: 'orders', dryRun: false, allowDataLoss: false },
    title: 'Failover orders to us-west-2',
    subject: 'orders',
    calls: [
      storedCall({
        id: 'promote',
        service: 'rds',
        operation: 'PromoteReadReplica',
        region: 'us-west-2',
        input: { DBInstanceIdentifier: 'orders-replica', BackupRetentionPeriod: 7 },
        description: 'Promote orders-replica to a standalone primary (irreversible)',
        irreversible: true,
      }),
      storedCall({
        id: 'dns-upsert',
        service: 'route53',
        operation: 'ChangeResourceRecordSets',
        input: { HostedZoneId: 'Z123', ChangeBatch: { Changes: [{ Action: 'UPSERT' }] } },
        description: 'Point orders.db.example.com at orders-replica',
        // null (no record yet) must survive the store as null, not vanish or become {}.
        replaces: null,
      }),
    ],
    preflight: [{ name: 'replica lag', ok: true, observed: 'lag 12s', requirement: 'lag <= 300s' }],
    resources: ['runbook:failover:orders', 'rds:us-west-2:instance:orders-replica', 'route53:Z123:orders.db.example.com.'],
    destructive: true,
    warnings: ['Promotion is irreversible: orders-replica stops replicating.'],
    createdAt: MANUAL_CLOCK_START,
    ...overrides,
  };
}
