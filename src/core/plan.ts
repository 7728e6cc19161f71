import type { StatusPagePublication } from '../actions/status-page-publisher.js';
import type * as Rds from '../aws/rds-gateway.js';
import type { ChangeRecordSetsInput } from '../aws/route53-gateway.js';
import type { ActionRequest } from './action-request.js';
import type { DnsRecord } from './dns-record.js';
import type { HookMethod, JsonValue } from '../config/types.js';

/**
 * A polling step: the runner repeats the call until the resource reaches `until` or `timeoutMs`
 * passes. `until` is one of: `available` (instance or cluster status), `promoted` (instance or
 * cluster available and no longer a replica), `writer` (`target` is the writer: of the global
 * cluster, with no switchover/failover in progress; or of the DB cluster, which is available),
 * `INSYNC` (Route 53 change propagated), `verified` (every check of a verify step passed in one
 * round), `failed-over` (a Multi-AZ instance is available with its primary out of `fromZone`,
 * the call's).
 */
export interface PlannedWait {
  until: 'available' | 'promoted' | 'writer' | 'INSYNC' | 'verified' | 'failed-over';
  timeoutMs: number;
  /** For `writer`: the ARN of the cluster (global database) or the id of the instance (DB cluster) that must become the writer. */
  target?: string;
  /** For `available` on a cluster: BackupRetentionPeriod must also read this many days. */
  backupRetention?: number;
  /** Id of the earlier call whose result this step polls (GetChange polls the change `dns-upsert` made). */
  after?: string;
}

/** What every call a plan will make carries besides its operation and input; shown to approvers. */
interface PlannedCallBase {
  /** Stable within the plan: "promote", "dns-upsert", ... */
  id: string;
  region?: string;
  /** Plain words: "Promote orders-replica to a standalone primary (irreversible)". */
  description: string;
  irreversible?: boolean;
  /** Present on polling steps. */
  wait?: PlannedWait;
  /**
   * For a DNS change: what each change of the batch replaces as read at plan time, aligned with
   * `ChangeBatch.Changes` (null: no such record yet). A single record in plans made before lists.
   */
  replaces?: DnsRecord | null | Array<DnsRecord | null>;
  /**
   * For a DNS change on a restore: the id of the wait step whose `detail.endpoint` (host only) the
   * runner writes into every plain change that has no ResourceRecords in the plan.
   */
  valueFrom?: string;
  /**
   * A Multi-AZ instance failover (RebootDBInstance with ForceFailover, and its wait): the
   * Availability Zone of the primary when planned, checked again at pre-flight. The failover has
   * happened once the primary is in another zone.
   */
  fromZone?: string;
}

/**
 * One call of `service`, named as AWS / the provider spells it ("PromoteReadReplica"), with its
 * exact request parameters, JSON-safe (times are ISO-8601 strings).
 */
type OperationCall<Service extends string, Operation extends string, Input> = PlannedCallBase & {
  service: Service;
  operation: Operation;
  input: Input;
};

/** The polling calls name the resource they poll; the runner repeats them until `wait.until`. */
export interface DescribeDbInstancesInput {
  DBInstanceIdentifier: string;
}

export interface DescribeDbClustersInput {
  DBClusterIdentifier: string;
}

export interface DescribeGlobalClustersInput {
  GlobalClusterIdentifier: string;
}

/** One check a verify step runs, with what passing means for it, in words approvers read. */
export interface VerifyCheckInput {
  check: string;
  /** "GET https://api.example.com/health answers 200, body contains \"ok\"". */
  passes: string;
}

/** Lifeboat's own verify step: run `checks` until all pass in one round, within `within`. */
export interface VerifyInput {
  checks: VerifyCheckInput[];
  /** The step's time limit in words ("10m 0s"); the runner reads `wait.timeoutMs`. */
  within: string;
}

/** GetChange polls the change an earlier step made (`wait.after`), so the plan holds no id for it. */
export type GetChangeInput = Record<string, never>;

export type PromoteReadReplicaCall = OperationCall<'rds', 'PromoteReadReplica', Rds.PromoteReadReplicaInput>;
export type PromoteReadReplicaDbClusterCall = OperationCall<'rds', 'PromoteReadReplicaDBCluster', Rds.PromoteReadReplicaDbClusterInput>;
export type FailoverDbClusterCall = OperationCall<'rds', 'FailoverDBCluster', Rds.FailoverDbClusterInput>;
export type RebootDbInstanceCall = OperationCall<'rds', 'RebootDBInstance', Rds.RebootDbInstanceFailoverInput>;
export type ModifyDbClusterCall = OperationCall<'rds', 'ModifyDBCluster', Rds.ModifyDbClusterRetentionInput>;
export type SwitchoverGlobalClusterCall = OperationCall<'rds', 'SwitchoverGlobalCluster', Rds.SwitchoverGlobalClusterInput>;
export type FailoverGlobalClusterCall = OperationCall<'rds', 'FailoverGlobalCluster', Rds.FailoverGlobalClusterInput>;
export type RestoreDbInstanceFromSnapshotCall = OperationCall<
  'rds',
  'RestoreDBInstanceFromDBSnapshot',
  Rds.RestoreDbInstanceFromSnapshotInput
>;
export type RestoreDbInstanceToPointInTimeCall = OperationCall<
  'rds',
  'RestoreDBInstanceToPointInTime',
  Rds.RestoreDbInstanceToPointInTimeInput
>;
export type RestoreDbClusterFromSnapshotCall = OperationCall<'rds', 'RestoreDBClusterFromSnapshot', Rds.RestoreDbClusterFromSnapshotInput>;
export type RestoreDbClusterToPointInTimeCall = OperationCall<
  'rds',
  'RestoreDBClusterToPointInTime',
  Rds.RestoreDbClusterToPointInTimeInput
>;
export type CreateDbInstanceCall = OperationCall<'rds', 'CreateDBInstance', Rds.CreateDbInstanceInput>;
export type DescribeDbInstancesCall = OperationCall<'rds', 'DescribeDBInstances', DescribeDbInstancesInput>;
export type DescribeDbClustersCall = OperationCall<'rds', 'DescribeDBClusters', DescribeDbClustersInput>;
export type DescribeGlobalClustersCall = OperationCall<'rds', 'DescribeGlobalClusters', DescribeGlobalClustersInput>;
export type ChangeResourceRecordSetsCall = OperationCall<'route53', 'ChangeResourceRecordSets', ChangeRecordSetsInput>;
export type GetChangeCall = OperationCall<'route53', 'GetChange', GetChangeInput>;
export type StatusPagePublishCall = OperationCall<'statuspage', 'publish', StatusPagePublication>;
export type VerifyCall = OperationCall<'lifeboat', 'Verify', VerifyInput>;

/**
 * A runbook hook's HTTP request, exactly as it will be sent (the body as JSON, Content-Type
 * application/json), once: it is never resent. Holds the token's variable name, never its value.
 */
export interface HookRequestInput {
  method: HookMethod;
  url: string;
  /** Absent: no body. */
  body?: JsonValue;
  /** Statuses that count as done; any other fails the step. */
  expectStatus: number[];
  /** Hard deadline for the whole exchange, ms. */
  timeoutMs: number;
  /** The variable whose value is sent as `Authorization: Bearer …`; null: no Authorization header. */
  bearerTokenFrom: string | null;
}

export type HookRequestCall = OperationCall<'http', 'Request', HookRequestInput>;

/** One call a plan will make, with its exact parameters, shown to approvers before it runs. */
export type PlannedCall =
  | PromoteReadReplicaCall
  | PromoteReadReplicaDbClusterCall
  | FailoverDbClusterCall
  | RebootDbInstanceCall
  | ModifyDbClusterCall
  | SwitchoverGlobalClusterCall
  | FailoverGlobalClusterCall
  | RestoreDbInstanceFromSnapshotCall
  | RestoreDbInstanceToPointInTimeCall
  | RestoreDbClusterFromSnapshotCall
  | RestoreDbClusterToPointInTimeCall
  | CreateDbInstanceCall
  | DescribeDbInstancesCall
  | DescribeDbClustersCall
  | DescribeGlobalClustersCall
  | ChangeResourceRecordSetsCall
  | GetChangeCall
  | StatusPagePublishCall
  | VerifyCall
  | HookRequestCall;

/**
 * What a pre-flight check verifies, as data, so the runner re-runs exactly the same checks just
 * before executing. Every field is JSON-safe (plans are stored).
 */
export type PreflightCheck = PreflightCheckKind & {
  /**
   * The id of the planned call this check guards (`promote`, `dns-upsert`, ...); absent when it
   * guards the whole plan. A resumed run drops the checks of steps already done.
   */
  step?: string;
};

type PreflightCheckKind =
  /** Replica lag from the guard's lag check, measured within maxAgeMs, at most maxLagMs. */
  | { kind: 'replica-lag'; checkId: string; maxLagMs: number; maxAgeMs: number; overridden: boolean }
  /** An RDS read replica that can be promoted now. */
  | { kind: 'read-replica'; region: string; dbInstance: string }
  /** An Aurora read replica cluster (it names a replication source) that can be promoted now. */
  | { kind: 'replica-cluster'; region: string; dbCluster: string }
  /**
   * An available RDS Multi-AZ instance (not an Aurora member) with a standby to fail over to;
   * `zone`: where its primary was when planned (absent while planning reads it).
   */
  | { kind: 'multi-az-instance'; region: string; dbInstance: string; zone?: string }
  /** An available Aurora cluster whose `dbInstance` is an available reader that FailoverDBCluster can make the writer. */
  | { kind: 'cluster-reader'; region: string; dbCluster: string; dbInstance: string }
  /**
   * An Aurora global database whose `targetClusterArn` is an available secondary. With `dataLoss`
   * (FailoverGlobalCluster) the global database itself may be degraded: the primary's region is
   * what is failing, so only the target is required to be available.
   */
  | { kind: 'global-secondary'; region: string; globalCluster: string; targetClusterArn: string; dataLoss: boolean }
  /**
   * One record of a DNS step: what it replaces may be replaced (no alias/plain swap, same routing
   * policy, no type clash); `expected` is what the plan saw (absent at plan time). `value` absent
   * with `valueFrom`: the restored endpoint, known at run time.
   */
  | ({ kind: 'dns-record'; hostedZoneId: string; name: string; type: string; expected?: DnsRecord | null } & DnsRecordTarget)
  /**
   * A DNS revert: the record (`setIdentifier` picks one of a routing policy's records) still reads
   * exactly as run `run` wrote it; `written` null: that run deleted it, so it must still be absent.
   */
  | {
      kind: 'dns-as-written';
      hostedZoneId: string;
      name: string;
      type: string;
      setIdentifier?: string;
      written: DnsRecord | null;
      run: string;
    }
  /** The snapshot to restore from exists and is available. */
  | { kind: 'snapshot'; region: string; snapshotId: string; cluster: boolean; source: string }
  /** `time` (ISO-8601) lies within the source's restorable window, or `latest`. */
  | { kind: 'restore-window'; region: string; source: string; cluster: boolean; time: string | 'latest' }
  /** No instance or cluster has the identifier the restore will create. */
  | { kind: 'identifier-free'; region: string; identifier: string; cluster: boolean }
  /**
   * A hook's token variable is not set but empty; `bearer` is what the plan promised (a token
   * sent or not), so a replica whose environment differs refuses instead of calling otherwise.
   */
  | { kind: 'hook-token'; hook: string; variable: string; bearer?: boolean };

/** What a `dns-record` check's record becomes: a value, an alias, or the endpoint of step `valueFrom`; with its routing policy. */
export interface DnsRecordTarget {
  value?: string;
  ttl?: number;
  alias?: { hostedZoneId: string; dnsName: string; evaluateTargetHealth: boolean };
  valueFrom?: string;
  setIdentifier?: string;
  weight?: number;
  failover?: 'PRIMARY' | 'SECONDARY';
}

/** A pre-flight check with the live value it saw. */
export interface PreflightResult {
  name: string;
  ok: boolean;
  /** What was measured: "lag 12s", "orders-replica is available". */
  observed: string;
  /** What must hold: "lag <= 300s". */
  requirement: string;
  /** Why it failed, as a code (`LIFEBOAT_GUARD_FAILED`); absent when ok. */
  code?: string;
  /** The check itself, re-run just before execution; absent for checks that cannot change. */
  check?: PreflightCheck;
}

/**
 * An action as data: approvers approve exactly this, the runner executes exactly this.
 * `resources` drive the one-run-per-resource lock; `destructive` asks approvers to type the
 * runbook's name to confirm. A planner that makes one kind of call narrows `Call` to it.
 */
export interface Plan<Call extends PlannedCall = PlannedCall> {
  id: string;
  request: ActionRequest;
  /** "Failover orders to us-west-2". */
  title: string;
  /** Runbook name, or the incident id for status-page posts; what an approver types to confirm. */
  subject: string;
  calls: Call[];
  preflight: PreflightResult[];
  /** e.g. "runbook:failover:orders", "rds:us-west-2:instance:orders-replica", "route53:Z123:orders.db.example.com." */
  resources: string[];
  destructive: boolean;
  warnings: string[];
  /** Epoch ms. */
  createdAt: number;
  /**
   * A resume: the run it finishes (`APR-n`), what kind of request that run was, and where the
   * first request of the chain came from (its incident, when proposed from one, and when it was
   * made): a resumed recovery is timed from there, not from the resume.
   */
  resumes?: { approvalId: string; kind: ActionRequest['kind']; origin?: { incidentId?: string; requestedAt: number } };
  /** A DNS revert: the run whose DNS changes it puts back. */
  reverts?: { approvalId: string };
  /**
   * Steps of the resumed plan that are not planned again: done in that run, or found done in AWS
   * when the resume was planned. Their detail feeds later steps (GetChange polls a done change).
   */
  alreadyDone?: DoneStep[];
}

/** A step a resumed run does not repeat, and how that is known. */
export interface DoneStep {
  id: string;
  description: string;
  /** "done in APR-3", "read back now: orders-replica is modifying and no longer a read replica". */
  how: string;
  /** The step's recorded facts (change id, previous DNS records), when known. */
  detail?: Record<string, unknown>;
}

/** The kind of run a plan amounts to: a resume is the kind of run it finishes. */
export function planKind(plan: Pick<Plan, 'request' | 'resumes'>): ActionRequest['kind'] {
  return plan.resumes?.kind ?? plan.request.kind;
}

/** The pre-flight checks that failed; empty when the plan may run. */
export function preflightFailures(plan: Pick<Plan, 'preflight'>): PreflightResult[] {
  return plan.preflight.filter((p) => !p.ok);
}
