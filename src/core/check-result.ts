import type { DrillResult } from '../drills/drill-outcome.js';
import type { Severity } from './severity.js';

/**
 * Why a probe failed, distinctly enough for an on-call engineer to know where to look.
 * `threshold` means the probe measured fine but the value is out of bounds (lag, backup age).
 */
export type ProbeErrorKind =
  | 'timeout'
  | 'dns'
  | 'connection-refused'
  | 'connection-reset'
  | 'tls'
  | 'unexpected-status'
  | 'body-mismatch'
  | 'body-too-large'
  | 'threshold'
  | 'missing-data'
  | 'snapshot-failed'
  | 'aws-error'
  | 'error';

/** What a probe measured, by check type. Values carry their unit in the name. */
export type Measurement =
  | { kind: 'http'; status?: number; url: string }
  | { kind: 'replication-lag'; lagSeconds: number | null; metric: string; at?: number }
  | {
      kind: 'backup';
      ageSeconds: number | null;
      newestSnapshotId?: string;
      newestSnapshotAt?: number;
      failedSnapshots?: string[];
      copyRegion?: string;
      copyAgeSeconds?: number | null;
      newestCopyId?: string;
    }
  | { kind: 'demo'; note: string }
  /** A runbook's pre-flight, evaluated read-only (SPEC §10 Readiness); `failing` names the check that would refuse it. */
  | { kind: 'readiness'; runbookKind: 'failover' | 'restore'; runbook: string; failing: string | null }
  /** A restore drill's outcome (SPEC §10): `result` is its outcome label, `runId` the run that measured it. */
  | { kind: 'drill'; drill: string; runId: string; result: DrillResult }
  /** Nothing measured: a person declared the incident (`/dr declare`); `declaredBy` is their Slack user id. */
  | { kind: 'declared'; title: string; declaredBy: string };

/** One probe run's verdict, before any incident logic. */
export interface ProbeOutcome {
  ok: boolean;
  /** For a failure, the severity this observation implies (thresholds: worst wins). Null when ok. */
  severity: Severity | null;
  /** Human-readable one-liner of what was measured: "HTTP 503", "lag 412s (> 300s)". */
  summary: string;
  measurement: Measurement;
  error?: { kind: ProbeErrorKind; message: string };
}

/** A probe outcome stamped with the check it belongs to and when it ran. */
export interface CheckResult extends ProbeOutcome {
  checkId: string;
  /** Epoch ms when the probe started. */
  startedAt: number;
  durationMs: number;
}
