import type { Approval } from '../../../../src/approvals/approval.js';
import type { Plan } from '../../../../src/core/plan.js';
import { storedCall } from '../../../doubles/stored-call.js';

/** 2026-11-21 12:00:00 UTC, where every fixture's clock stands. */
export const T0 = Date.parse('2026-11-21T12:00:00Z');

/** `<!date^…>` exactly as slackDate renders `ms`, with its UTC fallback `text`. */
export const date = (ms: number, text: string) => `<!date^${ms / 1000}^{date_short_pretty} {time}|${text}>`;

/** An RDS replica failover with DNS, as the planner makes it: destructive, with warnings. */
export function failoverPlan(overrides: Partial<Plan> = {}): Plan {
  return {
    id: 'plan-1',
    request: { kind: 'failover', runbook: 'orders', dryRun: false, allowDataLoss: false },
    title: 'Failover orders: promote orders-replica (us-west-2)',
    subject: 'orders',
    calls: [
      {
        id: 'promote',
        service: 'rds',
        operation: 'PromoteReadReplica',
        region: 'us-west-2',
        input: { DBInstanceIdentifier: 'orders-replica' },
        description: 'Promote read replica orders-replica to a standalone primary (irreversible)',
        irreversible: true,
      },
      storedCall({
        id: 'dns-upsert',
        service: 'route53',
        operation: 'ChangeResourceRecordSets',
        input: { HostedZoneId: 'Z123', ChangeBatch: { Changes: [{ Action: 'UPSERT' }] } },
        description: 'Point orders.db.example.com. CNAME at new.example.com (TTL 60s), replacing CNAME old.example.com (TTL 60s)',
        replaces: { name: 'orders.db.example.com.', type: 'CNAME', ttl: 60, values: ['old.example.com'] },
      }),
      {
        id: 'dns-insync',
        service: 'route53',
        operation: 'GetChange',
        input: {},
        description: 'Wait until the DNS change is INSYNC on every Route 53 server (up to 15m)',
        wait: { until: 'INSYNC', after: 'dns-upsert', timeoutMs: 15 * 60_000 },
      },
    ],
    preflight: [
      { name: 'replica lag (orders-lag)', ok: true, observed: 'lag 12s, measured 30s ago', requirement: 'lag <= 5m' },
      { name: 'target state', ok: true, observed: 'orders-replica is available', requirement: 'orders-replica is a read replica' },
    ],
    resources: ['runbook:failover:orders'],
    destructive: true,
    warnings: ['Irreversible: promoting orders-replica ends its replication for good.'],
    createdAt: T0,
    ...overrides,
  };
}

/** A status-page post: not destructive, one call, no warnings. */
export function statusPagePlan(message = 'We are looking into it.'): Plan {
  return {
    id: 'plan-2',
    request: { kind: 'statuspage', incidentId: 'INC-1', status: 'investigating', message },
    title: 'Status page: investigating for INC-1',
    subject: 'INC-1',
    calls: [
      storedCall({
        id: 'publish',
        service: 'statuspage',
        operation: 'publish',
        input: { incidentId: 'INC-1', message },
        description: `Publish "investigating" on the builtin status page: "${message}"`,
      }),
    ],
    preflight: [],
    resources: ['statuspage:incident:INC-1'],
    destructive: false,
    warnings: [],
    createdAt: T0,
  };
}

/** A pending request for `plan`, made by U0AAA at T0, expiring 15 minutes later. */
export function approvalOf(plan: Plan, overrides: Partial<Approval> = {}): Approval {
  return {
    id: 'APR-7',
    plan,
    requester: 'U0AAA',
    requiredApprovals: 1,
    state: 'pending',
    createdAt: T0,
    expiresAt: T0 + 15 * 60_000,
    updatedAt: T0,
    approvals: [],
    ...overrides,
  };
}
