import type { AwsGatewayError } from '../aws/aws-gateway-error.js';
import type { DbClusterView, DbInstanceView, GlobalClusterView, RdsGateway } from '../aws/rds-gateway.js';
import type * as Rds from '../aws/rds-gateway.js';
import type { ChangeRecordSetsInput, Route53Gateway } from '../aws/route53-gateway.js';
import type { Clock } from '../core/clock.js';
import type { PlannedCall } from '../core/plan.js';
import { ActionError, awsActionError } from './action-error.js';
import { clusterIdFromArn, describeRecord } from './preflight-failover.js';
import type { StepDetail } from './run-outcome.js';
import type { StatusPagePublisher, StatusPagePublication } from './status-page-publisher.js';
import { waitUntil, type BackoffPolicy, type PollState, type Sleeper } from './wait-until.js';

/** What executing one call needs; `results` holds the details of the steps done so far. */
export interface CallEnv {
  rds: RdsGateway;
  route53: Route53Gateway;
  statusPage?: StatusPagePublisher;
  clock: Clock;
  sleep: Sleeper;
  backoff: BackoffPolicy;
  signal?: AbortSignal;
  results: ReadonlyMap<string, StepDetail>;
  onTransient?: (err: AwsGatewayError) => void;
}

/** A step's result: words for the thread, facts for the journal. */
export interface CallResult {
  message: string;
  detail: StepDetail;
}

/** Every (service, operation) the runner can execute: what the planners in this folder produce. */
export const KNOWN_OPERATIONS = new Set([
  'rds:PromoteReadReplica',
  'rds:SwitchoverGlobalCluster',
  'rds:FailoverGlobalCluster',
  'rds:RestoreDBInstanceFromDBSnapshot',
  'rds:RestoreDBInstanceToPointInTime',
  'rds:RestoreDBClusterFromSnapshot',
  'rds:RestoreDBClusterToPointInTime',
  'rds:CreateDBInstance',
  'rds:DescribeDBInstances',
  'rds:DescribeDBClusters',
  'rds:DescribeGlobalClusters',
  'route53:ChangeResourceRecordSets',
  'route53:GetChange',
  'statuspage:publish',
]);

/** Operations that are polling steps: the plan must give them a `wait`. */
export const POLLING_OPERATIONS = new Set([
  'rds:DescribeDBInstances',
  'rds:DescribeDBClusters',
  'rds:DescribeGlobalClusters',
  'route53:GetChange',
]);

/**
 * Statuses an instance or cluster never leaves on its own (RDS "Viewing instance status" table):
 * waiting longer cannot help, so the wait fails at once.
 */
const TERMINAL = new Set([
  'failed',
  'incompatible-restore',
  'incompatible-parameters',
  'incompatible-network',
  'incompatible-option-group',
  'inaccessible-encryption-credentials',
  'storage-full',
  'deleting',
]);

// Plans are built by the planners in this folder and stored as JSON; the inputs have the shapes
// those planners give them, so the casts live here, in one place.
const as = <T>(call: PlannedCall): T => call.input as unknown as T;

function regionOf(call: PlannedCall): string {
  if (!call.region) throw new ActionError('LIFEBOAT_PLAN_INVALID', `Step ${call.id} (${call.operation}) has no region.`);
  return call.region;
}

function instanceState(db: DbInstanceView | null, id: string, until: string): PollState {
  if (!db)
    return until === 'promoted'
      ? { done: false, failed: `${id} no longer exists`, observed: 'not found' }
      : { done: false, observed: 'not visible yet' };
  if (TERMINAL.has(db.status)) return { done: false, failed: `${id} is ${db.status}`, observed: db.status };
  const done = db.status === 'available' && (until !== 'promoted' || db.replicaSource === undefined);
  const observed = db.replicaSource ? `${db.status}, still replicating from ${db.replicaSource}` : db.status;
  return { done, observed };
}

function clusterState(c: DbClusterView | null, id: string): PollState {
  if (!c) return { done: false, observed: 'not visible yet' };
  if (TERMINAL.has(c.status)) return { done: false, failed: `${id} is ${c.status}`, observed: c.status };
  return { done: c.status === 'available', observed: c.status };
}

function writerState(g: GlobalClusterView | null, global: string, targetArn: string): PollState {
  if (!g) return { done: false, failed: `global database ${global} no longer exists`, observed: 'not found' };
  const writer = g.members.find((m) => m.isWriter)?.arn;
  const moving = g.failover ? `, ${g.failover.status ?? 'switching'}` : '';
  const observed = `writer ${writer ? clusterIdFromArn(writer) : 'none'}${moving}`;
  return { done: writer === targetArn && !g.failover, observed };
}

/** Executes one planned call (a polling step polls until its state); throws `ActionError`. */
export async function executeCall(call: PlannedCall, env: CallEnv): Promise<CallResult> {
  try {
    return await dispatch(call, env);
  } catch (err) {
    throw awsActionError(err, call.description);
  }
}

async function dispatch(call: PlannedCall, env: CallEnv): Promise<CallResult> {
  const wait = <T>(what: string, poll: () => Promise<T>, state: (v: T) => PollState) =>
    waitUntil({
      what,
      poll,
      state,
      timeoutMs: call.wait?.timeoutMs ?? 0,
      clock: env.clock,
      sleep: env.sleep,
      backoff: env.backoff,
      ...(env.signal && { signal: env.signal }),
      ...(env.onTransient && { onTransient: env.onTransient }),
    });
  const key = `${call.service}:${call.operation}`;
  switch (key) {
    case 'rds:PromoteReadReplica': {
      const input = as<Rds.PromoteReadReplicaInput>(call);
      const db = await env.rds.promoteReadReplica(regionOf(call), input);
      return {
        message: `PromoteReadReplica accepted for ${input.DBInstanceIdentifier} (${db?.status ?? 'status unknown'})`,
        detail: { status: db?.status ?? null },
      };
    }
    case 'rds:SwitchoverGlobalCluster':
    case 'rds:FailoverGlobalCluster': {
      const input = as<Rds.FailoverGlobalClusterInput>(call);
      const g =
        call.operation === 'SwitchoverGlobalCluster'
          ? await env.rds.switchoverGlobalCluster(regionOf(call), as<Rds.SwitchoverGlobalClusterInput>(call))
          : await env.rds.failoverGlobalCluster(regionOf(call), input);
      return {
        message: `${call.operation} accepted for ${input.GlobalClusterIdentifier} (${g?.status ?? 'status unknown'})`,
        detail: { status: g?.status ?? null },
      };
    }
    case 'rds:RestoreDBInstanceFromDBSnapshot':
    case 'rds:RestoreDBInstanceToPointInTime':
    case 'rds:CreateDBInstance': {
      const region = regionOf(call);
      const db =
        call.operation === 'CreateDBInstance'
          ? await env.rds.createDbInstance(region, as<Rds.CreateDbInstanceInput>(call))
          : call.operation === 'RestoreDBInstanceFromDBSnapshot'
            ? await env.rds.restoreDbInstanceFromSnapshot(region, as<Rds.RestoreDbInstanceFromSnapshotInput>(call))
            : await env.rds.restoreDbInstanceToPointInTime(region, as<Rds.RestoreDbInstanceToPointInTimeInput>(call));
      return {
        message: `${call.operation} accepted: ${db?.id ?? 'instance'} is ${db?.status ?? 'being created'}`,
        detail: { id: db?.id ?? null, status: db?.status ?? null },
      };
    }
    case 'rds:RestoreDBClusterFromSnapshot':
    case 'rds:RestoreDBClusterToPointInTime': {
      const region = regionOf(call);
      const c =
        call.operation === 'RestoreDBClusterFromSnapshot'
          ? await env.rds.restoreDbClusterFromSnapshot(region, as<Rds.RestoreDbClusterFromSnapshotInput>(call))
          : await env.rds.restoreDbClusterToPointInTime(region, as<Rds.RestoreDbClusterToPointInTimeInput>(call));
      return {
        message: `${call.operation} accepted: ${c?.id ?? 'cluster'} is ${c?.status ?? 'being created'}`,
        detail: { id: c?.id ?? null, status: c?.status ?? null },
      };
    }
    case 'rds:DescribeDBInstances': {
      const id = as<{ DBInstanceIdentifier: string }>(call).DBInstanceIdentifier;
      const until = call.wait?.until ?? 'available';
      const what = until === 'promoted' ? `${id} to be standalone and available` : `${id} to be available`;
      const region = regionOf(call);
      const { value, elapsedMs } = await wait(
        what,
        () => env.rds.describeDbInstance(region, id),
        (db) => instanceState(db, id, until),
      );
      const endpoint = value?.endpoint;
      return {
        message: `${id} is available${endpoint ? ` at ${endpoint}` : ''} (waited ${Math.round(elapsedMs / 1000)}s)`,
        detail: { status: 'available', ...(endpoint && { endpoint }) },
      };
    }
    case 'rds:DescribeDBClusters': {
      const id = as<{ DBClusterIdentifier: string }>(call).DBClusterIdentifier;
      const region = regionOf(call);
      const { value, elapsedMs } = await wait(
        `cluster ${id} to be available`,
        () => env.rds.describeDbCluster(region, id),
        (c) => clusterState(c, id),
      );
      const endpoint = value?.endpoint;
      return {
        message: `cluster ${id} is available${endpoint ? ` at ${endpoint}` : ''} (waited ${Math.round(elapsedMs / 1000)}s)`,
        detail: { status: 'available', ...(endpoint && { endpoint }) },
      };
    }
    case 'rds:DescribeGlobalClusters': {
      const global = as<{ GlobalClusterIdentifier: string }>(call).GlobalClusterIdentifier;
      const target = call.wait?.target ?? '';
      const region = regionOf(call);
      const what = `${clusterIdFromArn(target)} to be the writer of ${global}`;
      const { elapsedMs } = await wait(
        what,
        () => env.rds.describeGlobalCluster(region, global),
        (g) => writerState(g, global, target),
      );
      return {
        message: `${clusterIdFromArn(target)} is the writer of ${global} (waited ${Math.round(elapsedMs / 1000)}s)`,
        detail: { writer: target },
      };
    }
    case 'route53:ChangeResourceRecordSets': {
      const input = as<ChangeRecordSetsInput>(call);
      const set = input.ChangeBatch.Changes[0]?.ResourceRecordSet;
      if (!set) throw new ActionError('LIFEBOAT_PLAN_INVALID', `Step ${call.id} has no record change.`);
      // Captured right before the change, for failback: the record as it really was at cut-over.
      const previous = (await env.route53.recordsNamed(input.HostedZoneId, set.Name)).find((r) => r.type === set.Type) ?? null;
      const change = await env.route53.changeRecordSets(input);
      const was = previous ? describeRecord(previous) : 'no record';
      return {
        message: `${set.Name} ${set.Type} now ${set.ResourceRecords.map((r) => r.Value).join(', ')} (was ${was}); change ${change.changeId} ${change.status}`,
        detail: { changeId: change.changeId, status: change.status, previous },
      };
    }
    case 'route53:GetChange': {
      const changeId = env.results.get(call.wait?.after ?? '')?.changeId;
      if (typeof changeId !== 'string' || changeId === '')
        throw new ActionError('LIFEBOAT_PLAN_INVALID', `Step ${call.id} has no change to wait for.`);
      const { elapsedMs } = await wait(
        `DNS change ${changeId} to be INSYNC`,
        () => env.route53.getChange(changeId),
        (c) => ({ done: c.status === 'INSYNC', observed: c.status }),
      );
      return {
        message: `DNS change ${changeId} is INSYNC (waited ${Math.round(elapsedMs / 1000)}s)`,
        detail: { changeId, status: 'INSYNC' },
      };
    }
    case 'statuspage:publish': {
      if (!env.statusPage) throw new ActionError('LIFEBOAT_STATUSPAGE_FAILED', 'No status page is configured to publish to.');
      const publication = as<StatusPagePublication>(call);
      let url: string | undefined;
      try {
        ({ url } = await env.statusPage(publication));
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new ActionError(
          'LIFEBOAT_STATUSPAGE_FAILED',
          `Publishing to the status page failed; nothing was published. Check the status page settings and request again.`,
          reason,
        );
      }
      return {
        message: `Published "${publication.status}" for ${publication.incidentId}${url ? `: ${url}` : ''}`,
        detail: { ...(url && { url }) },
      };
    }
    default:
      throw new ActionError('LIFEBOAT_PLAN_INVALID', `Step ${call.id} asks for ${key}, which Lifeboat does not execute.`);
  }
}
