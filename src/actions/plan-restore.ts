import type * as Rds from '../aws/rds-gateway.js';
import type { RestoreRequest, RestoreSource } from '../core/action-request.js';
import type { RestoreRunbook } from '../config/types.js';
import type { Plan, PlannedCall, PreflightCheck } from '../core/plan.js';
import { ActionError } from './action-error.js';
import { formatDurationHms, formatUtcSecond } from '../core/format-time.js';
import { evaluateAll } from './preflight.js';
import { planVerify } from './plan-verify.js';
import { planHooks } from './plan-hooks.js';
import type { PreflightFacts } from './preflight-context.js';
import { DEFAULT_WAIT_TIMEOUTS, newPlanId, resourceKey, resultsOf, type PlanningContext, type WaitTimeouts } from './planning-context.js';
import { deriveRestoreIdentifier } from './restore-identifier.js';
import { dnsChecks, freezeDnsCheck, planDns, type EndpointSource } from './plan-dns.js';
import { clusterRestoreSettings, instanceRestoreSettings } from './restore-settings.js';
import { resolveSettingsSource } from './restore-source.js';

/** Tuning for `planRestore`. */
export interface RestorePlanOptions {
  timeouts?: Partial<WaitTimeouts>;
  /**
   * A restore drill (SPEC §10): the restore part only (never the runbook's dns, hooks or verify: a
   * drill must not touch production names or systems), into `<source>-drill-<stamp>`, tagged
   * `lifeboat:drill=<runId>` (the tag its cleanup reads back before every delete), without
   * deletion protection (the drill deletes what it made).
   */
  drill?: { runId: string };
}

/** The tag on everything a drill creates; its value is the drill run's id. */
export const DRILL_TAG = 'lifeboat:drill';

/** The settings' tags with the drill's tag added (replacing a carried-over one of that key). */
function withDrillTag<T extends { Tags?: Rds.RdsTag[]; DeletionProtection?: boolean }>(input: T, runId: string | undefined): T {
  if (runId === undefined) return input;
  const tags = (input.Tags ?? []).filter((t) => t.Key !== DRILL_TAG);
  return { ...input, Tags: [...tags, { Key: DRILL_TAG, Value: runId }], DeletionProtection: false };
}

/**
 * The network placement every restore call gets from the runbook. Without it RDS picks defaults:
 * a point-in-time restore "is created ... with the default security group, the default subnet
 * group" (RestoreDBInstanceToPointInTime), which is rarely where production belongs.
 */
function placement(runbook: RestoreRunbook): Pick<Rds.RestoreDbInstanceFromSnapshotInput, 'DBSubnetGroupName' | 'VpcSecurityGroupIds'> {
  return {
    ...(runbook.subnetGroup !== undefined && { DBSubnetGroupName: runbook.subnetGroup }),
    ...(runbook.securityGroups.length > 0 && { VpcSecurityGroupIds: [...runbook.securityGroups] }),
  };
}

// The point-in-time restores name the time differently; absent, they restore to the latest restorable time.
function instanceRestorePoint(
  at: string | undefined,
): Pick<Rds.RestoreDbInstanceToPointInTimeInput, 'RestoreTime' | 'UseLatestRestorableTime'> {
  return at === undefined ? { UseLatestRestorableTime: true } : { RestoreTime: at };
}

function clusterRestorePoint(
  at: string | undefined,
): Pick<Rds.RestoreDbClusterToPointInTimeInput, 'RestoreToTime' | 'UseLatestRestorableTime'> {
  return at === undefined ? { UseLatestRestorableTime: true } : { RestoreToTime: at };
}

/**
 * A live source is named by identifier; a deleted one by the resource id of its retained
 * automated backup ("SourceDbiResourceId: The resource ID of the source DB instance from which
 * to restore").
 */
function instanceSource(
  source: string,
  facts: PreflightFacts,
): Pick<Rds.RestoreDbInstanceToPointInTimeInput, 'SourceDBInstanceIdentifier' | 'SourceDbiResourceId'> {
  return facts.retainedBackup ? { SourceDbiResourceId: facts.retainedBackup.dbiResourceId } : { SourceDBInstanceIdentifier: source };
}

/**
 * Likewise for a cluster: "SourceDbClusterResourceId: The resource ID of the source DB cluster
 * from which to restore", where SourceDBClusterIdentifier "Must match the identifier of an
 * existing DBCluster".
 */
function clusterSource(
  source: string,
  facts: PreflightFacts,
): Pick<Rds.RestoreDbClusterToPointInTimeInput, 'SourceDBClusterIdentifier' | 'SourceDbClusterResourceId'> {
  return facts.retainedClusterBackup
    ? { SourceDbClusterResourceId: facts.retainedClusterBackup.dbClusterResourceId }
    : { SourceDBClusterIdentifier: source };
}

function describeSource(source: string, facts: PreflightFacts): string {
  const resourceId = facts.retainedBackup?.dbiResourceId ?? facts.retainedClusterBackup?.dbClusterResourceId;
  return resourceId ? `the retained automated backup of deleted ${source} (${resourceId})` : source;
}

/**
 * `--latest` on a deleted instance or cluster restores to its retained backup's latest time,
 * named explicitly: that time no longer moves, and approvers then see exactly which moment returns.
 */
function retainedLatest(facts: PreflightFacts): string | undefined {
  const latest = facts.retainedBackup?.latest ?? facts.retainedClusterBackup?.latest;
  return latest === undefined ? undefined : new Date(latest).toISOString();
}

/** The request's source with its time as ISO-8601 UTC; an unparsable time is refused before anything else. */
function normalizedSource(request: RestoreRequest): RestoreSource {
  const from = request.source;
  if (from.type !== 'time') return from;
  const at = Date.parse(from.time);
  if (Number.isNaN(at)) {
    throw new ActionError('LIFEBOAT_BAD_REQUEST', `${JSON.stringify(from.time)} is not an ISO-8601 time (e.g. 2026-11-21T06:10:00Z).`);
  }
  return { type: 'time', time: new Date(at).toISOString() };
}

/** Aurora clusters get their instances from CreateDBInstance; Multi-AZ DB clusters from DBClusterInstanceClass. */
function isAurora(engine: string | undefined): boolean {
  return engine === undefined || engine.startsWith('aurora');
}

/**
 * Plans `/dr restore <runbook>`: from a snapshot (RestoreDBInstanceFromDBSnapshot /
 * RestoreDBClusterFromSnapshot) or to a point in time (RestoreDBInstanceToPointInTime /
 * RestoreDBClusterToPointInTime, `--latest` = UseLatestRestorableTime) into a new, derived
 * identifier, then waits until available. "This operation only restores the DB cluster, not the
 * DB instances" (RestoreDBClusterFromSnapshot; RestoreDBClusterToPointInTime likewise: "You must
 * invoke the CreateDBInstance operation"), so an Aurora restore, a deleted cluster's included,
 * also creates its writer.
 * With `dns`, the records follow in one batch (plan-dns.ts); a CNAME without a value gets the
 * restored endpoint, filled in by the runner from the wait step.
 */
export async function planRestore(
  request: RestoreRequest,
  runbook: RestoreRunbook,
  ctx: PlanningContext,
  options: RestorePlanOptions = {},
): Promise<Plan> {
  const name = request.runbook;
  const cluster = runbook.dbCluster !== undefined;
  const source = runbook.dbCluster ?? runbook.dbInstance;
  if (source === undefined || (runbook.dbCluster !== undefined && runbook.dbInstance !== undefined)) {
    const problem = `runbook ${name}: give exactly one of dbInstance or dbCluster`;
    throw new ActionError('LIFEBOAT_RUNBOOK_INCONSISTENT', `${problem}. Fix the runbook in the Lifeboat config.`, problem);
  }
  const from = normalizedSource(request);
  const timeouts = { ...DEFAULT_WAIT_TIMEOUTS, ...options.timeouts };
  const { region } = runbook;
  const id = newPlanId(ctx);
  const now = ctx.clock.now();
  const drillRun = options.drill?.runId;
  const word = drillRun === undefined ? 'restore' : 'drill';
  const target = deriveRestoreIdentifier(source, now, undefined, word);
  const writer = cluster ? deriveRestoreIdentifier(source, now, 'w', word) : undefined;

  const checks: PreflightCheck[] = [];
  if (from.type === 'snapshot') {
    checks.push({ kind: 'snapshot', region, snapshotId: from.snapshotId, cluster, source, step: 'restore' });
  } else {
    checks.push({ kind: 'restore-window', region, source, cluster, time: from.type === 'time' ? from.time : 'latest', step: 'restore' });
  }
  checks.push({ kind: 'identifier-free', region, identifier: target, cluster, step: 'restore' });
  if (writer) checks.push({ kind: 'identifier-free', region, identifier: writer, cluster: false, step: 'create-writer' });
  // A record without a value points at the restored database: its endpoint, once it is available.
  const endpoint: EndpointSource = { step: cluster ? 'wait-cluster' : 'wait-restored', words: `the endpoint of ${target} once available` };
  const dns = drillRun === undefined ? (runbook.dns ?? []) : [];
  checks.push(...dnsChecks(dns, endpoint));
  const outcomes = await evaluateAll(checks, ctx);
  const facts: PreflightFacts = Object.assign({}, ...outcomes.map((o) => o.facts));

  const engine = facts.snapshot?.engine ?? facts.sourceCluster?.engine ?? facts.retainedClusterBackup?.engine;
  const aurora = cluster && isAurora(engine);
  const calls: PlannedCall[] = [];
  const resolved = await resolveSettingsSource(runbook, facts, ctx);
  const warnings: string[] = [...resolved.warnings];
  const keptKey = from.type === 'snapshot' ? facts.snapshot?.kmsKeyId : resolved.source.settings.kmsKeyId;
  const instanceSettings = instanceRestoreSettings(runbook, resolved.source, keptKey);
  instanceSettings.input = withDrillTag(instanceSettings.input, drillRun);
  const clusterSettings = clusterRestoreSettings(runbook, resolved.source);
  clusterSettings.input = withDrillTag(clusterSettings.input, drillRun);
  const carried = (cluster ? clusterSettings : instanceSettings).summary;
  // Approvers read every value in the input; the description names where each came from.
  const carrying = carried ? `; ${carried}` : '';
  let how: string;

  if (from.type === 'snapshot') {
    const snapshotId = from.snapshotId;
    how = `from snapshot ${snapshotId}`;
    if (facts.snapshot?.source && facts.snapshot.source !== source) {
      warnings.push(`Snapshot ${snapshotId} was taken from ${facts.snapshot.source}, not from ${source}.`);
    }
    calls.push(
      cluster
        ? {
            id: 'restore',
            service: 'rds',
            operation: 'RestoreDBClusterFromSnapshot',
            region,
            input: {
              DBClusterIdentifier: target,
              SnapshotIdentifier: snapshotId,
              Engine: engine ?? '',
              ...(facts.snapshot?.engineVersion && { EngineVersion: facts.snapshot.engineVersion }),
              ...(!aurora && { DBClusterInstanceClass: runbook.instanceClass }),
              ...placement(runbook),
              ...clusterSettings.input,
            },
            description: `Restore cluster ${target} from snapshot ${snapshotId}${carrying}`,
          }
        : {
            id: 'restore',
            service: 'rds',
            operation: 'RestoreDBInstanceFromDBSnapshot',
            region,
            input: {
              DBInstanceIdentifier: target,
              DBSnapshotIdentifier: snapshotId,
              DBInstanceClass: runbook.instanceClass,
              ...placement(runbook),
              ...instanceSettings.input,
            },
            description: `Restore instance ${target} (${runbook.instanceClass}) from snapshot ${snapshotId}${carrying}`,
          },
    );
  } else {
    const at = from.type === 'time' ? from.time : undefined;
    const pinned = at ?? retainedLatest(facts);
    how =
      at === undefined
        ? `to the latest restorable time${pinned ? ` (${formatUtcSecond(Date.parse(pinned))})` : ''}`
        : `to ${formatUtcSecond(Date.parse(at))}`;
    calls.push(
      cluster
        ? {
            id: 'restore',
            service: 'rds',
            operation: 'RestoreDBClusterToPointInTime',
            region,
            input: {
              DBClusterIdentifier: target,
              ...clusterSource(source, facts),
              ...clusterRestorePoint(pinned),
              ...(!aurora && { DBClusterInstanceClass: runbook.instanceClass }),
              ...placement(runbook),
              ...clusterSettings.input,
            },
            description: `Restore cluster ${target} from ${describeSource(source, facts)} ${how}${carrying}`,
          }
        : {
            id: 'restore',
            service: 'rds',
            operation: 'RestoreDBInstanceToPointInTime',
            region,
            input: {
              ...instanceSource(source, facts),
              TargetDBInstanceIdentifier: target,
              ...instanceRestorePoint(pinned),
              DBInstanceClass: runbook.instanceClass,
              ...placement(runbook),
              ...instanceSettings.input,
            },
            description: `Restore instance ${target} (${runbook.instanceClass}) from ${describeSource(source, facts)} ${how}${carrying}`,
          },
    );
  }

  const wait = `up to ${formatDurationHms(timeouts.restoreMs)}`;
  if (cluster) {
    calls.push({
      id: 'wait-cluster',
      service: 'rds',
      operation: 'DescribeDBClusters',
      region,
      input: { DBClusterIdentifier: target },
      description: `Wait until cluster ${target} is available (${wait})`,
      wait: { until: 'available', timeoutMs: timeouts.restoreMs },
    });
    if (aurora && writer) {
      calls.push(
        {
          id: 'create-writer',
          service: 'rds',
          operation: 'CreateDBInstance',
          region,
          input: {
            DBInstanceIdentifier: writer,
            DBClusterIdentifier: target,
            DBInstanceClass: runbook.instanceClass,
            Engine: engine ?? '',
            ...(clusterSettings.input.Tags && { Tags: clusterSettings.input.Tags }),
            ...(clusterSettings.input.CopyTagsToSnapshot !== undefined && { CopyTagsToSnapshot: clusterSettings.input.CopyTagsToSnapshot }),
          },
          description: `Create writer instance ${writer} (${runbook.instanceClass}) in cluster ${target}`,
        },
        {
          id: 'wait-writer',
          service: 'rds',
          operation: 'DescribeDBInstances',
          region,
          input: { DBInstanceIdentifier: writer },
          description: `Wait until ${writer} is available (${wait})`,
          wait: { until: 'available', timeoutMs: timeouts.restoreMs },
        },
      );
    }
  } else {
    calls.push({
      id: 'wait-restored',
      service: 'rds',
      operation: 'DescribeDBInstances',
      region,
      input: { DBInstanceIdentifier: target },
      description: `Wait until ${target} is available (${wait})`,
      wait: { until: 'available', timeoutMs: timeouts.restoreMs },
    });
  }

  const resources: string[] = [];
  if (dns.length > 0) {
    const part = planDns(
      dns,
      outcomes.filter((o) => o.result.check?.kind === 'dns-record'),
      { comment: `Lifeboat restore ${name} (plan ${id})`, timeoutMs: timeouts.dnsMs, endpoint },
    );
    calls.push(...part.calls);
    warnings.push(...part.warnings);
    resources.push(...part.resources);
  } else if (drillRun === undefined) {
    warnings.push(
      `The restore creates new ${cluster ? 'cluster' : 'instance'} ${target}; applications keep using ${source} until you point them at the new endpoint.`,
    );
  }
  if (aurora && resolved.source.settings.multiAz) {
    warnings.push(
      `${source} has readers in other Availability Zones; the restore creates only the writer ${writer}: add readers for Multi-AZ.`,
    );
  }

  const preflight = resultsOf(outcomes, freezeDnsCheck);
  if (drillRun === undefined) {
    await planHooks(runbook.hooks, ctx, { calls, preflight, warnings });
    calls.push(...planVerify(runbook.verify, ctx));
  }

  return {
    id,
    request,
    title: `${drillRun === undefined ? 'Restore' : 'Drill: restore'} ${name}: ${source} ${how} as ${target} (${region})`,
    subject: name,
    calls,
    preflight,
    resources: [
      resourceKey.runbook('restore', name),
      cluster ? resourceKey.cluster(region, source) : resourceKey.instance(region, source),
      cluster ? resourceKey.cluster(region, target) : resourceKey.instance(region, target),
      ...(aurora && writer ? [resourceKey.instance(region, writer)] : []),
      ...resources,
    ],
    destructive: false,
    warnings,
    createdAt: now,
  };
}
