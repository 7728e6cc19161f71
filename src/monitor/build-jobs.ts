import type { BackupCheck, CheckConfig, HttpCheck, ReplicationLagCheck } from '../config/types.js';
import type { CheckResult, ProbeOutcome } from '../core/check-result.js';
import type { Clock } from '../core/clock.js';
import type { Severity } from '../core/severity.js';
import type { BackupProbeSpec } from './probes/backup-probe.js';
import type { HttpProbeSpec } from './probes/http-probe.js';
import type { LagProbeSpec } from './probes/replication-lag-probe.js';
import { lagProbeSpec } from './probes/replication-lag-evaluate.js';
import type { ScheduledJob } from './scheduler.js';

/** The probes the monitor runs; each never throws for a failed measurement. */
export interface Probes {
  http(spec: HttpProbeSpec, signal: AbortSignal): Promise<ProbeOutcome>;
  lagBatch(specs: LagProbeSpec[], signal: AbortSignal): Promise<Map<string, ProbeOutcome>>;
  backup(spec: BackupProbeSpec, signal: AbortSignal): Promise<ProbeOutcome>;
}

/**
 * Where a run's results go. `deadlineMs` is the run's scheduler deadline, so the sink can tell a
 * result measured across a stall (see stalled-run.ts) from an ordinary timeout.
 */
export type ResultSink = (result: CheckResult, deadlineMs: number) => Promise<void>;

/** Scheduler backstop beyond a probe's own timeout: the probe should answer first. */
const BACKSTOP_MARGIN_MS = 1000;

/**
 * Turns configured checks into scheduled jobs. Lag checks sharing a region and cadence become
 * one job, so CloudWatch sees one batched GetMetricData per group instead of one call per check.
 */
export function buildJobs(checks: CheckConfig[], probes: Probes, sink: ResultSink, clock: Clock): ScheduledJob[] {
  const jobs: ScheduledJob[] = [];
  const lagGroups = new Map<string, ReplicationLagCheck[]>();
  for (const check of checks) {
    if (check.type === 'http') jobs.push(httpJob(check, probes, sink, clock));
    else if (check.type === 'backup') jobs.push(backupJob(check, probes, sink, clock));
    else {
      const key = `${check.region}|${check.everyMs ?? check.schedule}`;
      lagGroups.set(key, [...(lagGroups.get(key) ?? []), check]);
    }
  }
  for (const group of lagGroups.values()) jobs.push(lagJob(group, probes, sink, clock));
  return jobs;
}

function cadence(check: CheckConfig): Pick<ScheduledJob, 'everyMs' | 'cron'> {
  return check.schedule ? { cron: check.schedule } : { everyMs: check.everyMs ?? 60_000 };
}

function httpJob(check: HttpCheck, probes: Probes, sink: ResultSink, clock: Clock): ScheduledJob {
  const spec: HttpProbeSpec = {
    url: check.url,
    method: check.method,
    timeoutMs: check.timeoutMs,
    expect: check.expect,
    maxBodyBytes: check.maxBodyBytes,
    severity: check.severity,
  };
  return {
    id: `http:${check.id}`,
    ...cadence(check),
    timeoutMs: check.timeoutMs + BACKSTOP_MARGIN_MS,
    run: async (signal) => {
      const startedAt = clock.now();
      const timedOut = failure(check.severity, 'timeout', `timeout after ${check.timeoutMs}ms`, { kind: 'http', url: check.url });
      const outcome =
        (await untilAborted(probes.http(spec, signal), signal, (err) => crashed(check.severity, err, { kind: 'http', url: check.url }))) ??
        timedOut;
      await sink(stamp(check.id, outcome, startedAt, clock), check.timeoutMs + BACKSTOP_MARGIN_MS);
    },
  };
}

function backupJob(check: BackupCheck, probes: Probes, sink: ResultSink, clock: Clock): ScheduledJob {
  const spec: BackupProbeSpec = {
    checkId: check.id,
    region: check.region,
    ...(check.dbInstance ? { dbInstance: check.dbInstance } : {}),
    ...(check.dbCluster ? { dbCluster: check.dbCluster } : {}),
    maxAgeMs: check.maxAgeMs,
    ...(check.copyRegion ? { copyRegion: check.copyRegion } : {}),
    severity: check.severity,
  };
  return {
    id: `backup:${check.id}`,
    ...cadence(check),
    timeoutMs: check.timeoutMs + BACKSTOP_MARGIN_MS,
    run: async (signal) => {
      const startedAt = clock.now();
      const timedOut = failure(check.severity, 'timeout', `no RDS answer within ${check.timeoutMs}ms`, {
        kind: 'backup',
        ageSeconds: null,
      });
      const outcome =
        (await untilAborted(probes.backup(spec, signal), signal, (err) =>
          crashed(check.severity, err, { kind: 'backup', ageSeconds: null }),
        )) ?? timedOut;
      await sink(stamp(check.id, outcome, startedAt, clock), check.timeoutMs + BACKSTOP_MARGIN_MS);
    },
  };
}

function lagJob(group: ReplicationLagCheck[], probes: Probes, sink: ResultSink, clock: Clock): ScheduledJob {
  const first = group[0] as ReplicationLagCheck;
  const timeoutMs = Math.max(...group.map((c) => c.timeoutMs));
  const specs: LagProbeSpec[] = group.map(lagProbeSpec);
  return {
    id: `lag:${first.region}:${first.everyMs ?? first.schedule}`,
    ...cadence(first),
    timeoutMs: timeoutMs + BACKSTOP_MARGIN_MS,
    run: async (signal) => {
      const startedAt = clock.now();
      const outcomes = await untilAborted(probes.lagBatch(specs, signal), signal, () => new Map<string, ProbeOutcome>());
      await Promise.all(
        group.map((check) => {
          const outcome =
            outcomes?.get(check.id) ??
            failure(
              check.severity,
              outcomes ? 'error' : 'timeout',
              outcomes ? 'no result for this check from the CloudWatch batch' : `no CloudWatch answer within ${timeoutMs}ms`,
              { kind: 'replication-lag', lagSeconds: null, metric: check.metric },
            );
          return sink(stamp(check.id, outcome, startedAt, clock), timeoutMs + BACKSTOP_MARGIN_MS);
        }),
      );
    },
  };
}

/** A probe is not supposed to throw; if one does, the check still gets a failed result saying so. */
function crashed(severity: Severity, err: unknown, measurement: ProbeOutcome['measurement']): ProbeOutcome {
  const message = err instanceof Error ? err.message : String(err);
  return failure(severity, 'error', `probe error: ${message}`, measurement);
}

function stamp(checkId: string, outcome: ProbeOutcome, startedAt: number, clock: Clock): CheckResult {
  return { ...outcome, checkId, startedAt, durationMs: Math.max(0, clock.now() - startedAt) };
}

function failure(severity: Severity, kind: 'timeout' | 'error', message: string, measurement: ProbeOutcome['measurement']): ProbeOutcome {
  return { ok: false, severity, summary: message, measurement, error: { kind, message } };
}

/**
 * Resolves with the probe's answer, or null once the run is aborted: a probe that ignores its
 * abort signal must still yield a result, so the check is recorded as failed by timeout instead
 * of silently not evaluated.
 */
function untilAborted<T>(probe: Promise<T>, signal: AbortSignal, onError: (err: unknown) => T): Promise<T | null> {
  if (signal.aborted) return Promise.resolve(null);
  return new Promise((resolve) => {
    const onAbort = () => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
    probe.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        resolve(onError(err));
      },
    );
  });
}
