import type { ActionRequest } from './action-request.js';

/** One call a plan will make, with its exact parameters, shown to approvers before it runs. */
export interface PlannedCall {
  /** Stable within the plan: "promote", "dns-upsert", ... */
  id: string;
  service: 'rds' | 'route53' | 'statuspage';
  /** The API operation name as AWS / the provider spells it: "PromoteReadReplica". */
  operation: string;
  region?: string;
  input: Record<string, unknown>;
  /** Plain words: "Promote orders-replica to a standalone primary (irreversible)". */
  description: string;
  irreversible?: boolean;
}

/** A pre-flight check with the live value it saw. */
export interface PreflightResult {
  name: string;
  ok: boolean;
  /** What was measured: "lag 12s", "orders-replica is available". */
  observed: string;
  /** What must hold: "lag <= 300s". */
  requirement: string;
}

/**
 * An action as data: approvers approve exactly this, the runner executes exactly this.
 * `resources` drive the one-run-per-resource lock; `destructive` asks approvers to type the
 * runbook's name to confirm.
 */
export interface Plan {
  id: string;
  request: ActionRequest;
  /** "Failover orders to us-west-2". */
  title: string;
  /** Runbook name, or the incident id for status-page posts; what an approver types to confirm. */
  subject: string;
  calls: PlannedCall[];
  preflight: PreflightResult[];
  /** e.g. "runbook:failover:orders", "rds:us-west-2:instance:orders-replica", "route53:Z123:orders.db.example.com." */
  resources: string[];
  destructive: boolean;
  warnings: string[];
  /** Epoch ms. */
  createdAt: number;
}
