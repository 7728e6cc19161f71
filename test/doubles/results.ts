import type { CheckResult } from '../../src/core/check-result.js';
import type { Severity } from '../../src/core/severity.js';

/** A passing http result for `checkId`. */
export function pass(checkId = 'api', at = 0): CheckResult {
  return {
    checkId,
    startedAt: at,
    durationMs: 5,
    ok: true,
    severity: null,
    summary: 'HTTP 200 in 5ms',
    measurement: { kind: 'http', status: 200, url: 'http://127.0.0.1/health' },
  };
}

/** A failing http result at `severity`. */
export function fail(severity: Severity = 'SEV2', checkId = 'api', at = 0, status = 503): CheckResult {
  return {
    checkId,
    startedAt: at,
    durationMs: 5,
    ok: false,
    severity,
    summary: `HTTP ${status} (expected 200)`,
    measurement: { kind: 'http', status, url: 'http://127.0.0.1/health' },
    error: { kind: 'unexpected-status', message: `HTTP ${status}` },
  };
}

/** A replication-lag result of `lagSeconds`, failing at `severity` when given. */
export function lag(lagSeconds: number, severity: Severity | null, checkId = 'orders-lag', at = 0): CheckResult {
  return {
    checkId,
    startedAt: at,
    durationMs: 40,
    ok: severity === null,
    severity,
    summary: `lag ${lagSeconds}s`,
    measurement: { kind: 'replication-lag', lagSeconds, metric: 'ReplicaLag' },
    ...(severity === null ? {} : { error: { kind: 'threshold' as const, message: `lag ${lagSeconds}s` } }),
  };
}
