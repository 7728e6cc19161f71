import type { BackupCheck, CheckConfig } from '../config/types.js';
import type { CheckResult, ProbeOutcome } from '../core/check-result.js';
import type { Clock } from '../core/clock.js';
import type { Severity } from '../core/severity.js';
import type { BackupProbeSpec } from './probes/backup-probe.js';
import type { HttpProbeSpec, ProbeCallOptions } from './probes/http-probe.js';
import type { LagProbeSpec } from './probes/replication-lag-probe.js';
import { lagProbeSpec } from './probes/replication-lag-evaluate.js';

/** The probes the monitor runs; each never throws for a failed measurement. */
export interface Probes {
  http(spec: HttpProbeSpec, signal: AbortSignal, options?: ProbeCallOptions): Promise<ProbeOutcome>;
  lagBatch(specs: LagProbeSpec[], signal: AbortSignal): Promise<Map<string, ProbeOutcome>>;
  backup(spec: BackupProbeSpec, signal: AbortSignal): Promise<ProbeOutcome>;
}

/** Backstop beyond a probe's own timeout: the probe should answer first. */
export const BACKSTOP_MARGIN_MS = 1000;
/**
 * When the run's signal is the probe's own deadline, how long the probe may take to report that
 * timeout itself (with what it had received) before the run records a bare timeout: well inside
 * the scheduler's backstop, which frees the slot BACKSTOP_MARGIN_MS after the deadline.
 */
const DEADLINE_REPORT_GRACE_MS = BACKSTOP_MARGIN_MS / 2;
/** The options of every scheduled HTTP run: one object, not one a run. */
const SIGNAL_IS_DEADLINE: ProbeCallOptions = Object.freeze({ signalCarriesDeadline: true });
const ONCE = Object.freeze({ once: true });

// Checks are immutable config objects that live as long as the process. An HTTP check is its own
// probe spec (HttpCheck has every field of HttpProbeSpec), so the prober's per-spec cache of
// parsed URL and headers is keyed by the check itself; a backup check's spec is built once.
const backupSpecs = new WeakMap<BackupCheck, BackupProbeSpec>();

/** The probe spec of a backup check, the same object on every call for the same check. */
export function backupProbeSpec(check: BackupCheck): BackupProbeSpec {
  let spec = backupSpecs.get(check);
  if (spec === undefined) {
    spec = buildBackupProbeSpec(check);
    backupSpecs.set(check, spec);
  }
  return spec;
}

function buildBackupProbeSpec(check: BackupCheck): BackupProbeSpec {
  return {
    checkId: check.id,
    region: check.region,
    ...(check.dbInstance ? { dbInstance: check.dbInstance } : {}),
    ...(check.dbCluster ? { dbCluster: check.dbCluster } : {}),
    maxAgeMs: check.maxAgeMs,
    ...(check.copyRegion ? { copyRegion: check.copyRegion } : {}),
    severity: check.severity,
  };
}

/**
 * Runs one check once, as the monitor does: the same probe, the same failed result when the
 * probe throws or `signal` aborts first (a timeout). Never rejects. A replication-lag check is a
 * batch of one. Used by the monitor's HTTP and backup jobs and by a runbook's verify step.
 */
export async function probeCheck(
  check: CheckConfig,
  probes: Probes,
  clock: Clock,
  signal: AbortSignal,
  /** `signal` aborts (TimeoutError) at the check's timeout: the scheduler's ScheduledJob.abortAfterMs. */
  signalIsDeadline = false,
): Promise<CheckResult> {
  const startedAt = clock.now();
  let outcome: ProbeOutcome;
  if (check.type === 'http') {
    const probe = signalIsDeadline ? probes.http(check, signal, SIGNAL_IS_DEADLINE) : probes.http(check, signal);
    // The failure measurement is built only on those paths: most runs pass.
    outcome =
      (await untilAborted(
        probe,
        signal,
        (err) => crashed(check.severity, err, { kind: 'http', url: check.url }),
        signalIsDeadline ? DEADLINE_REPORT_GRACE_MS : 0,
      )) ?? failure(check.severity, 'timeout', `timeout after ${check.timeoutMs}ms`, { kind: 'http', url: check.url });
  } else if (check.type === 'backup') {
    const measurement = { kind: 'backup', ageSeconds: null } as const;
    outcome =
      (await untilAborted(probes.backup(backupProbeSpec(check), signal), signal, (err) => crashed(check.severity, err, measurement))) ??
      failure(check.severity, 'timeout', `no RDS answer within ${check.timeoutMs}ms`, measurement);
  } else {
    const outcomes = await untilAborted(probes.lagBatch([lagProbeSpec(check)], signal), signal, () => new Map<string, ProbeOutcome>());
    outcome = outcomes?.get(check.id) ?? lagFailure(check, outcomes !== null, check.timeoutMs);
  }
  return stamp(check.id, outcome, startedAt, clock);
}

/** A lag check the CloudWatch batch gave no result for (`answered`), or that timed out. */
export function lagFailure(check: Extract<CheckConfig, { type: 'replication-lag' }>, answered: boolean, timeoutMs: number): ProbeOutcome {
  return failure(
    check.severity,
    answered ? 'error' : 'timeout',
    answered ? 'no result for this check from the CloudWatch batch' : `no CloudWatch answer within ${timeoutMs}ms`,
    { kind: 'replication-lag', lagSeconds: null, metric: check.metric },
  );
}

/** A probe is not supposed to throw; if one does, the check still gets a failed result saying so. */
function crashed(severity: Severity, err: unknown, measurement: ProbeOutcome['measurement']): ProbeOutcome {
  const message = err instanceof Error ? err.message : String(err);
  return failure(severity, 'error', `probe error: ${message}`, measurement);
}

/** The outcome as a check's result. Runs on every check run: the fields are copied by name, no spread. */
export function stamp(checkId: string, outcome: ProbeOutcome, startedAt: number, clock: Clock): CheckResult {
  const durationMs = Math.max(0, clock.now() - startedAt);
  const { ok, severity, summary, measurement, error } = outcome;
  return error === undefined
    ? { ok, severity, summary, measurement, checkId, startedAt, durationMs }
    : { ok, severity, summary, measurement, error, checkId, startedAt, durationMs };
}

function failure(severity: Severity, kind: 'timeout' | 'error', message: string, measurement: ProbeOutcome['measurement']): ProbeOutcome {
  return { ok: false, severity, summary: message, measurement, error: { kind, message } };
}

/**
 * Resolves with the probe's answer, or null once the run is aborted (after `graceMs`, when the
 * probe is expected to report the abort itself): a probe that ignores its abort signal must still
 * yield a result, so the check is recorded as failed by timeout instead of silently not evaluated.
 */
export function untilAborted<T>(probe: Promise<T>, signal: AbortSignal, onError: (err: unknown) => T, graceMs = 0): Promise<T | null> {
  if (signal.aborted && graceMs === 0) return Promise.resolve(null);
  return new Promise((resolve) => {
    const onAbort = graceMs === 0 ? () => resolve(null) : () => void setTimeout(() => resolve(null), graceMs);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, ONCE);
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
