import { formatAgeDecimal } from '../../core/format-time.js';
import type { Measurement, ProbeErrorKind, ProbeOutcome } from '../../core/check-result.js';
import type { Clock } from '../../core/clock.js';
import type { Severity } from '../../core/severity.js';
import { rdsFor, type RdsSource } from '../../aws/aws-clients.js';
import { awsErrorHint, describeAwsError } from '../../aws/aws-error.js';
import { listReplicatedBackups, listSnapshots, pickNewest, type BackupSource, type SnapshotInfo } from './backup-snapshots.js';

/** What one backup check asks for. */
export interface BackupProbeSpec {
  checkId: string;
  region: string;
  dbInstance?: string;
  dbCluster?: string;
  /** Newest available snapshot older than this, ms, is a failure. */
  maxAgeMs: number;
  /** Also require a copy in this region newer than maxAgeMs. */
  copyRegion?: string;
  severity: Severity;
}

/** Dependencies of the backup probe. */
export interface BackupProbeOptions {
  clients: RdsSource;
  clock: Clock;
}

type BackupMeasurement = Extract<Measurement, { kind: 'backup' }>;

function listActionFor(source: BackupSource): string {
  return source.kind === 'instance' ? 'rds:DescribeDBSnapshots' : 'rds:DescribeDBClusterSnapshots';
}

/** A failed AWS call, tagged with what was being read so the message says where to look. */
class LookupError extends Error {
  constructor(
    readonly action: string,
    readonly region: string,
    readonly original: unknown,
  ) {
    super(`${action} in ${region} failed`);
  }
}

/**
 * Checks that a database has a recent restorable snapshot (and, with copyRegion, a recent copy in
 * another region). Reads automated and manual snapshots; only `available` ones count.
 */
export class BackupProbe {
  constructor(private readonly opts: BackupProbeOptions) {}

  /** Never throws: AWS failures become `aws-error` outcomes at the spec's severity. */
  async probe(spec: BackupProbeSpec, signal?: AbortSignal): Promise<ProbeOutcome> {
    const measurement: BackupMeasurement = { kind: 'backup', ageSeconds: null };
    const source: BackupSource | undefined = spec.dbInstance
      ? { kind: 'instance', id: spec.dbInstance }
      : spec.dbCluster
        ? { kind: 'cluster', id: spec.dbCluster }
        : undefined;
    if (!source) {
      return this.fail(spec, measurement, 'error', 'no dbInstance or dbCluster configured', 'set dbInstance or dbCluster on the check');
    }
    try {
      return await this.evaluate(spec, source, measurement, signal);
    } catch (err) {
      const lookup = err instanceof LookupError ? err : new LookupError('rds:Describe*', spec.region, err);
      const info = describeAwsError(lookup.original);
      return this.fail(
        spec,
        measurement,
        'aws-error',
        `${lookup.action.replace('rds:', '')} in ${lookup.region} failed: ${info.code}`,
        `${lookup.action} in ${lookup.region} failed: ${info.code}: ${info.message}; ${awsErrorHint(info, lookup.action)}`,
      );
    }
  }

  private async evaluate(spec: BackupProbeSpec, source: BackupSource, m: BackupMeasurement, signal?: AbortSignal): Promise<ProbeOutcome> {
    const now = this.opts.clock.now();
    const own = await this.lookup(listActionFor(source), spec.region, () =>
      listSnapshots(rdsFor(this.opts.clients, spec.region), source, false, signal),
    );
    const { newest, failedSince } = pickNewest(own);
    const parts: string[] = []; // the summary, in reading order
    const problems: string[] = []; // the failure message, with detail
    let kind: ProbeErrorKind | undefined;

    if (!newest) {
      kind = failedSince.length > 0 ? 'snapshot-failed' : 'missing-data';
      parts.push(`no available snapshot of ${source.id}`);
      problems.push(`no snapshot of ${source.kind} ${source.id} in ${spec.region} has status available`);
    } else {
      const ageMs = now - newest.at;
      Object.assign(m, { ageSeconds: Math.round(ageMs / 1000), newestSnapshotId: newest.id, newestSnapshotAt: newest.at });
      if (ageMs > spec.maxAgeMs) {
        kind = 'threshold';
        const text = `newest snapshot ${newest.id} is ${formatAgeDecimal(ageMs)} old (max ${formatAgeDecimal(spec.maxAgeMs)})`;
        parts.push(text);
        problems.push(`${text} in ${spec.region}`);
      } else {
        parts.push(`newest snapshot ${formatAgeDecimal(ageMs)} old`);
      }
    }
    // A failed attempt after a fresh snapshot is reported but is not by itself a failure: the
    // contract is the age of the newest restorable backup, which the next miss will push over.
    if (failedSince.length > 0) {
      m.failedSnapshots = failedSince.map((s) => s.id);
      parts.push(`${failedSince.length} failed since (${m.failedSnapshots.join(', ')})`);
    }

    if (spec.copyRegion) {
      const { copy, note } = await this.newestCopy(spec, source, spec.copyRegion, signal);
      const copyAgeMs = copy ? now - copy.at : undefined;
      Object.assign(m, {
        copyRegion: spec.copyRegion,
        copyAgeSeconds: copyAgeMs === undefined ? null : Math.round(copyAgeMs / 1000),
        ...(copy ? { newestCopyId: copy.id } : {}),
      });
      if (!copy || copyAgeMs === undefined) {
        kind ??= 'missing-data';
        parts.push(`no copy in ${spec.copyRegion}`);
        problems.push(`no available copy of ${source.id} from ${spec.region} in ${spec.copyRegion}${note ? ` (${note})` : ''}`);
      } else if (copyAgeMs > spec.maxAgeMs) {
        kind ??= 'threshold';
        const text = `copy in ${spec.copyRegion} is ${formatAgeDecimal(copyAgeMs)} old (max ${formatAgeDecimal(spec.maxAgeMs)})`;
        parts.push(text);
        problems.push(`${text}: ${copy.id}${note ? ` (${note})` : ''}`);
      } else {
        parts.push(`copy in ${spec.copyRegion} ${formatAgeDecimal(copyAgeMs)} old`);
      }
    }

    const summary = parts.join('; ');
    if (!kind) return { ok: true, severity: null, summary, measurement: m };
    return this.fail(spec, m, kind, summary, problems.join('; '));
  }

  /**
   * Newest available copy of `source` in `copyRegion` whose data came from `spec.region`.
   * "If you copy a DB snapshot to another AWS Region, you create a manual DB snapshot that is
   * retained in that AWS Region" (RDS User Guide, Copying a DB snapshot): so first the snapshots
   * there, matched on source region. Instances may instead use cross-Region automated backup
   * replication, which AWS exposes through DescribeDBInstanceAutomatedBackups; it is asked only
   * when no fresh snapshot copy exists, so setups using plain copies need no extra permission, and
   * its failure is a note on the verdict rather than the verdict.
   */
  private async newestCopy(
    spec: BackupProbeSpec,
    source: BackupSource,
    copyRegion: string,
    signal?: AbortSignal,
  ): Promise<{ copy?: SnapshotInfo; note?: string }> {
    const client = rdsFor(this.opts.clients, copyRegion);
    const copies = await this.lookup(listActionFor(source), copyRegion, () => listSnapshots(client, source, true, signal));
    let { newest } = pickNewest(copies.filter((s) => s.sourceRegion === spec.region));
    if (source.kind !== 'instance' || (newest && this.opts.clock.now() - newest.at <= spec.maxAgeMs)) {
      return newest ? { copy: newest } : {};
    }
    const action = 'rds:DescribeDBInstanceAutomatedBackups';
    try {
      for (const r of await listReplicatedBackups(client, source.id, spec.region, signal)) {
        if (!newest || r.at > newest.at) newest = r;
      }
      return newest ? { copy: newest } : {};
    } catch (err) {
      const info = describeAwsError(err);
      const note = `replicated automated backups not checked: ${info.code}; ${awsErrorHint(info, action)}`;
      return newest ? { copy: newest, note } : { note };
    }
  }

  private async lookup<T>(action: string, region: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw new LookupError(action, region, err);
    }
  }

  private fail(spec: BackupProbeSpec, m: BackupMeasurement, kind: ProbeErrorKind, summary: string, message: string): ProbeOutcome {
    return { ok: false, severity: spec.severity, summary, measurement: m, error: { kind, message } };
  }
}
