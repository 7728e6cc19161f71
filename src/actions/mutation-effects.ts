import type {
  FailoverDbClusterInput,
  ModifyDbClusterRetentionInput,
  RdsGateway,
  SwitchoverGlobalClusterInput,
} from '../aws/rds-gateway.js';
import type { ChangeRecordSetsInput, Route53Gateway } from '../aws/route53-gateway.js';
import type { PlannedCall } from '../core/plan.js';
import type { Effect } from './confirm-mutation.js';
import { clusterIdFromArn, describeRecord } from './preflight-failover.js';

/*
 * How each mutating call shows in AWS once accepted, read back when its answer was lost
 * (confirm-mutation.ts). Each look says what it saw, for the run's thread.
 */

/**
 * PromoteReadReplica: pre-flight found the replica `available` just before; an accepted promotion
 * turns it `modifying` (then `rebooting`) at once, and it stops naming a replication source.
 */
export async function promotionEffect(rds: RdsGateway, region: string, id: string): Promise<Effect> {
  const db = await rds.describeDbInstance(region, id);
  if (!db) return { took: false, observed: `${id} is not found` };
  if (db.replicaSource === undefined) return { took: true, observed: `${id} is ${db.status} and no longer a read replica` };
  if (db.status !== 'available') return { took: true, observed: `${id} is ${db.status} (promotion under way)` };
  return { took: false, observed: `${id} is still an available read replica of ${db.replicaSource}` };
}

/** Switchover or failover of a global database: a FailoverState appears, or the target is already the writer. */
export async function writerMoveEffect(rds: RdsGateway, region: string, input: SwitchoverGlobalClusterInput): Promise<Effect> {
  const global = input.GlobalClusterIdentifier;
  const target = input.TargetDbClusterIdentifier;
  const g = await rds.describeGlobalCluster(region, global);
  if (!g) return { took: false, observed: `global database ${global} is not found` };
  const writer = g.members.find((m) => m.isWriter)?.arn;
  if (g.failover)
    return { took: true, observed: `${global} is ${g.failover.status ?? 'switching'} to ${clusterIdFromArn(g.failover.toArn ?? target)}` };
  if (writer === target) return { took: true, observed: `${clusterIdFromArn(target)} is already the writer of ${global}` };
  return {
    took: false,
    observed: `${global}'s writer is still ${writer ? clusterIdFromArn(writer) : 'none'}, with no switchover under way`,
  };
}

/** A restore or CreateDBInstance: the new instance exists under the identifier the plan chose. */
export async function instanceCreatedEffect(rds: RdsGateway, region: string, id: string): Promise<Effect> {
  const db = await rds.describeDbInstance(region, id);
  return db ? { took: true, observed: `${id} exists (${db.status})` } : { took: false, observed: `${id} does not exist` };
}

/** A cluster restore: the new cluster exists under the identifier the plan chose. */
export async function clusterCreatedEffect(rds: RdsGateway, region: string, id: string): Promise<Effect> {
  const c = await rds.describeDbCluster(region, id);
  return c ? { took: true, observed: `cluster ${id} exists (${c.status})` } : { took: false, observed: `cluster ${id} does not exist` };
}

/** A record UPSERT: the record set now reads exactly as the change wrote it (type, TTL, values in any order). */
export async function recordChangeEffect(route53: Route53Gateway, input: ChangeRecordSetsInput): Promise<Effect> {
  const set = input.ChangeBatch.Changes[0]?.ResourceRecordSet;
  if (!set) return { took: false, observed: 'the change names no record' };
  const name = set.Name.toLowerCase().endsWith('.') ? set.Name.toLowerCase() : `${set.Name.toLowerCase()}.`;
  const current = (await route53.recordsNamed(input.HostedZoneId, set.Name)).find((r) => r.type === set.Type) ?? null;
  if (!current) return { took: false, observed: `${name} has no ${set.Type} record` };
  const wanted = (set.ResourceRecords ?? []).map((r) => r.Value).sort();
  const took =
    current.aliasTarget === undefined &&
    current.ttl === set.TTL &&
    current.values.length === wanted.length &&
    [...current.values].sort().every((value, i) => value === wanted[i]);
  return { took, observed: `${name} reads ${describeRecord(current)}` };
}

/**
 * PromoteReadReplicaDBCluster: pre-flight found the cluster an available replica just before; an
 * accepted promotion changes its status at once (`promoting`), and it stops naming a
 * ReplicationSourceIdentifier once promoted.
 */
export async function clusterPromotionEffect(rds: RdsGateway, region: string, id: string): Promise<Effect> {
  const c = await rds.describeDbCluster(region, id);
  if (!c) return { took: false, observed: `cluster ${id} is not found` };
  if (c.replicationSource === undefined) return { took: true, observed: `cluster ${id} is ${c.status} and no longer a read replica` };
  if (c.status !== 'available') return { took: true, observed: `cluster ${id} is ${c.status} (promotion under way)` };
  return { took: false, observed: `cluster ${id} is still an available read replica of ${c.replicationSource}` };
}

/** FailoverDBCluster: the cluster is `failing-over`, or the target is already its writer. */
export async function clusterWriterEffect(rds: RdsGateway, region: string, input: FailoverDbClusterInput): Promise<Effect> {
  const id = input.DBClusterIdentifier;
  const target = input.TargetDBInstanceIdentifier;
  const c = await rds.describeDbCluster(region, id);
  if (!c) return { took: false, observed: `cluster ${id} is not found` };
  const writer = c.members?.find((m) => m.isWriter)?.instance;
  if (writer?.toLowerCase() === target.toLowerCase()) return { took: true, observed: `${target} is the writer of cluster ${id}` };
  if (c.status === 'failing-over') return { took: true, observed: `cluster ${id} is failing-over` };
  return { took: false, observed: `cluster ${id} is ${c.status} and its writer is still ${writer ?? 'none'}` };
}

/** ModifyDBCluster of the backup retention: describing the cluster shows the new period. */
export async function clusterRetentionEffect(rds: RdsGateway, region: string, input: ModifyDbClusterRetentionInput): Promise<Effect> {
  const id = input.DBClusterIdentifier;
  const c = await rds.describeDbCluster(region, id);
  if (!c) return { took: false, observed: `cluster ${id} is not found` };
  const kept =
    c.backupRetention === undefined ? 'an unknown number of days' : `${c.backupRetention} day${c.backupRetention === 1 ? '' : 's'}`;
  return { took: c.backupRetention === input.BackupRetentionPeriod, observed: `cluster ${id} keeps ${kept} of backups` };
}

/** What reading a call's effect back needs. */
export interface EffectReaders {
  rds: RdsGateway;
  route53: Route53Gateway;
}

/**
 * How to read back whether `call` took effect in AWS: the same look sendMutation takes after a
 * lost answer (execute-call.ts), keyed by operation. Null for a call that cannot be read back:
 * a wait (it only reads), a status-page post, and any kind of call added later without a look
 * here; a resume plans those again and says they may already have run.
 */
export function effectOf(call: PlannedCall, readers: EffectReaders): (() => Promise<Effect>) | null {
  if (call.wait !== undefined) return null;
  if (call.operation === 'ChangeResourceRecordSets') return () => recordChangeEffect(readers.route53, call.input);
  const region = call.region;
  if (region === undefined) return null;
  switch (call.operation) {
    case 'PromoteReadReplica':
      return () => promotionEffect(readers.rds, region, call.input.DBInstanceIdentifier);
    case 'PromoteReadReplicaDBCluster':
      return () => clusterPromotionEffect(readers.rds, region, call.input.DBClusterIdentifier);
    case 'FailoverDBCluster':
      return () => clusterWriterEffect(readers.rds, region, call.input);
    case 'ModifyDBCluster':
      return () => clusterRetentionEffect(readers.rds, region, call.input);
    case 'SwitchoverGlobalCluster':
    case 'FailoverGlobalCluster':
      return () => writerMoveEffect(readers.rds, region, call.input);
    case 'RestoreDBInstanceToPointInTime':
      return () => instanceCreatedEffect(readers.rds, region, call.input.TargetDBInstanceIdentifier);
    case 'RestoreDBInstanceFromDBSnapshot':
    case 'CreateDBInstance':
      return () => instanceCreatedEffect(readers.rds, region, call.input.DBInstanceIdentifier);
    case 'RestoreDBClusterFromSnapshot':
    case 'RestoreDBClusterToPointInTime':
      return () => clusterCreatedEffect(readers.rds, region, call.input.DBClusterIdentifier);
    default:
      return null;
  }
}
