import type { PreflightCheck } from '../core/plan.js';
import type { PreflightContext, PreflightOutcome } from './preflight-context.js';

type Check = Extract<PreflightCheck, { kind: 'multi-az-instance' }>;

/**
 * An RDS instance that RebootDBInstance with ForceFailover really fails over: available (RDS
 * refuses a reboot in any other state), Multi-AZ with a standby zone (a Single-AZ instance would
 * only reboot, with downtime and no failover: nothing to drill), not an Aurora member (Aurora
 * fails over with FailoverDBCluster), and, once planned, its primary still in the planned zone (a
 * failover since then means the approved plan no longer describes what would happen).
 */
export async function checkMultiAzInstance(check: Check, ctx: PreflightContext): Promise<PreflightOutcome> {
  const where = check.zone !== undefined ? `, primary in ${check.zone}` : '';
  const base = { name: 'target state', requirement: `${check.dbInstance} is an available Multi-AZ instance with a standby${where}`, check };
  const fail = (observed: string): PreflightOutcome => ({
    result: { ...base, ok: false, observed, code: 'LIFEBOAT_TARGET_NOT_READY' },
    facts: {},
  });
  const db = await ctx.rds.describeDbInstance(check.region, check.dbInstance);
  if (!db) return fail(`${check.dbInstance} not found in ${check.region}`);
  if (db.clusterId !== undefined)
    return fail(`${check.dbInstance} is an instance of Aurora cluster ${db.clusterId}: drill it with multiAzFailover: { dbCluster }`);
  if (db.settings?.multiAz !== true)
    return fail(`${check.dbInstance} is Single-AZ: a reboot with failover would only reboot it, with downtime and no standby taking over`);
  if (db.status !== 'available') return fail(`${check.dbInstance} is ${db.status}`);
  const primary = db.availabilityZone;
  const standby = db.secondaryAvailabilityZone;
  if (primary === undefined || standby === undefined)
    return fail(`RDS does not report ${check.dbInstance}'s primary and standby zones, so a failover could not be told from a reboot`);
  if (check.zone !== undefined && primary !== check.zone)
    return fail(
      `${check.dbInstance}'s primary is now in ${primary}, not ${check.zone} as planned (it failed over since): request the drill again`,
    );
  return {
    result: { ...base, ok: true, observed: `${check.dbInstance} is available, Multi-AZ: primary in ${primary}, standby in ${standby}` },
    facts: { zones: { primary, standby } },
  };
}
