import type { ProbeOutcome } from '../../core/check-result.js';
import type { ReplicationLagCheck } from '../../config/types.js';
import { SEVERITIES, type Severity } from '../../core/severity.js';

/** The RDS/Aurora lag metrics a replication-lag check may watch. */
export type LagMetric = 'ReplicaLag' | 'AuroraReplicaLag' | 'AuroraGlobalDBReplicationLag' | 'AuroraGlobalDBRPOLag';

/** What one replication-lag check asks for. */
export interface LagProbeSpec {
  checkId: string;
  region: string;
  metric: LagMetric;
  /** CloudWatch dimensions, e.g. `{ DBInstanceIdentifier: 'orders-replica' }`. */
  dimensions: Record<string, string>;
  /** Lag strictly above a value (ms) implies that severity; the worst one exceeded wins. */
  thresholdsMs: Partial<Record<Severity, number>>;
  /** Severity when the window holds no datapoint, or 'ok' to accept silence. */
  missingData: Severity | 'ok';
  /** CloudWatch period, seconds (default 60). */
  periodSeconds?: number;
}

/** The probe spec of a configured lag check: the monitor and the failover's cut-over read the same metric. */
export function lagProbeSpec(check: ReplicationLagCheck): LagProbeSpec {
  return {
    checkId: check.id,
    region: check.region,
    metric: check.metric,
    dimensions: check.dimensions,
    thresholdsMs: check.thresholdsMs,
    missingData: check.missingData,
  };
}

/**
 * Seconds per unit of each metric as CloudWatch publishes it (AWS docs, "Amazon CloudWatch metrics
 * for Amazon RDS" and "... for Amazon Aurora", Units column):
 * - ReplicaLag: Seconds (the console label says "Milliseconds", the Units column says Seconds).
 * - AuroraReplicaLag: Milliseconds ("For an Aurora replica, the amount of lag when replicating
 *   updates from the primary instance").
 * - AuroraGlobalDBReplicationLag: Milliseconds.
 * - AuroraGlobalDBRPOLag: Milliseconds ("the recovery point objective (RPO) lag time").
 */
export const SECONDS_PER_UNIT: Record<LagMetric, number> = {
  ReplicaLag: 1,
  AuroraReplicaLag: 0.001,
  AuroraGlobalDBReplicationLag: 0.001,
  AuroraGlobalDBRPOLag: 0.001,
};

/** "412s", "0.25s", "1.5s": lag and thresholds are always shown in seconds. */
export function formatLagSeconds(seconds: number): string {
  if (Number.isInteger(seconds) || seconds >= 100) return `${Math.round(seconds)}s`;
  return `${Number(seconds.toFixed(seconds < 1 ? 3 : 1))}s`;
}

/** "5m", "90s", "1h": the look-back window as written in config. */
export function formatWindow(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

function describeMetric(spec: LagProbeSpec): string {
  const dims = Object.entries(spec.dimensions).map(([k, v]) => `${k}=${v}`);
  return `${spec.metric}{${dims.join(',')}} in ${spec.region}`;
}

/** The thresholds ordered least to most severe (SEV4 first). */
function thresholdsBySeverity(spec: LagProbeSpec): Array<[Severity, number]> {
  return [...SEVERITIES].reverse().flatMap((sev): Array<[Severity, number]> => {
    const ms = spec.thresholdsMs[sev];
    return ms === undefined ? [] : [[sev, ms]];
  });
}

/**
 * Severity for "we could not measure" (AWS error): the missingData severity, or, when silence is
 * accepted, the least severe threshold (a broken probe is worth a look, not a 3am page). SEV4 when
 * neither is configured.
 */
export function unmeasuredSeverity(spec: LagProbeSpec): Severity {
  if (spec.missingData !== 'ok') return spec.missingData;
  return thresholdsBySeverity(spec)[0]?.[0] ?? 'SEV4';
}

/** Verdict for one datapoint, already normalised to seconds. */
export function evaluateLag(spec: LagProbeSpec, lagSeconds: number, at: number): ProbeOutcome {
  const measurement = { kind: 'replication-lag' as const, lagSeconds, metric: spec.metric, at };
  // MySQL/MariaDB report ReplicaLag = -1 when replication is not active (AWS docs, "Monitoring read
  // replication": "ReplicaLag = -1 is equivalent to Seconds_Behind_Master = NULL"). Unbounded lag:
  // the worst configured severity.
  if (lagSeconds < 0) {
    const worst = thresholdsBySeverity(spec).at(-1)?.[0] ?? unmeasuredSeverity(spec);
    const summary = `replication not running (${spec.metric} ${lagSeconds})`;
    return {
      ok: false,
      severity: worst,
      summary,
      measurement,
      error: { kind: 'threshold', message: `${describeMetric(spec)} is ${lagSeconds}: AWS reports -1 when replication is not active` },
    };
  }
  // Walk from least to most severe so the last one exceeded is the worst (worst wins).
  let exceeded: [Severity, number] | undefined;
  for (const entry of thresholdsBySeverity(spec)) {
    if (lagSeconds * 1000 > entry[1]) exceeded = entry;
  }
  const lag = formatLagSeconds(lagSeconds);
  if (!exceeded) return { ok: true, severity: null, summary: `lag ${lag}`, measurement };
  const [severity, limitMs] = exceeded;
  const summary = `lag ${lag} (${severity} above ${formatLagSeconds(limitMs / 1000)})`;
  return {
    ok: false,
    severity,
    summary,
    measurement,
    error: { kind: 'threshold', message: `${describeMetric(spec)}: ${summary}` },
  };
}

/** Verdict when CloudWatch returned no datapoint for the window. */
export function evaluateMissing(spec: LagProbeSpec, windowMs: number): ProbeOutcome {
  const summary = `no ${spec.metric} datapoint in the last ${formatWindow(windowMs)}`;
  const measurement = { kind: 'replication-lag' as const, lagSeconds: null, metric: spec.metric };
  if (spec.missingData === 'ok') return { ok: true, severity: null, summary, measurement };
  return {
    ok: false,
    severity: spec.missingData,
    summary,
    measurement,
    error: {
      kind: 'missing-data',
      message: `${describeMetric(spec)}: ${summary}; check the dimensions and that the target is a replica publishing this metric`,
    },
  };
}

/** Verdict when the measurement itself failed (AWS error, per-query InternalError). */
export function evaluateUnmeasured(spec: LagProbeSpec, summary: string, message: string): ProbeOutcome {
  return {
    ok: false,
    severity: unmeasuredSeverity(spec),
    summary,
    measurement: { kind: 'replication-lag', lagSeconds: null, metric: spec.metric },
    error: { kind: 'aws-error', message: `${describeMetric(spec)}: ${message}` },
  };
}
