import type { AwsGatewayError } from '../aws/aws-gateway-error.js';
import type { GlobalClusterView, RdsGateway } from '../aws/rds-gateway.js';
import type { Route53Gateway } from '../aws/route53-gateway.js';
import type { Clock } from '../core/clock.js';
import type { PlannedCall } from '../core/plan.js';
import { ActionError, awsActionError } from './action-error.js';
import { clusterIdFromArn } from './preflight-failover.js';
import { describeRecord } from '../core/dns-record.js';
import type { StepDetail } from './run-outcome.js';
import type { StatusPagePublisher } from './status-page-publisher.js';
import { executeHook } from './execute-hook.js';
import { sendMutation, type Effect } from './confirm-mutation.js';
import {
  clusterCreatedEffect,
  clusterPromotionEffect,
  clusterRetentionEffect,
  clusterWriterEffect,
  instanceCreatedEffect,
  instanceFailoverEffect,
  promotionEffect,
  recordChangeEffect,
  writerMoveEffect,
} from './mutation-effects.js';
import { clusterState, clusterWaitDone, clusterWaitWhat } from './cluster-wait.js';
import { instanceState } from './instance-wait.js';
import { batchToSend, recordsReplaced } from './dns-change-run.js';
import { executeVerify, type VerifyEnv } from './execute-verify.js';
import { waitUntil, type BackoffPolicy, type PollState, type Sleeper } from './wait-until.js';

/** What executing one call needs; `results` holds the details of the steps done so far. */
export interface CallEnv {
  rds: RdsGateway;
  route53: Route53Gateway;
  statusPage?: StatusPagePublisher;
  /** For verify steps: the configured checks and the probes that run them; absent, a verify step fails. */
  verify?: Pick<VerifyEnv, 'checks' | 'probes'>;
  clock: Clock;
  sleep: Sleeper;
  backoff: BackoffPolicy;
  signal?: AbortSignal;
  results: ReadonlyMap<string, StepDetail>;
  onTransient?: (err: AwsGatewayError) => void;
  /** The hooks' bearer tokens by variable; absent: no hook has one. */
  hookTokens?: Readonly<Record<string, string>>;
}

/** A step's result: words for the thread, facts for the journal. */
export interface CallResult {
  message: string;
  detail: StepDetail;
}

/** `rds:PromoteReadReplica`, ...: a call's service and operation, as plans are checked against them. */
type OperationKey<Call extends PlannedCall = PlannedCall> = Call extends PlannedCall ? `${Call['service']}:${Call['operation']}` : never;

// Keyed by every member of PlannedCall, so a new kind of call cannot be left out; true marks the
// polling steps, which the plan must give a `wait`.
const IS_POLLING: Record<OperationKey, boolean> = {
  'rds:PromoteReadReplica': false,
  'rds:PromoteReadReplicaDBCluster': false,
  'rds:FailoverDBCluster': false,
  'rds:RebootDBInstance': false,
  'rds:ModifyDBCluster': false,
  'rds:SwitchoverGlobalCluster': false,
  'rds:FailoverGlobalCluster': false,
  'rds:RestoreDBInstanceFromDBSnapshot': false,
  'rds:RestoreDBInstanceToPointInTime': false,
  'rds:RestoreDBClusterFromSnapshot': false,
  'rds:RestoreDBClusterToPointInTime': false,
  'rds:CreateDBInstance': false,
  'rds:DescribeDBInstances': true,
  'rds:DescribeDBClusters': true,
  'rds:DescribeGlobalClusters': true,
  'route53:ChangeResourceRecordSets': false,
  'route53:GetChange': true,
  'statuspage:publish': false,
  'lifeboat:Verify': true,
  'http:Request': false,
};

/** Every (service, operation) the runner can execute: what the planners in this folder produce. */
export const KNOWN_OPERATIONS: ReadonlySet<string> = new Set(Object.keys(IS_POLLING));

/** Operations that are polling steps: the plan must give them a `wait`. */
export const POLLING_OPERATIONS: ReadonlySet<string> = new Set(
  Object.entries(IS_POLLING).flatMap(([key, polling]) => (polling ? [key] : [])),
);

function regionOf(call: PlannedCall): string {
  if (!call.region) throw new ActionError('LIFEBOAT_PLAN_INVALID', `Step ${call.id} (${call.operation}) has no region.`);
  return call.region;
}

function writerState(g: GlobalClusterView | null, global: string, targetArn: string): PollState {
  if (!g) return { done: false, failed: `global database ${global} no longer exists`, observed: 'not found' };
  const writer = g.members.find((m) => m.isWriter)?.arn;
  const moving = g.failover ? `, ${g.failover.status ?? 'switching'}` : '';
  const observed = `writer ${writer ? clusterIdFromArn(writer) : 'none'}${moving}`;
  return { done: writer === targetArn && !g.failover, observed };
}

/** A DNS change's status when it was confirmed by reading the record back (its change id was lost). */
export const CONFIRMED_BY_READ = 'confirmed-by-read';

/** The step's result when AWS's answer was lost and describing the resource showed the call took effect. */
function confirmedResult(operation: string, sent: { observed: string; lost: string }, detail: StepDetail): CallResult {
  return {
    message: `${operation}: AWS's answer was lost (${sent.lost}); reading back, ${sent.observed}: it took effect, and it was not sent again`,
    detail: { ...detail, confirmedBy: 'describe', observed: sent.observed },
  };
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
  const mutate = <T>(send: () => Promise<T>, effect: () => Promise<Effect>) =>
    sendMutation(call.description, { sleep: env.sleep, ...(env.signal && { signal: env.signal }) }, send, effect);
  // A stored plan is checked loosely: an operation under the wrong service is not the call it names.
  const key = `${call.service}:${call.operation}`;
  if (!KNOWN_OPERATIONS.has(key))
    throw new ActionError('LIFEBOAT_PLAN_INVALID', `Step ${call.id} asks for ${key}, which Lifeboat does not execute.`);
  switch (call.operation) {
    case 'PromoteReadReplica': {
      const region = regionOf(call);
      const id = call.input.DBInstanceIdentifier;
      const sent = await mutate(
        () => env.rds.promoteReadReplica(region, call.input),
        () => promotionEffect(env.rds, region, id),
      );
      if (sent.kind === 'confirmed') return confirmedResult(call.operation, sent, { status: null });
      return {
        message: `PromoteReadReplica accepted for ${id} (${sent.value?.status ?? 'status unknown'})`,
        detail: { status: sent.value?.status ?? null },
      };
    }
    case 'PromoteReadReplicaDBCluster': {
      const region = regionOf(call);
      const id = call.input.DBClusterIdentifier;
      const sent = await mutate(
        () => env.rds.promoteReadReplicaDbCluster(region, call.input),
        () => clusterPromotionEffect(env.rds, region, id),
      );
      if (sent.kind === 'confirmed') return confirmedResult(call.operation, sent, { status: null });
      return {
        message: `PromoteReadReplicaDBCluster accepted for cluster ${id} (${sent.value?.status ?? 'status unknown'})`,
        detail: { status: sent.value?.status ?? null },
      };
    }
    case 'FailoverDBCluster': {
      const region = regionOf(call);
      const sent = await mutate(
        () => env.rds.failoverDbCluster(region, call.input),
        () => clusterWriterEffect(env.rds, region, call.input),
      );
      if (sent.kind === 'confirmed') return confirmedResult(call.operation, sent, { status: null });
      return {
        message: `FailoverDBCluster accepted for cluster ${call.input.DBClusterIdentifier} to ${call.input.TargetDBInstanceIdentifier} (${sent.value?.status ?? 'status unknown'})`,
        detail: { status: sent.value?.status ?? null },
      };
    }
    case 'RebootDBInstance': {
      const region = regionOf(call);
      const id = call.input.DBInstanceIdentifier;
      const sent = await mutate(
        () => env.rds.rebootDbInstance(region, call.input),
        () => instanceFailoverEffect(env.rds, region, id, call.fromZone),
      );
      if (sent.kind === 'confirmed') return confirmedResult(call.operation, sent, { status: null });
      return {
        message: `RebootDBInstance with ForceFailover accepted for ${id} (${sent.value?.status ?? 'status unknown'})`,
        detail: { status: sent.value?.status ?? null },
      };
    }
    case 'ModifyDBCluster': {
      const region = regionOf(call);
      const sent = await mutate(
        () => env.rds.modifyDbClusterRetention(region, call.input),
        () => clusterRetentionEffect(env.rds, region, call.input),
      );
      if (sent.kind === 'confirmed') return confirmedResult(call.operation, sent, { status: null });
      return {
        message: `ModifyDBCluster accepted: cluster ${call.input.DBClusterIdentifier} keeps ${call.input.BackupRetentionPeriod} days of backups (${sent.value?.status ?? 'status unknown'})`,
        detail: { status: sent.value?.status ?? null },
      };
    }
    case 'SwitchoverGlobalCluster':
    case 'FailoverGlobalCluster': {
      const region = regionOf(call);
      const sent = await mutate(
        () =>
          call.operation === 'SwitchoverGlobalCluster'
            ? env.rds.switchoverGlobalCluster(region, call.input)
            : env.rds.failoverGlobalCluster(region, call.input),
        () => writerMoveEffect(env.rds, region, call.input),
      );
      if (sent.kind === 'confirmed') return confirmedResult(call.operation, sent, { status: null });
      return {
        message: `${call.operation} accepted for ${call.input.GlobalClusterIdentifier} (${sent.value?.status ?? 'status unknown'})`,
        detail: { status: sent.value?.status ?? null },
      };
    }
    case 'RestoreDBInstanceFromDBSnapshot':
    case 'RestoreDBInstanceToPointInTime':
    case 'CreateDBInstance': {
      const region = regionOf(call);
      const id =
        call.operation === 'RestoreDBInstanceToPointInTime' ? call.input.TargetDBInstanceIdentifier : call.input.DBInstanceIdentifier;
      const sent = await mutate(
        () =>
          call.operation === 'CreateDBInstance'
            ? env.rds.createDbInstance(region, call.input)
            : call.operation === 'RestoreDBInstanceFromDBSnapshot'
              ? env.rds.restoreDbInstanceFromSnapshot(region, call.input)
              : env.rds.restoreDbInstanceToPointInTime(region, call.input),
        () => instanceCreatedEffect(env.rds, region, id),
      );
      if (sent.kind === 'confirmed') return confirmedResult(call.operation, sent, { id, status: null });
      const db = sent.value;
      return {
        message: `${call.operation} accepted: ${db?.id ?? 'instance'} is ${db?.status ?? 'being created'}`,
        detail: { id: db?.id ?? null, status: db?.status ?? null },
      };
    }
    case 'RestoreDBClusterFromSnapshot':
    case 'RestoreDBClusterToPointInTime': {
      const region = regionOf(call);
      const id = call.input.DBClusterIdentifier;
      const sent = await mutate(
        () =>
          call.operation === 'RestoreDBClusterFromSnapshot'
            ? env.rds.restoreDbClusterFromSnapshot(region, call.input)
            : env.rds.restoreDbClusterToPointInTime(region, call.input),
        () => clusterCreatedEffect(env.rds, region, id),
      );
      if (sent.kind === 'confirmed') return confirmedResult(call.operation, sent, { id, status: null });
      const c = sent.value;
      return {
        message: `${call.operation} accepted: ${c?.id ?? 'cluster'} is ${c?.status ?? 'being created'}`,
        detail: { id: c?.id ?? null, status: c?.status ?? null },
      };
    }
    case 'DescribeDBInstances': {
      const id = call.input.DBInstanceIdentifier;
      const until = call.wait?.until ?? 'available';
      const fromZone = call.fromZone;
      const what =
        until === 'promoted'
          ? `${id} to be standalone and available`
          : until === 'failed-over'
            ? `${id} to be available with its primary out of ${fromZone ?? 'its zone'}`
            : `${id} to be available`;
      const region = regionOf(call);
      const { value, elapsedMs } = await wait(
        what,
        () => env.rds.describeDbInstance(region, id),
        (db) => instanceState(db, id, until, fromZone),
      );
      const endpoint = value?.endpoint;
      const zone = until === 'failed-over' && value?.availabilityZone ? `, primary now in ${value.availabilityZone}` : '';
      return {
        message: `${id} is available${endpoint ? ` at ${endpoint}` : ''}${zone} (waited ${Math.round(elapsedMs / 1000)}s)`,
        detail: { status: 'available', ...(endpoint && { endpoint }), ...(zone && { zone: value?.availabilityZone }) },
      };
    }
    case 'DescribeDBClusters': {
      const id = call.input.DBClusterIdentifier;
      const region = regionOf(call);
      const { value, elapsedMs } = await wait(
        clusterWaitWhat(id, call.wait),
        () => env.rds.describeDbCluster(region, id),
        (c) => clusterState(c, id, call.wait),
      );
      const endpoint = value?.endpoint;
      return {
        message: `${clusterWaitDone(id, call.wait)}${endpoint ? ` at ${endpoint}` : ''} (waited ${Math.round(elapsedMs / 1000)}s)`,
        detail: { status: 'available', ...(endpoint && { endpoint }) },
      };
    }
    case 'DescribeGlobalClusters': {
      const global = call.input.GlobalClusterIdentifier;
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
    case 'ChangeResourceRecordSets': {
      const input = batchToSend(call, env.results);
      // Captured right before the change, for failback: the records as they really were at cut-over.
      const previous = await recordsReplaced(env.route53, input);
      const sent = await mutate(
        () => env.route53.changeRecordSets(input),
        () => recordChangeEffect(env.route53, input),
      );
      // Confirmed by reading the records back: the change id was lost with the answer.
      if (sent.kind === 'confirmed') return confirmedResult(call.operation, sent, { changeId: null, status: CONFIRMED_BY_READ, previous });
      const change = sent.value;
      const what = input.ChangeBatch.Changes.map((c, i) => {
        const set = c.ResourceRecordSet;
        const now = set.AliasTarget ? `alias to ${set.AliasTarget.DNSName}` : (set.ResourceRecords ?? []).map((r) => r.Value).join(', ');
        const routing = set.Weight !== undefined ? ` weight ${set.Weight}` : set.Failover !== undefined ? ` ${set.Failover}` : '';
        const was = previous[i] ? describeRecord(previous[i]) : 'no record';
        return `${set.Name} ${set.Type}${set.SetIdentifier !== undefined ? ` ${set.SetIdentifier}` : ''} now${routing} ${now} (was ${was})`;
      });
      return {
        message: `${what.join('; ')}; change ${change.changeId} ${change.status}`,
        detail: { changeId: change.changeId, status: change.status, previous },
      };
    }
    case 'GetChange': {
      const changed = env.results.get(call.wait?.after ?? '');
      if (changed?.status === CONFIRMED_BY_READ) {
        return {
          message:
            "The change's id was lost with AWS's answer, so its spread to Route 53's name servers (INSYNC) cannot be followed; the record itself reads as intended",
          detail: { changeId: null, status: 'unobserved' },
        };
      }
      const changeId = changed?.changeId;
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
    case 'publish': {
      if (!env.statusPage) throw new ActionError('LIFEBOAT_STATUSPAGE_FAILED', 'No status page is configured to publish to.');
      const publication = call.input;
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
    case 'Verify': {
      if (!env.verify)
        throw new ActionError('LIFEBOAT_PLAN_INVALID', `Step ${call.id} verifies recovery, but no probes are wired to run its checks.`);
      return executeVerify(call, {
        ...env.verify,
        clock: env.clock,
        sleep: env.sleep,
        ...(env.signal && { signal: env.signal }),
      });
    }
    case 'Request':
      return executeHook(call, env);
    default:
      return call satisfies never;
  }
}
