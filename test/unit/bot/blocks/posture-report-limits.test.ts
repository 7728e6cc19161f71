import { describe, expect, it } from 'vitest';
import { blockKitViolations } from '../../../../src/bot/blocks/block-kit-violations.js';
import { statusReport, type CheckPosture } from '../../../../src/bot/blocks/status-report.js';
import type { CheckConfig, Config, FailoverRunbook, RestoreRunbook } from '../../../../src/config/types.js';
import { initialCheckState, type CheckState } from '../../../../src/core/check-state.js';
import type { DrillListing } from '../../../../src/drills/drill-service.js';
import { readinessCheckId } from '../../../../src/readiness/readiness-result.js';
import { assessPosture } from '../../../../src/posture/posture.js';
import { namedDatabases, type DatabaseFacts } from '../../../../src/posture/posture-databases.js';
import { databaseKey } from '../../../../src/posture/posture-reader.js';
import type { NewestSnapshot } from '../../../../src/posture/posture-snapshots.js';

/*
 * The DR posture in `/dr status` with the longest config the schema allows: hundreds of
 * databases, runbooks and drills with 63-character names, 5,000-character refusals and drill
 * failures, 255-character snapshot ids, every line needing attention. The real builders' output stays within Slack's Block
 * Kit limits, and each list counts exactly what it cannot show ("…and N more").
 */
const T0 = Date.UTC(2026, 11, 7, 9);
const idN = (prefix: string, n: number) => `${prefix}${String(n).padStart(4, '0')}-${'c'.repeat(63 - prefix.length - 5)}`;
const LONG = `refused: ${'the replica is not a replica <&> '.repeat(160)}`;
const REGION = 'ap-southeast-1';
const DBS = 300;
const RUNBOOKS = 200;
const DRILLS = 120;

function config(): Pick<Config, 'checks' | 'runbooks' | 'drills'> {
  const base = { timeoutMs: 5_000, severity: 'SEV1' as const, failAfter: 1, recoverAfter: 1, schedule: '0 0 1 1 *' };
  const checks: CheckConfig[] = [];
  for (let i = 0; i < DBS; i += 1) {
    checks.push({
      ...base,
      id: idN('b', i),
      type: 'backup',
      region: REGION,
      dbInstance: idN('db', i),
      maxAgeMs: 1,
      copyRegion: 'eu-central-1',
    });
    checks.push({
      ...base,
      id: idN('l', i),
      type: 'replication-lag',
      region: REGION,
      metric: 'ReplicaLag',
      dimensions: { DBInstanceIdentifier: idN('r', i) },
      thresholdsMs: { SEV1: 1 },
      missingData: 'SEV1',
    });
  }
  const failover: Record<string, FailoverRunbook> = {};
  const restore: Record<string, RestoreRunbook> = {};
  for (let i = 0; i < RUNBOOKS; i += 1) {
    failover[idN('f', i)] = { region: REGION, promote: { dbInstance: idN('r', i) }, objectives: { rtoMs: 60_000, rpoMs: 1_000 } };
    restore[idN('s', i)] = {
      region: REGION,
      dbInstance: idN('db', i),
      instanceClass: 'db.r6g.large',
      securityGroups: [],
      overrides: {},
      objectives: { rtoMs: 60_000, rpoMs: 1_000 },
    };
  }
  const drills = Object.fromEntries(
    Array.from({ length: DRILLS }, (_, i) => [idN('d', i), { restore: idN('s', i % RUNBOOKS), keepForMs: 0, rtoMs: 60_000 }]),
  );
  return { checks, runbooks: { failover, restore }, drills };
}

function state(checkId: string, result: Partial<NonNullable<CheckState['lastResult']>>): CheckState {
  return {
    ...initialCheckState(checkId),
    lastResult: {
      checkId,
      startedAt: T0,
      durationMs: 5,
      ok: false,
      severity: 'SEV1',
      summary: LONG,
      measurement: { kind: 'http', url: 'x' },
      ...result,
    },
  };
}

function drill(name: string, runbook: string): DrillListing {
  return {
    name,
    runbook,
    rtoMs: 60_000,
    last: {
      drill: name,
      runId: 'DRL-999999999',
      runbook,
      region: REGION,
      source: idN('db', 0),
      result: 'failed',
      startedAt: T0 - 3_600_000,
      finishedAt: T0,
      reason: LONG,
      cleanup: [],
      summary: LONG,
    },
  };
}

describe('the DR posture in /dr status, at its longest', () => {
  it('stays within Block Kit limits and counts every database, runbook and drill it cannot show', () => {
    const cfg = config();
    const states = new Map<string, CheckState | null>();
    for (const c of cfg.checks) {
      states.set(
        c.id,
        state(c.id, {
          measurement:
            c.type === 'backup'
              ? {
                  kind: 'backup',
                  ageSeconds: 99_999_999,
                  newestSnapshotId: `rds:${idN('db', 0)}-2026-12-07-00-00`,
                  copyRegion: 'eu-central-1',
                  copyAgeSeconds: null,
                }
              : { kind: 'replication-lag', lagSeconds: 99_999, metric: 'ReplicaLag' },
        }),
      );
    }
    for (const name of Object.keys(cfg.runbooks.failover))
      states.set(readinessCheckId('failover', name), state(name, { error: { kind: 'error', message: LONG } }));
    for (const name of Object.keys(cfg.runbooks.restore))
      states.set(readinessCheckId('restore', name), state(name, { error: { kind: 'error', message: LONG } }));
    const databases = namedDatabases(cfg);
    const facts = new Map<string, DatabaseFacts | null>();
    for (const db of databases) {
      facts.set(databaseKey(db), {
        ...db,
        status: `storage-full-${'x'.repeat(40)}`,
        multiAz: false,
        encrypted: false,
        deletionProtection: false,
        backupRetentionDays: 1,
        latestRestorableTime: T0 - 86_400_000,
      });
    }
    // The replicas no backup check watches: half with a 255-character snapshot id (RDS' longest),
    // half whose snapshot describe failed with a 5,000-character reason.
    const snapshots = new Map<string, NewestSnapshot | null>();
    const snapshotsUnavailable = new Map<string, string>();
    databases
      .filter((db) => db.backupChecks.length === 0)
      .forEach((db, i) => {
        if (i % 2 === 0) snapshots.set(databaseKey(db), { id: `${db.id}-${'s'.repeat(255 - db.id.length - 1)}`, at: T0 - 86_400_000 });
        else snapshotsUnavailable.set(databaseKey(db), `rds:DescribeDBSnapshots in ${REGION}: ${LONG}`);
      });
    expect(snapshots.size + snapshotsUnavailable.size).toBe(DBS);
    const posture = assessPosture({
      config: cfg,
      aws: {
        facts,
        unavailable: new Map(),
        problems: Array.from({ length: 40 }, (_, i) => `rds:DescribeDBClusters in region-${i}: ${LONG}`),
        oldestAgeMs: 59_000,
        snapshots,
        snapshotsUnavailable,
      },
      states,
      drills: Object.entries(cfg.drills ?? {}).map(([name, d]) => drill(name, 'restore' in d ? d.restore : '')),
      runs: new Map(),
      unavailable: ['past runs: the store did not answer within 2s'],
      nowMs: T0,
    });
    const checks: CheckPosture[] = cfg.checks.map((c) => ({ id: c.id, type: c.type, state: states.get(c.id) ?? null }));
    const report = statusReport({ checks, openIncidents: [], approvals: [], posture, nowMs: T0 });
    expect(blockKitViolations(report)).toEqual([]);

    const lists = new Map<string, string>();
    let heading = '';
    for (const block of report.blocks.slice(1)) {
      const text = (block as { text: { text: string } }).text.text;
      heading = /^\*[^*]+\*/.exec(text)?.[0] ?? heading;
      lists.set(heading, lists.has(heading) ? `${lists.get(heading)}\n${text}` : text);
    }
    const counted = (list: string, entry: RegExp) => {
      const text = lists.get(list) ?? '';
      return text.split('\n').filter((l) => entry.test(l)).length + Number(/…and (\d+) more$/.exec(text)?.[1] ?? 0);
    };
    expect(databases).toHaveLength(2 * DBS);
    expect(counted('*Databases*', /^:warning:/)).toBe(2 * DBS);
    // The shown databases without a backup check carry their snapshot line, whole or visibly shortened.
    const shownReplicas = (lists.get('*Databases*') ?? '').split('\n').filter((l) => / `r\d{4}-/.test(l));
    expect(shownReplicas.length).toBeGreaterThan(0);
    for (const line of shownReplicas)
      expect(line).toMatch(/newest snapshot (`r\d{4}-c+-s+` 24h old|unavailable \(rds:DescribeDBSnapshots)/);
    expect(counted('*Runbooks*', /^:x:/)).toBe(2 * RUNBOOKS);
    expect(counted('*Drills*', /^:x:/)).toBe(DRILLS);
    expect(counted('*Not current right now*', /^:(grey_question|hourglass):/)).toBe(42);
    // Every list shows some of its entries whole, attention first.
    expect((lists.get('*Runbooks*') ?? '').split('\n')[1]).toMatch(/^:x: \*misses RPO, not ready\* — \*failover f0000-/);
    expect(report.text.length).toBeLessThan(40_000);
  });
});
