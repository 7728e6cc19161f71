import type { PreflightCheck } from '../core/plan.js';
import type { PreflightContext, PreflightOutcome } from './preflight-context.js';

/*
 * Pre-flight of the Aurora cluster promote kinds: a cross-region read replica cluster
 * (PromoteReadReplicaDBCluster) and an in-region writer move (FailoverDBCluster).
 */

type Check<K extends PreflightCheck['kind']> = Extract<PreflightCheck, { kind: K }>;

function failWith(base: { name: string; requirement: string; check: PreflightCheck }) {
  return (observed: string): PreflightOutcome => ({
    result: { ...base, ok: false, observed, code: 'LIFEBOAT_TARGET_NOT_READY' },
    facts: {},
  });
}

/** A cross-region Aurora read replica cluster that PromoteReadReplicaDBCluster accepts now. */
export async function checkReplicaCluster(check: Check<'replica-cluster'>, ctx: PreflightContext): Promise<PreflightOutcome> {
  const base = { name: 'target state', requirement: `cluster ${check.dbCluster} is a read replica in state available`, check };
  const fail = failWith(base);
  const cluster = await ctx.rds.describeDbCluster(check.region, check.dbCluster);
  if (!cluster) return fail(`cluster ${check.dbCluster} not found in ${check.region}`);
  // DBCluster.ReplicationSourceIdentifier: "the source DB cluster if this DB cluster is a read replica".
  if (!cluster.replicationSource) return fail(`cluster ${check.dbCluster} is ${cluster.status} and not a read replica (already promoted?)`);
  if (cluster.status !== 'available') return fail(`cluster ${check.dbCluster} is ${cluster.status}`);
  const retention = cluster.backupRetention !== undefined ? `, backup retention ${cluster.backupRetention} days` : '';
  return {
    result: {
      ...base,
      ok: true,
      observed: `cluster ${check.dbCluster} is available, replicating from ${cluster.replicationSource}${retention}`,
    },
    facts: { promotedCluster: cluster },
  };
}

/** An available Aurora cluster whose target instance is an available reader (not the writer already). */
export async function checkClusterReader(check: Check<'cluster-reader'>, ctx: PreflightContext): Promise<PreflightOutcome> {
  const base = {
    name: 'target state',
    requirement: `cluster ${check.dbCluster} is available and ${check.dbInstance} is one of its readers, available`,
    check,
  };
  const fail = failWith(base);
  const [cluster, instance] = await Promise.all([
    ctx.rds.describeDbCluster(check.region, check.dbCluster),
    ctx.rds.describeDbInstance(check.region, check.dbInstance),
  ]);
  if (!cluster) return fail(`cluster ${check.dbCluster} not found in ${check.region}`);
  const members = cluster.members ?? [];
  const member = members.find((m) => m.instance.toLowerCase() === check.dbInstance.toLowerCase());
  const writer = members.find((m) => m.isWriter)?.instance;
  if (!member) {
    const known = members.map((m) => m.instance).join(', ') || 'none';
    return fail(`${check.dbInstance} is not a member of cluster ${check.dbCluster} (members: ${known})`);
  }
  if (member.isWriter) return fail(`${check.dbInstance} is already the writer of cluster ${check.dbCluster}`);
  // FailoverDBCluster refuses with InvalidDBClusterStateFault ("can't be performed while the cluster is
  // in this state") or InvalidDBInstanceStateFault ("The DB instance isn't in a valid state").
  if (cluster.status !== 'available') return fail(`cluster ${check.dbCluster} is ${cluster.status}`);
  if (!instance) return fail(`${check.dbInstance} not found in ${check.region}`);
  if (instance.status !== 'available') return fail(`${check.dbInstance} is ${instance.status}`);
  return {
    result: {
      ...base,
      ok: true,
      observed: `cluster ${check.dbCluster} is available, writer ${writer ?? 'none'}; ${check.dbInstance} is an available reader`,
    },
    facts: {},
  };
}
