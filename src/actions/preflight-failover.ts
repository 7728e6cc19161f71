import type { PreflightCheck } from '../core/plan.js';
import { formatDurationHms } from '../core/format-time.js';
import type { PreflightContext, PreflightOutcome } from './preflight-context.js';

type Check<K extends PreflightCheck['kind']> = Extract<PreflightCheck, { kind: K }>;

/** The RPO guard: the latest lag, recent enough, at most maxLag. `overridden` (--allow-data-loss) reports but does not refuse. */
export async function checkReplicaLag(check: Check<'replica-lag'>, ctx: PreflightContext): Promise<PreflightOutcome> {
  const name = `replica lag (${check.checkId})`;
  const requirement = `lag <= ${formatDurationHms(check.maxLagMs)}, measured within the last ${formatDurationHms(check.maxAgeMs)}`;
  const reading = await ctx.lag.lagFor(check.checkId);
  const now = ctx.clock.now();
  let observed: string;
  let ok = false;
  if (!reading) observed = `no lag measured yet by ${check.checkId}`;
  else {
    const age = `measured ${formatDurationHms(now - reading.at)} ago`;
    if (reading.lagSeconds === null) observed = `no lag datapoint (missing data), ${age}`;
    else if (now - reading.at > check.maxAgeMs) observed = `lag ${reading.lagSeconds}s but ${age}: too old to trust`;
    else {
      ok = reading.lagSeconds * 1000 <= check.maxLagMs;
      observed = `lag ${reading.lagSeconds}s, ${age}`;
    }
  }
  if (!ok && check.overridden) {
    return {
      result: { name, ok: true, observed: `${observed}; guard overridden by --allow-data-loss`, requirement, check },
      facts: { lag: reading, overridden: { failure: observed } },
    };
  }
  return { result: { name, ok, observed, requirement, ...(!ok && { code: 'LIFEBOAT_GUARD_FAILED' }), check }, facts: { lag: reading } };
}

/** An RDS read replica that PromoteReadReplica accepts now. */
export async function checkReadReplica(check: Check<'read-replica'>, ctx: PreflightContext): Promise<PreflightOutcome> {
  const base = { name: 'target state', requirement: `${check.dbInstance} is a read replica in state available`, check };
  const db = await ctx.rds.describeDbInstance(check.region, check.dbInstance);
  const fail = (observed: string): PreflightOutcome => ({
    result: { ...base, ok: false, observed, code: 'LIFEBOAT_TARGET_NOT_READY' },
    facts: {},
  });
  if (!db) return fail(`${check.dbInstance} not found in ${check.region}`);
  if (!db.replicaSource) return fail(`${check.dbInstance} is ${db.status} and not a read replica (already promoted?)`);
  // "a read replica cannot be promoted to a standalone instance when it is in the backing-up status" (PromoteReadReplica)
  if (db.status !== 'available') return fail(`${check.dbInstance} is ${db.status}`);
  return { result: { ...base, ok: true, observed: `${check.dbInstance} is available, replicating from ${db.replicaSource}` }, facts: {} };
}

/** The Aurora global database's target is an available secondary, and nothing else is moving. */
export async function checkGlobalSecondary(check: Check<'global-secondary'>, ctx: PreflightContext): Promise<PreflightOutcome> {
  const target = clusterIdFromArn(check.targetClusterArn);
  const base = { name: 'target state', requirement: `${target} is an available secondary of ${check.globalCluster}`, check };
  const fail = (observed: string): PreflightOutcome => ({
    result: { ...base, ok: false, observed, code: 'LIFEBOAT_TARGET_NOT_READY' },
    facts: {},
  });
  const [global, cluster] = await Promise.all([
    ctx.rds.describeGlobalCluster(check.region, check.globalCluster),
    // DescribeDBClusters.DBClusterIdentifier: "The user-supplied DB cluster identifier or the Amazon Resource Name (ARN)"
    ctx.rds.describeDbCluster(check.region, check.targetClusterArn),
  ]);
  if (!global) return fail(`global database ${check.globalCluster} not found`);
  const member = global.members.find((m) => m.arn === check.targetClusterArn);
  if (!member) return fail(`${target} is not a member of ${check.globalCluster}`);
  if (member.isWriter) return fail(`${target} is already the primary of ${check.globalCluster}`);
  if (global.failover)
    return fail(`a switchover or failover of ${check.globalCluster} is already ${global.failover.status ?? 'in progress'}`);
  if (!check.dataLoss && global.status !== 'available') return fail(`${check.globalCluster} is ${global.status}`);
  if (!cluster) return fail(`${target} not found in ${check.region}`);
  if (cluster.status !== 'available') return fail(`${target} is ${cluster.status}`);
  return {
    result: { ...base, ok: true, observed: `${check.globalCluster} is ${global.status}; ${target} is an available secondary` },
    facts: {},
  };
}

/** `orders-west` from `arn:aws:rds:us-west-2:123456789012:cluster:orders-west`. */
export function clusterIdFromArn(arn: string): string {
  return arn.split(':cluster:')[1] ?? arn;
}

/** Kept here too for the modules that import it from this file. */
export { describeRecord } from '../core/dns-record.js';
