/** What an operator asked for, parsed and validated, before any plan exists. */
export type ActionRequest = FailoverRequest | RestoreRequest | StatusPageRequest | ResumeRequest | RevertDnsRequest | DrillRequest;

/** `/dr drill <name>` of a Multi-AZ failover drill: disruptive, so it is two-person approved like a failover. */
export interface DrillRequest {
  kind: 'drill';
  /** The drill's name in `drills:`. */
  drill: string;
  dryRun: boolean;
}

/** `/dr resume <APR-n>` or the Resume button: the steps of a failed or interrupted run not yet done. */
export interface ResumeRequest {
  kind: 'resume';
  /** The run to finish, `APR-<n>`. */
  approvalId: string;
  dryRun: boolean;
}

/** `/dr revert-dns <APR-n>`: put back the DNS records a run captured before changing them. */
export interface RevertDnsRequest {
  kind: 'revert-dns';
  approvalId: string;
  dryRun: boolean;
}

/** True when the request asked only to see the plan (`--dry-run`); status-page posts have no dry run. */
export function isDryRun(request: ActionRequest): boolean {
  return request.kind !== 'statuspage' && request.dryRun;
}

export interface FailoverRequest {
  kind: 'failover';
  runbook: string;
  dryRun: boolean;
  /** Aurora global: FailoverGlobalCluster with AllowDataLoss instead of a planned switchover. */
  allowDataLoss: boolean;
  /** The incident the request came from (Propose failover button), if any. */
  incidentId?: string;
}

export type RestoreSource =
  | { type: 'snapshot'; snapshotId: string }
  /** ISO-8601 instant, already validated as a date. */
  | { type: 'time'; time: string }
  | { type: 'latest' };

export interface RestoreRequest {
  kind: 'restore';
  runbook: string;
  dryRun: boolean;
  source: RestoreSource;
  incidentId?: string;
}

export const STATUS_PAGE_STATES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type StatusPageState = (typeof STATUS_PAGE_STATES)[number];

export const COMPONENT_STATUSES = ['operational', 'degraded_performance', 'partial_outage', 'major_outage'] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

export interface StatusPageRequest {
  kind: 'statuspage';
  incidentId: string;
  status: StatusPageState;
  message: string;
  /** Component name -> status to publish; absent: derived from the linked checks' severities. */
  components?: Record<string, ComponentStatus>;
}

/** Who asked, as Slack knows them. */
export interface Actor {
  userId: string;
  /** Display name for messages; never used for authorisation. */
  name?: string;
}
