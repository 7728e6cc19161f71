import type {
  RdsGateway,
  DbClusterView,
  DbInstanceView,
  RetainedBackupView,
  RetainedClusterBackupView,
  SnapshotView,
} from '../aws/rds-gateway.js';
import type { Route53Gateway } from '../aws/route53-gateway.js';
import type { Clock } from '../core/clock.js';
import type { PreflightResult } from '../core/plan.js';
import type { DnsRecord } from '../core/dns-record.js';
import type { LagReading, LagSource } from './lag-source.js';

/** What pre-flight checks read: the AWS gateways, the guard's lag, and the time. */
export interface PreflightContext {
  rds: RdsGateway;
  route53: Route53Gateway;
  lag: LagSource;
  clock: Clock;
  /** The hooks' bearer tokens by variable (`EnvConfig.hookTokens`); absent: no hook has one. */
  hookTokens?: Readonly<Record<string, string>>;
}

/** Live values a check saw that the planner or runner uses beyond pass/fail. */
export interface PreflightFacts {
  /** replica-lag: the reading the guard judged (the data-loss window at cut-over). */
  lag?: LagReading | null;
  /** replica-lag: the guard failed but --allow-data-loss overrode it; `failure` says what it saw. */
  overridden?: { failure: string };
  /** dns-record: the record of the runbook's type at the name now (null: none). */
  record?: DnsRecord | null;
  /** snapshot: the snapshot, for its engine and version. */
  snapshot?: SnapshotView;
  /** replica-cluster: the read replica cluster to promote, for its backup retention. */
  promotedCluster?: DbClusterView;
  /** restore-window on a cluster: the source cluster, for its engine. */
  sourceCluster?: DbClusterView;
  /** restore-window on an instance: the source instance, for the settings a restore carries over. */
  sourceInstance?: DbInstanceView;
  /** restore-window on a deleted instance: the retained automated backup the restore reads. */
  retainedBackup?: RetainedBackupView;
  /** restore-window on a deleted cluster: the retained automated backup the restore reads. */
  retainedClusterBackup?: RetainedClusterBackupView;
  /** multi-az-instance: where the primary and its standby run now. */
  zones?: { primary: string; standby: string };
  /** hook-token: whether this replica will send the hook a bearer token. */
  hookBearer?: boolean;
}

/** One evaluated check: its result for approvers and the facts behind it. */
export interface PreflightOutcome {
  result: PreflightResult;
  facts: PreflightFacts;
}
