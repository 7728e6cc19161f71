import type { DrillRequest } from '../core/action-request.js';
import type { MultiAzDrillConfig } from '../config/types.js';
import { formatDurationHms } from '../core/format-time.js';
import type { Plan, PlannedCall, PreflightResult } from '../core/plan.js';
import type { StepRecord } from './run-outcome.js';
import { evaluatePreflight } from './preflight.js';
import { writerMoveCalls } from './plan-promote.js';
import { planVerify } from './plan-verify.js';
import { DEFAULT_WAIT_TIMEOUTS, newPlanId, resourceKey, type PlanningContext, type WaitTimeouts } from './planning-context.js';

/** The call that fails the database over, in every Multi-AZ drill plan. */
export const MULTI_AZ_FAILOVER_STEP = 'failover';

/** What a Multi-AZ drill locks: the drill itself and the database it fails over (and, for Aurora, the new writer). */
export function multiAzDrillResources(name: string, drill: MultiAzDrillConfig, target?: string): string[] {
  const { multiAzFailover: m, region } = drill;
  if ('dbInstance' in m) return [resourceKey.drill(name), resourceKey.instance(region, m.dbInstance)];
  const writer = target ?? m.targetInstance;
  return [resourceKey.drill(name), resourceKey.cluster(region, m.dbCluster), ...(writer ? [resourceKey.instance(region, writer)] : [])];
}

/**
 * Plans a Multi-AZ failover drill (SPEC §10): RDS RebootDBInstance with ForceFailover, then a wait
 * until the instance is available with its primary in the other zone; or Aurora FailoverDBCluster
 * to `targetInstance` (or, without one, to the first available reader by name, shown in the plan)
 * and a wait until it is the writer of the available cluster; then the drill's verify checks.
 * Always destructive: writes stop while the database fails over, so approvers type the drill's name.
 */
export async function planMultiAzDrill(
  request: DrillRequest,
  drill: MultiAzDrillConfig,
  ctx: PlanningContext,
  options: { timeouts?: Partial<WaitTimeouts> } = {},
): Promise<Plan> {
  const timeouts = { ...DEFAULT_WAIT_TIMEOUTS, ...options.timeouts };
  const part = 'dbInstance' in drill.multiAzFailover ? await instancePart(drill, ctx, timeouts) : await clusterPart(drill, ctx, timeouts);
  const verify = planVerify(drill.verify, ctx);
  const rto =
    drill.rtoMs !== undefined ? ` Measured from the failover call to recovered, against rto ${formatDurationHms(drill.rtoMs)}.` : '';
  return {
    id: newPlanId(ctx),
    request,
    title: `Multi-AZ failover drill ${request.drill}: ${part.title} (${drill.region})`,
    subject: request.drill,
    calls: [...part.calls, ...verify],
    preflight: part.preflight,
    resources: multiAzDrillResources(request.drill, drill, part.target),
    destructive: true,
    warnings: [`${part.warning}${rto}`],
    createdAt: ctx.clock.now(),
  };
}

interface DrillPart {
  title: string;
  calls: PlannedCall[];
  preflight: PreflightResult[];
  warning: string;
  /** Aurora: the reader that becomes the writer. */
  target?: string;
}

async function instancePart(drill: MultiAzDrillConfig, ctx: PlanningContext, timeouts: WaitTimeouts): Promise<DrillPart> {
  const { region } = drill;
  const id = 'dbInstance' in drill.multiAzFailover ? drill.multiAzFailover.dbInstance : '';
  const seen = await evaluatePreflight({ kind: 'multi-az-instance', region, dbInstance: id, step: MULTI_AZ_FAILOVER_STEP }, ctx);
  const zones = seen.facts.zones;
  // Frozen with the zone seen now: pre-flight just before the run refuses if it failed over since.
  const check = {
    kind: 'multi-az-instance' as const,
    region,
    dbInstance: id,
    step: MULTI_AZ_FAILOVER_STEP,
    ...(zones && { zone: zones.primary }),
  };
  const from = zones ? ` from ${zones.primary} to its standby in ${zones.standby}` : ' to its standby';
  return {
    title: `fail over ${id}${from}`,
    preflight: [{ ...seen.result, check }],
    calls: [
      {
        id: MULTI_AZ_FAILOVER_STEP,
        service: 'rds',
        operation: 'RebootDBInstance',
        region,
        input: { DBInstanceIdentifier: id, ForceFailover: true },
        description: `Reboot ${id} with failover: its standby${zones ? ` in ${zones.standby}` : ''} becomes the primary`,
        ...(zones && { fromZone: zones.primary }),
      },
      {
        id: 'wait-failed-over',
        service: 'rds',
        operation: 'DescribeDBInstances',
        region,
        input: { DBInstanceIdentifier: id },
        description: `Wait until ${id} is available with its primary out of ${zones?.primary ?? 'its zone'} (up to ${formatDurationHms(timeouts.multiAzFailoverMs)})`,
        wait: { until: 'failed-over', timeoutMs: timeouts.multiAzFailoverMs },
        ...(zones && { fromZone: zones.primary }),
      },
    ],
    // RebootDBInstance: "the reboot is conducted through a Multi-AZ failover"; RDS: typically 60-120 s.
    warning: `This is a real failover of ${id}: connections drop and writes stop while the standby takes over (typically one to two minutes); clients must reconnect.`,
  };
}

async function clusterPart(drill: MultiAzDrillConfig, ctx: PlanningContext, timeouts: WaitTimeouts): Promise<DrillPart> {
  const { region } = drill;
  const m = drill.multiAzFailover;
  const cluster = 'dbCluster' in m ? m.dbCluster : '';
  const chosen = 'dbCluster' in m && m.targetInstance !== undefined ? { target: m.targetInstance } : await pickReader(cluster, region, ctx);
  if ('refused' in chosen) return { title: `fail over cluster ${cluster}`, calls: [], preflight: [chosen.refused], warning: '' };
  const { target } = chosen;
  const seen = await evaluatePreflight(
    { kind: 'cluster-reader', region, dbCluster: cluster, dbInstance: target, step: MULTI_AZ_FAILOVER_STEP },
    ctx,
  );
  return {
    title: `fail over cluster ${cluster} to ${target}`,
    target,
    preflight: [seen.result],
    calls: writerMoveCalls({ cluster, target, region, timeouts, stepId: MULTI_AZ_FAILOVER_STEP }),
    warning: `This is a real failover of cluster ${cluster}: writes stop for a short time while ${target} becomes the writer; connections to the old writer's instance endpoint must reconnect.`,
  };
}

/**
 * The reader a drill without `targetInstance` fails over to: the first available one by name, so
 * the plan names it (what approvers see is what runs). None: the cluster has nothing to fail over to.
 */
async function pickReader(
  cluster: string,
  region: string,
  ctx: PlanningContext,
): Promise<{ target: string } | { refused: PreflightResult }> {
  const refuse = (observed: string) => ({
    refused: {
      name: 'target state',
      ok: false,
      observed,
      requirement: `cluster ${cluster} has an available reader to fail over to`,
      code: 'LIFEBOAT_TARGET_NOT_READY',
    },
  });
  let c: Awaited<ReturnType<typeof ctx.rds.describeDbCluster>>;
  let states: Array<{ id: string; db: Awaited<ReturnType<typeof ctx.rds.describeDbInstance>> }> = [];
  try {
    c = await ctx.rds.describeDbCluster(region, cluster);
    const ids = (c?.members ?? []).filter((m) => !m.isWriter).map((m) => m.instance);
    states = await Promise.all(ids.map(async (id) => ({ id, db: await ctx.rds.describeDbInstance(region, id) })));
  } catch (err) {
    return refuse(`could not check: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!c) return refuse(`cluster ${cluster} not found in ${region}`);
  const readers = (c.members ?? [])
    .filter((m) => !m.isWriter)
    .map((m) => m.instance)
    .sort();
  if (readers.length === 0)
    return refuse(`cluster ${cluster} has no reader (members: ${(c.members ?? []).map((m) => m.instance).join(', ') || 'none'})`);
  states.sort((a, b) => a.id.localeCompare(b.id));
  const available = states.find((s) => s.db?.status === 'available');
  if (!available)
    return refuse(`cluster ${cluster} has no available reader (${states.map((s) => `${s.id} ${s.db?.status ?? 'not found'}`).join(', ')})`);
  return { target: available.id };
}

/**
 * A Multi-AZ drill's measured time: from the moment the failover call was sent to the end of the
 * last step (the database available again, and the verify checks passing when there are any).
 * Undefined unless every step was done.
 */
export function failoverTimeMs(steps: readonly StepRecord[]): number | undefined {
  const call = steps.find((s) => s.id === MULTI_AZ_FAILOVER_STEP);
  const last = steps.at(-1);
  if (!call?.startedAt || !last?.finishedAt || steps.some((s) => s.status !== 'done')) return undefined;
  return last.finishedAt - call.startedAt;
}
