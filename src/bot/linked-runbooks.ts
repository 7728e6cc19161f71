import type { Config } from '../config/types.js';

/** Runbooks an incident on a check can propose, by kind. */
export interface LinkedRunbooks {
  failover: string[];
  restore: string[];
}

/**
 * Which runbooks a check's incident links to:
 * - failover: runbooks whose RPO guard watches this check (`guard.lagCheck`);
 * - restore: for a backup check, restore runbooks for the same database (instance or cluster)
 *   in the same region, i.e. the backups this check watches are what the runbook restores;
 * - either: runbooks whose `verify` step names this check, since their recovery is judged by it
 *   (an API outage offers the failover that is verified by that API's check).
 */
export function linkedRunbooks(config: Pick<Config, 'checks' | 'runbooks'>, checkId: string): LinkedRunbooks {
  const failover = Object.entries(config.runbooks.failover)
    .filter(([, runbook]) => runbook.guard?.lagCheck === checkId || verifiedBy(runbook, checkId))
    .map(([name]) => name);
  const check = config.checks.find((c) => c.id === checkId);
  const restore =
    check?.type === 'backup'
      ? Object.entries(config.runbooks.restore)
          .filter(([, runbook]) => {
            if (verifiedBy(runbook, checkId)) return true;
            if (runbook.region !== check.region) return false;
            if (check.dbInstance !== undefined) return runbook.dbInstance === check.dbInstance;
            return check.dbCluster !== undefined && runbook.dbCluster === check.dbCluster;
          })
          .map(([name]) => name)
      : Object.entries(config.runbooks.restore)
          .filter(([, runbook]) => verifiedBy(runbook, checkId))
          .map(([name]) => name);
  return { failover: failover.sort(), restore: restore.sort() };
}

function verifiedBy(runbook: { verify?: { checks: string[] } }, checkId: string): boolean {
  return runbook.verify?.checks.includes(checkId) ?? false;
}
