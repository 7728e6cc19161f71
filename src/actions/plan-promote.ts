import type { FailoverRunbook, PromoteTarget } from '../config/types.js';
import { formatDurationHms } from '../core/format-time.js';
import type { PlannedCall, PreflightCheck } from '../core/plan.js';
import type { PreflightOutcome } from './preflight-context.js';
import { clusterIdFromArn } from './preflight-failover.js';
import { resourceKey, type WaitTimeouts } from './planning-context.js';

/*
 * The promotion part of a failover plan, per promote kind: its pre-flight check, its calls (the
 * promotion, its wait, and the backup retention of what it promoted), the resources it locks and
 * its warnings. A runbook without `promote` plans none of it.
 */

/** What the promotion adds to a plan, once its checks have been evaluated. */
export interface PromotePart {
  calls: PlannedCall[];
  warnings: string[];
}

/** True when the request fails over an Aurora global database allowing data loss (FailoverGlobalCluster). */
export function losesData(runbook: FailoverRunbook, allowDataLoss: boolean): boolean {
  return runbook.promote !== undefined && 'globalCluster' in runbook.promote && allowDataLoss;
}

/** The id of the call that moves the writer: what the lag guard guards. Undefined without promote. */
export function promoteStepId(promote: PromoteTarget | undefined, dataLoss: boolean): string | undefined {
  if (!promote) return undefined;
  if ('globalCluster' in promote) return dataLoss ? 'failover' : 'switchover';
  if ('failoverCluster' in promote) return 'failover-cluster';
  return 'promote';
}

/** The target-state check of the promotion, guarding its first call. */
export function promoteChecks(runbook: FailoverRunbook, dataLoss: boolean): PreflightCheck[] {
  const { promote, region } = runbook;
  if (!promote) return [];
  const step = promoteStepId(promote, dataLoss);
  if ('globalCluster' in promote) {
    return [
      {
        kind: 'global-secondary',
        region,
        globalCluster: promote.globalCluster,
        targetClusterArn: promote.targetCluster,
        dataLoss,
        ...(step && { step }),
      },
    ];
  }
  if ('dbInstance' in promote) return [{ kind: 'read-replica', region, dbInstance: promote.dbInstance, ...(step && { step }) }];
  if ('dbCluster' in promote) return [{ kind: 'replica-cluster', region, dbCluster: promote.dbCluster, ...(step && { step }) }];
  return [
    { kind: 'cluster-reader', region, dbCluster: promote.failoverCluster, dbInstance: promote.targetInstance, ...(step && { step }) },
  ];
}

/** The resources a promotion locks: what it promotes and what it acts through. */
export function promoteResources(region: string, promote: PromoteTarget | undefined): string[] {
  if (!promote) return [];
  if ('globalCluster' in promote)
    return [resourceKey.globalCluster(promote.globalCluster), resourceKey.cluster(region, clusterIdFromArn(promote.targetCluster))];
  if ('dbInstance' in promote) return [resourceKey.instance(region, promote.dbInstance)];
  if ('dbCluster' in promote) return [resourceKey.cluster(region, promote.dbCluster)];
  return [resourceKey.cluster(region, promote.failoverCluster), resourceKey.instance(region, promote.targetInstance)];
}

/** The plan title's promotion part: "promote orders-replica (us-west-2)". */
export function promoteTitle(name: string, runbook: FailoverRunbook, dataLoss: boolean): string {
  const { promote, region } = runbook;
  if (!promote) return `Failover ${name}: DNS only, no database promotion (${region})`;
  if ('dbInstance' in promote) return `Failover ${name}: promote ${promote.dbInstance} (${region})`;
  if ('dbCluster' in promote) return `Failover ${name}: promote cluster ${promote.dbCluster} (${region})`;
  if ('failoverCluster' in promote)
    return `Failover ${name}: move the writer of ${promote.failoverCluster} to ${promote.targetInstance} (${region})`;
  const target = clusterIdFromArn(promote.targetCluster);
  if (dataLoss) return `Failover ${name}: fail over ${promote.globalCluster} to ${target} (${region}), ALLOWING DATA LOSS`;
  return `Failover ${name}: switch over ${promote.globalCluster} to ${target} (${region})`;
}

/**
 * The promotion's calls and warnings. `outcomes` are the evaluated pre-flight checks (a replica
 * cluster's retention is read there); `lagText` says the last lag, for the data-loss warning.
 */
export function planPromote(
  runbook: FailoverRunbook,
  dataLoss: boolean,
  timeouts: WaitTimeouts,
  outcomes: PreflightOutcome[],
  lagText: string,
): PromotePart {
  const { promote, region, backupRetention } = runbook;
  if (!promote) {
    return {
      calls: [],
      warnings: ['No database promotion: this runbook moves DNS only; what it points at must already accept writes.'],
    };
  }
  if ('globalCluster' in promote) return globalPart(promote, region, dataLoss, timeouts, lagText, backupRetention);
  if ('dbInstance' in promote) return instancePart(promote.dbInstance, region, timeouts, backupRetention);
  if ('dbCluster' in promote) {
    const replica = outcomes.find((o) => o.result.check?.kind === 'replica-cluster')?.facts.promotedCluster;
    return replicaClusterPart(promote.dbCluster, region, timeouts, backupRetention, replica?.backupRetention);
  }
  return writerMovePart(promote, region, timeouts);
}

/** ModifyDBCluster of the promoted cluster's backup retention, then the wait until it reads back. */
function retentionCalls(cluster: string, region: string, days: number, timeouts: WaitTimeouts): PlannedCall[] {
  return [
    {
      id: 'backup-retention',
      service: 'rds',
      operation: 'ModifyDBCluster',
      region,
      input: { DBClusterIdentifier: cluster, BackupRetentionPeriod: days, ApplyImmediately: true },
      description: `Keep ${days} days of automated backups of cluster ${cluster}`,
    },
    {
      id: 'wait-retention',
      service: 'rds',
      operation: 'DescribeDBClusters',
      region,
      input: { DBClusterIdentifier: cluster },
      description: `Wait until cluster ${cluster} is available with ${days} days of backups (up to ${formatDurationHms(timeouts.retentionMs)})`,
      wait: { until: 'available', backupRetention: days, timeoutMs: timeouts.retentionMs },
    },
  ];
}

function instancePart(db: string, region: string, timeouts: WaitTimeouts, days: number | undefined): PromotePart {
  const warnings = [`Irreversible: promoting ${db} ends its replication for good; failing back needs a new read replica.`];
  // PromoteReadReplica takes BackupRetentionPeriod itself ("Default: 1"): set in the same call,
  // the new primary never runs on one day of backups, and no second mutating call is needed.
  if (days === undefined)
    warnings.push(`No backupRetention on this runbook: PromoteReadReplica leaves ${db} with its default of 1 day of automated backups.`);
  return {
    calls: [
      {
        id: 'promote',
        service: 'rds',
        operation: 'PromoteReadReplica',
        region,
        input: { DBInstanceIdentifier: db, ...(days !== undefined && { BackupRetentionPeriod: days }) },
        description: `Promote read replica ${db} to a standalone primary${days !== undefined ? `, keeping ${days} days of automated backups` : ''} (irreversible)`,
        irreversible: true,
      },
      {
        id: 'wait-promoted',
        service: 'rds',
        operation: 'DescribeDBInstances',
        region,
        input: { DBInstanceIdentifier: db },
        description: `Wait until ${db} is standalone and available (up to ${formatDurationHms(timeouts.promoteMs)})`,
        wait: { until: 'promoted', timeoutMs: timeouts.promoteMs },
      },
    ],
    warnings,
  };
}

function replicaClusterPart(
  cluster: string,
  region: string,
  timeouts: WaitTimeouts,
  days: number | undefined,
  replicaDays: number | undefined,
): PromotePart {
  const warnings = [
    `Irreversible: promoting cluster ${cluster} ends its replication for good; failing back needs a new read replica cluster.`,
  ];
  // PromoteReadReplicaDBCluster takes no retention: the promoted cluster keeps the one it had.
  if (days === undefined)
    warnings.push(
      `No backupRetention on this runbook: cluster ${cluster} keeps the backup retention it had as a replica (${replicaDays !== undefined ? `${replicaDays} days` : 'unknown'}).`,
    );
  return {
    calls: [
      {
        id: 'promote',
        service: 'rds',
        operation: 'PromoteReadReplicaDBCluster',
        region,
        input: { DBClusterIdentifier: cluster },
        description: `Promote read replica cluster ${cluster} to a standalone cluster (irreversible)`,
        irreversible: true,
      },
      {
        id: 'wait-promoted',
        service: 'rds',
        operation: 'DescribeDBClusters',
        region,
        input: { DBClusterIdentifier: cluster },
        description: `Wait until cluster ${cluster} is standalone and available (up to ${formatDurationHms(timeouts.promoteMs)})`,
        wait: { until: 'promoted', timeoutMs: timeouts.promoteMs },
      },
      ...(days !== undefined ? retentionCalls(cluster, region, days, timeouts) : []),
    ],
    warnings,
  };
}

/**
 * FailoverDBCluster to `target`, then a wait until it is the writer: a failover runbook's in-region
 * writer move and an Aurora Multi-AZ drill send exactly this, under their own step id.
 */
export function writerMoveCalls(input: {
  cluster: string;
  target: string;
  region: string;
  timeouts: WaitTimeouts;
  stepId: string;
}): PlannedCall[] {
  const { cluster, target, region, timeouts } = input;
  return [
    {
      id: input.stepId,
      service: 'rds',
      operation: 'FailoverDBCluster',
      region,
      input: { DBClusterIdentifier: cluster, TargetDBInstanceIdentifier: target },
      description: `Fail over cluster ${cluster}: make its reader ${target} the writer`,
    },
    {
      id: 'wait-writer',
      service: 'rds',
      operation: 'DescribeDBClusters',
      region,
      input: { DBClusterIdentifier: cluster },
      description: `Wait until ${target} is the writer of cluster ${cluster} and the cluster is available (up to ${formatDurationHms(timeouts.clusterFailoverMs)})`,
      wait: { until: 'writer', target, timeoutMs: timeouts.clusterFailoverMs },
    },
  ];
}

function writerMovePart(promote: { failoverCluster: string; targetInstance: string }, region: string, timeouts: WaitTimeouts): PromotePart {
  const { failoverCluster: cluster, targetInstance: target } = promote;
  return {
    calls: writerMoveCalls({ cluster, target, region, timeouts, stepId: 'failover-cluster' }),
    // FailoverDBCluster: "make sure to clean up and re-establish any existing connections that use those endpoint addresses".
    warnings: [
      `Writes to cluster ${cluster} stop for a short time while ${target} becomes the writer; connections to the old writer's instance endpoint must reconnect.`,
    ],
  };
}

function globalPart(
  global: { globalCluster: string; targetCluster: string },
  region: string,
  dataLoss: boolean,
  timeouts: WaitTimeouts,
  lagText: string,
  days: number | undefined,
): PromotePart {
  const target = clusterIdFromArn(global.targetCluster);
  const input = { GlobalClusterIdentifier: global.globalCluster, TargetDbClusterIdentifier: global.targetCluster };
  const calls: PlannedCall[] = [];
  const warnings: string[] = [];
  if (dataLoss) {
    calls.push({
      id: 'failover',
      service: 'rds',
      operation: 'FailoverGlobalCluster',
      region,
      input: { ...input, AllowDataLoss: true },
      description: `Fail over ${global.globalCluster} to ${target} ALLOWING DATA LOSS (no wait for replication)`,
      irreversible: true,
    });
    warnings.push(
      `DATA LOSS ALLOWED: FailoverGlobalCluster with AllowDataLoss=true promotes ${target} without waiting for replication; writes not yet replicated to it are lost (${lagText}).`,
    );
  } else {
    calls.push({
      id: 'switchover',
      service: 'rds',
      operation: 'SwitchoverGlobalCluster',
      region,
      input,
      description: `Switch over ${global.globalCluster} to ${target} (secondaries synchronise first: no data loss)`,
    });
    warnings.push(`The database is unavailable for a short time while ${target} and the current primary swap roles.`);
  }
  calls.push({
    id: 'wait-writer',
    service: 'rds',
    operation: 'DescribeGlobalClusters',
    region,
    input: { GlobalClusterIdentifier: global.globalCluster },
    description: `Wait until ${target} is the writer of ${global.globalCluster} (up to ${formatDurationHms(timeouts.globalClusterMs)})`,
    wait: { until: 'writer', target: global.targetCluster, timeoutMs: timeouts.globalClusterMs },
  });
  // ModifyDBCluster's DBClusterIdentifier is the cluster's identifier; the ARN's region is the runbook's (checked).
  if (days !== undefined) calls.push(...retentionCalls(target, region, days, timeouts));
  return { calls, warnings };
}
