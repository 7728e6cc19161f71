import type { CheckResult } from '../core/check-result.js';
import type { Severity } from '../core/severity.js';
import type { DrillOutcome } from './drill-outcome.js';

/** The synthetic check id a drill's incidents carry: `drill:orders-restore`. */
export function drillCheckId(drill: string): string {
  return `drill:${drill}`;
}

/**
 * The incident engine's input for a recorded drill outcome: a pass resolves the drill's incident,
 * anything else (`failed`, `invalid`, `missed-rto`) opens it at `severity` (`readiness.severity`).
 * The engine applies it with the readiness policy (open on the first, resolve on the first pass):
 * drills are days apart, one outcome is the whole evidence.
 */
export function drillCheckResult(outcome: DrillOutcome, severity: Severity): CheckResult {
  const common = {
    checkId: drillCheckId(outcome.drill),
    startedAt: outcome.startedAt,
    durationMs: Math.max(0, outcome.finishedAt - outcome.startedAt),
    measurement: { kind: 'drill', drill: outcome.drill, runId: outcome.runId, result: outcome.result } as const,
  };
  if (outcome.result === 'passed') {
    return { ...common, ok: true, severity: null, summary: `drill ${outcome.drill} passed (${outcome.runId})` };
  }
  const reason = outcome.reason ?? outcome.summary;
  return {
    ...common,
    ok: false,
    severity,
    summary: `drill ${outcome.drill} ${outcome.result} (${outcome.runId}): ${reason}`,
    error: { kind: outcome.result === 'missed-rto' ? 'threshold' : 'error', message: reason },
  };
}
