import type { PreflightCheck } from '../core/plan.js';
import { formatDurationHms, formatUtcSecond } from '../core/format-time.js';
import type { PreflightContext, PreflightOutcome } from './preflight-context.js';

type Check<K extends PreflightCheck['kind']> = Extract<PreflightCheck, { kind: K }>;

/** The snapshot exists in the runbook's region and is `available`. */
export async function checkSnapshot(check: Check<'snapshot'>, ctx: PreflightContext): Promise<PreflightOutcome> {
  const base = { name: 'snapshot', requirement: `snapshot ${check.snapshotId} exists in ${check.region} and is available`, check };
  const snapshot = check.cluster
    ? await ctx.rds.describeDbClusterSnapshot(check.region, check.snapshotId)
    : await ctx.rds.describeDbSnapshot(check.region, check.snapshotId);
  if (!snapshot) {
    const kind = check.cluster ? 'DB cluster snapshot' : 'DB snapshot';
    return {
      result: { ...base, ok: false, observed: `no ${kind} ${check.snapshotId} in ${check.region}`, code: 'LIFEBOAT_SNAPSHOT_NOT_FOUND' },
      facts: {},
    };
  }
  const taken = snapshot.createdAt !== undefined ? `, taken ${formatUtcSecond(snapshot.createdAt)}` : '';
  const from = snapshot.source ? ` from ${snapshot.source}` : '';
  if (snapshot.status !== 'available') {
    return {
      result: {
        ...base,
        ok: false,
        observed: `snapshot ${check.snapshotId} is ${snapshot.status}${taken}`,
        code: 'LIFEBOAT_SNAPSHOT_NOT_AVAILABLE',
      },
      facts: { snapshot },
    };
  }
  return { result: { ...base, ok: true, observed: `snapshot ${check.snapshotId} is available${taken}${from}` }, facts: { snapshot } };
}

/**
 * The requested time lies between the earliest and latest restorable times (cluster:
 * DescribeDBClusters EarliestRestorableTime/LatestRestorableTime; instance: LatestRestorableTime
 * from DescribeDBInstances and the earliest from the active automated backup's RestoreWindow; a
 * deleted source: its retained automated backup's RestoreWindow EarliestTime/LatestTime).
 */
export async function checkRestoreWindow(check: Check<'restore-window'>, ctx: PreflightContext): Promise<PreflightOutcome> {
  const latestOnly = check.time === 'latest';
  const requirement = latestOnly
    ? `${check.source} has automated backups (a latest restorable time)`
    : `earliest restorable time <= ${check.time} <= latest restorable time, and not in the future`;
  const base = { name: 'restore window', requirement, check };
  let facts: PreflightOutcome['facts'] = {};
  // A failed window keeps what it read: the planner still shows the settings a restore would carry.
  const fail = (code: string, observed: string): PreflightOutcome => ({ result: { ...base, ok: false, observed, code }, facts });

  let earliest: number | undefined;
  let latest: number | undefined;
  let deleted = '';
  let sourceGone = false;
  if (check.cluster) {
    const cluster = await ctx.rds.describeDbCluster(check.region, check.source);
    if (cluster) {
      earliest = cluster.earliestRestorableTime;
      latest = cluster.latestRestorableTime;
      facts = { sourceCluster: cluster };
    } else {
      sourceGone = true;
    }
  } else {
    const [instance, window] = await Promise.all([
      ctx.rds.describeDbInstance(check.region, check.source),
      ctx.rds.describeRestoreWindow(check.region, check.source),
    ]);
    if (instance) {
      earliest = window?.earliest;
      latest = instance.latestRestorableTime ?? window?.latest;
      facts = { sourceInstance: instance };
    } else {
      sourceGone = true;
    }
  }
  if (sourceGone) {
    const retained = await retainedBackup(check, ctx);
    if (!retained) {
      const noun = check.cluster ? 'cluster' : 'instance';
      return fail(
        'LIFEBOAT_SOURCE_NOT_FOUND',
        `${noun} ${check.source} not found in ${check.region}, and no retained automated backup of it`,
      );
    }
    ({ earliest, latest } = retained);
    facts = retained.facts;
    deleted = `${check.source} is deleted (retained automated backup ${retained.resourceId}); `;
  }
  if (latest === undefined) {
    return fail(
      'LIFEBOAT_NO_RESTORE_WINDOW',
      `${check.source} has no latest restorable time: automated backups are off (backup retention 0)`,
    );
  }
  const now = ctx.clock.now();
  const latestTime = `latest restorable time ${formatUtcSecond(latest)} (${formatDurationHms(now - latest)} ago)`;
  if (latestOnly) return { result: { ...base, ok: true, observed: `${deleted}${latestTime}` }, facts };

  const at = Date.parse(check.time);
  const window = `${earliest !== undefined ? formatUtcSecond(earliest) : 'unknown'} to ${formatUtcSecond(latest)}`;
  if (at > now) return fail('LIFEBOAT_TIME_IN_FUTURE', `${formatUtcSecond(at)} is in the future (now ${formatUtcSecond(now)})`);
  if (at > latest) {
    return fail(
      'LIFEBOAT_TIME_AFTER_LATEST',
      `${deleted}${formatUtcSecond(at)} is after the ${latestTime}; use --latest or an earlier time`,
    );
  }
  if (earliest === undefined)
    return fail('LIFEBOAT_NO_RESTORE_WINDOW', `the earliest restorable time of ${check.source} is unknown (no active automated backup)`);
  if (at < earliest) {
    return fail(
      'LIFEBOAT_TIME_BEFORE_EARLIEST',
      `${formatUtcSecond(at)} is before the earliest restorable time ${formatUtcSecond(earliest)}`,
    );
  }
  return { result: { ...base, ok: true, observed: `${deleted}${formatUtcSecond(at)} is within the restorable window ${window}` }, facts };
}

/** A deleted source's retained automated backup (see pickRetained), as the window check reads it. */
async function retainedBackup(
  check: Check<'restore-window'>,
  ctx: PreflightContext,
): Promise<{ earliest?: number; latest?: number; resourceId: string; facts: PreflightOutcome['facts'] } | undefined> {
  if (check.cluster) {
    const backup = pickRetained(await ctx.rds.describeRetainedClusterBackups(check.region, check.source), check.time);
    return (
      backup && {
        earliest: backup.earliest,
        latest: backup.latest,
        resourceId: backup.dbClusterResourceId,
        facts: { retainedClusterBackup: backup },
      }
    );
  }
  const backup = pickRetained(await ctx.rds.describeRetainedBackups(check.region, check.source), check.time);
  return (
    backup && { earliest: backup.earliest, latest: backup.latest, resourceId: backup.dbiResourceId, facts: { retainedBackup: backup } }
  );
}

/**
 * The retained backup a restore of a deleted instance or cluster reads: the one whose window holds
 * `time`, else (and for `latest`) the newest. Several exist when a source of that name was deleted
 * more than once.
 */
function pickRetained<B extends { earliest?: number; latest?: number }>(backups: B[], time: string): B | undefined {
  const newest = [...backups].sort((a, b) => (b.latest ?? 0) - (a.latest ?? 0));
  if (time === 'latest') return newest[0];
  const at = Date.parse(time);
  return newest.find((b) => b.earliest !== undefined && b.latest !== undefined && b.earliest <= at && at <= b.latest) ?? newest[0];
}

/** Nothing in the region already has the identifier the restore creates. */
export async function checkIdentifierFree(check: Check<'identifier-free'>, ctx: PreflightContext): Promise<PreflightOutcome> {
  const kind = check.cluster ? 'cluster' : 'instance';
  const base = { name: 'new identifier', requirement: `no ${kind} named ${check.identifier} in ${check.region}`, check };
  const existing = check.cluster
    ? await ctx.rds.describeDbCluster(check.region, check.identifier)
    : await ctx.rds.describeDbInstance(check.region, check.identifier);
  if (existing) {
    return {
      result: {
        ...base,
        ok: false,
        observed: `${kind} ${check.identifier} already exists (${existing.status})`,
        code: 'LIFEBOAT_IDENTIFIER_TAKEN',
      },
      facts: {},
    };
  }
  return { result: { ...base, ok: true, observed: `${check.identifier} is free` }, facts: {} };
}
