import type { CheckResult } from '../core/check-result.js';
import type { Severity } from '../core/severity.js';
import type { RunbookKind, RunbookReadiness } from './runbook-readiness.js';

/** The synthetic check id a runbook's readiness incidents carry: `readiness:failover:orders`. */
export function readinessCheckId(kind: RunbookKind, runbook: string): string {
  return `readiness:${kind}:${runbook}`;
}

/** Readiness opens on the first refusal and resolves on the first pass: each cycle is minutes apart. */
export const READINESS_POLICY = { failAfter: 1, recoverAfter: 1 } as const;

/**
 * The incident engine's input for a known verdict; null for `unknown`, which must neither open
 * nor resolve an incident (a throttled describe says nothing about the runbook).
 */
export function readinessResult(r: RunbookReadiness, severity: Severity, startedAt: number, durationMs: number): CheckResult | null {
  if (r.status === 'unknown') return null;
  const common = { checkId: readinessCheckId(r.kind, r.runbook), startedAt, durationMs };
  if (r.status === 'ready') {
    return {
      ...common,
      ok: true,
      severity: null,
      summary: `${r.kind} runbook ${r.runbook} is ready`,
      measurement: { kind: 'readiness', runbookKind: r.kind, runbook: r.runbook, failing: null },
    };
  }
  return {
    ...common,
    ok: false,
    severity,
    summary: `${r.kind} runbook ${r.runbook} would be refused now: ${r.reason}`,
    measurement: { kind: 'readiness', runbookKind: r.kind, runbook: r.runbook, failing: r.failing },
    error: { kind: 'error', message: r.reason },
  };
}
