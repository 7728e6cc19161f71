import type { RestoreRunbook } from '../config/types.js';
import type { PreflightContext, PreflightFacts } from './preflight-context.js';
import type { SettingsSource } from './restore-settings.js';

/** Where a restore's settings come from, and what the plan should warn about it. */
export interface ResolvedSource {
  source: SettingsSource;
  warnings: string[];
}

/**
 * The settings a restore carries over: from the live source (already read by the restore-window
 * check for a point-in-time restore, read here for a snapshot restore), else from the retained
 * automated backup of a deleted instance or cluster, else none, with a warning saying so.
 */
export async function resolveSettingsSource(
  runbook: RestoreRunbook,
  facts: PreflightFacts,
  ctx: PreflightContext,
): Promise<ResolvedSource> {
  const { region } = runbook;
  if (runbook.dbCluster !== undefined) {
    const clusterId = runbook.dbCluster;
    const cluster = facts.sourceCluster ?? (facts.retainedClusterBackup ? null : await ctx.rds.describeDbCluster(region, clusterId));
    if (cluster) return { source: { name: cluster.id, settings: cluster.settings ?? {} }, warnings: [] };
    const backup = facts.retainedClusterBackup ?? newest(await ctx.rds.describeRetainedClusterBackups(region, clusterId));
    if (backup) {
      return {
        source: { name: `the retained automated backup of ${clusterId}`, settings: backup.settings },
        warnings: [
          `${clusterId} is deleted: its retained automated backup records no deletion protection, DB cluster parameter group, copy-tags or Serverless v2 capacity setting, so those are RDS defaults unless the runbook sets them.`,
        ],
      };
    }
    return {
      source: { name: clusterId, settings: {} },
      warnings: [
        `Cluster ${clusterId} no longer exists: none of its settings are carried over; RDS defaults apply where the runbook sets none.`,
      ],
    };
  }
  const id = runbook.dbInstance ?? '';
  const instance = facts.sourceInstance ?? (facts.retainedBackup ? null : await ctx.rds.describeDbInstance(region, id));
  if (instance) return { source: { name: instance.id, settings: instance.settings ?? {} }, warnings: [] };
  const backup = facts.retainedBackup ?? newest(await ctx.rds.describeRetainedBackups(region, id));
  if (backup) {
    return {
      source: { name: `the retained automated backup of ${id}`, settings: backup.settings },
      warnings: [
        `${id} is deleted: its retained automated backup records no Multi-AZ, deletion protection, parameter group or copy-tags setting, so those are RDS defaults unless the runbook sets them.`,
      ],
    };
  }
  return {
    source: { name: id, settings: {} },
    warnings: [`Instance ${id} no longer exists: none of its settings are carried over; RDS defaults apply where the runbook sets none.`],
  };
}

function newest<T extends { latest?: number }>(items: T[]): T | undefined {
  return [...items].sort((a, b) => (b.latest ?? 0) - (a.latest ?? 0))[0];
}
