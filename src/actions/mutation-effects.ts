import type {
  FailoverDbClusterInput,
  ModifyDbClusterRetentionInput,
  RdsGateway,
  SwitchoverGlobalClusterInput,
} from '../aws/rds-gateway.js';
import { normalizeDnsName, type ChangeRecordSetsInput, type RecordSetInput, type Route53Gateway } from '../aws/route53-gateway.js';
import type { DnsRecordTarget, PlannedCall } from '../core/plan.js';
import { readsAsTarget } from './preflight-dns.js';
import type { DnsRecord } from '../core/dns-record.js';
import { addressedBy } from './dns-change-run.js';
import type { Effect } from './confirm-mutation.js';
import { clusterIdFromArn } from './preflight-failover.js';
import { describeRecord } from '../core/dns-record.js';

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

/**
 * DeleteDBInstance / DeleteDBCluster of a drill's resource: accepted, it reads `deleting` (or is
 * already gone). Anything else means the delete did not take.
 */
export async function instanceDeletedEffect(rds: RdsGateway, region: string, id: string): Promise<Effect> {
  const db = await rds.describeDbInstance(region, id);
  if (!db) return { took: true, observed: `${id} is gone` };
  return db.status === 'deleting' ? { took: true, observed: `${id} is deleting` } : { took: false, observed: `${id} is ${db.status}` };
}

export async function clusterDeletedEffect(rds: RdsGateway, region: string, id: string): Promise<Effect> {
  const c = await rds.describeDbCluster(region, id);
  if (!c) return { took: true, observed: `cluster ${id} is gone` };
  return c.status === 'deleting'
    ? { took: true, observed: `cluster ${id} is deleting` }
    : { took: false, observed: `cluster ${id} is ${c.status}` };
}

/** A cluster restore: the new cluster exists under the identifier the plan chose. */
export async function clusterCreatedEffect(rds: RdsGateway, region: string, id: string): Promise<Effect> {
  const c = await rds.describeDbCluster(region, id);
  return c ? { took: true, observed: `cluster ${id} exists (${c.status})` } : { took: false, observed: `cluster ${id} does not exist` };
}

/** What a change writes, in the terms pre-flight compares records in. */
function targetOf(set: RecordSetInput): DnsRecordTarget {
  const value = set.ResourceRecords?.[0]?.Value;
  return {
    ...(set.AliasTarget && {
      alias: {
        hostedZoneId: set.AliasTarget.HostedZoneId,
        dnsName: set.AliasTarget.DNSName,
        evaluateTargetHealth: set.AliasTarget.EvaluateTargetHealth,
      },
    }),
    ...(value !== undefined && { value }),
    ...(set.TTL !== undefined && { ttl: set.TTL }),
    ...(set.Weight !== undefined && { weight: set.Weight }),
    ...(set.Failover !== undefined && { failover: set.Failover }),
  };
}

/**
 * A record batch: every change's record set (name, type, SetIdentifier) now reads exactly as the
 * change wrote it. Route 53 applies a batch all or none, so one record still as it was means none took.
 */
export async function recordChangeEffect(route53: Route53Gateway, input: ChangeRecordSetsInput): Promise<Effect> {
  const changes = input.ChangeBatch.Changes;
  if (changes.length === 0) return { took: false, observed: 'the change names no record' };
  const byName = new Map<string, DnsRecord[]>();
  const seen: string[] = [];
  let took = true;
  for (const { ResourceRecordSet: set } of changes) {
    const name = normalizeDnsName(set.Name);
    const records = byName.get(name) ?? (await route53.recordsNamed(input.HostedZoneId, set.Name));
    byName.set(name, records);
    const current = addressedBy(records, set);
    const label = `${name}${set.SetIdentifier !== undefined ? ` (${set.SetIdentifier})` : ''}`;
    if (!current) {
      took = false;
      seen.push(`${label} has no ${set.Type} record`);
      continue;
    }
    took &&= readsAsTarget(current, targetOf(set));
    seen.push(`${label} reads ${describeRecord(current)}`);
  }
  return { took, observed: seen.join('; ') };
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

/**
 * RebootDBInstance with ForceFailover: pre-flight found the instance `available` with its primary
 * in `fromZone` just before; an accepted reboot turns it `rebooting` at once, and the failover
 * leaves the primary in the other zone.
 */
export async function instanceFailoverEffect(rds: RdsGateway, region: string, id: string, fromZone: string | undefined): Promise<Effect> {
  const db = await rds.describeDbInstance(region, id);
  if (!db) return { took: false, observed: `${id} is not found` };
  if (db.status !== 'available') return { took: true, observed: `${id} is ${db.status} (failover under way)` };
  if (fromZone !== undefined && db.availabilityZone !== undefined && db.availabilityZone !== fromZone)
    return { took: true, observed: `${id} is available with its primary now in ${db.availabilityZone} (failed over from ${fromZone})` };
  return { took: false, observed: `${id} is still available with its primary in ${db.availabilityZone ?? 'an unreported zone'}` };
}
