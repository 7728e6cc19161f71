import type { CheckResult } from './check-result.js';
import type { CheckState } from './check-state.js';
import { isWorse, worstOf, type Severity } from './severity.js';

/** How many consecutive results it takes to change an incident's state (flap guard). */
export interface FlapPolicy {
  failAfter: number;
  recoverAfter: number;
}

/** What the incident engine should do about one result. */
export type IncidentDecision =
  | { kind: 'none' }
  | { kind: 'open'; severity: Severity }
  | { kind: 'escalate'; severity: Severity }
  | { kind: 'deescalate'; severity: Severity }
  | { kind: 'update' }
  | { kind: 'resolve' };

/** The decision of nearly every run, one shared object (read-only). */
const NO_DECISION: IncidentDecision = Object.freeze({ kind: 'none' });

export interface Evaluation {
  state: CheckState;
  decision: IncidentDecision;
}

/**
 * Applies one result to a check's state. Pure: the engine persists `state` and acts on
 * `decision`. `openSeverity` is the severity of the check's open incident, null when none.
 *
 * - No incident: opens after `failAfter` consecutive failures, at the latest result's severity.
 * - Open incident: a worse result escalates at once (getting worse must never wait); a milder
 *   one de-escalates only after `recoverAfter` milder results in a row, to the worst of them,
 *   so a value hovering around a threshold does not bounce the severity on every run.
 * - Resolves after `recoverAfter` consecutive passes.
 */
export function evaluateResult(previous: CheckState, result: CheckResult, policy: FlapPolicy, openSeverity: Severity | null): Evaluation {
  const passed = result.ok || result.severity === null;
  const state: CheckState = {
    ...previous,
    consecutiveFailures: passed ? 0 : previous.consecutiveFailures + 1,
    consecutiveSuccesses: passed ? previous.consecutiveSuccesses + 1 : 0,
    lastResult: result,
  };

  if (openSeverity === null) {
    state.consecutiveMilder = 0;
    state.milderStreakWorst = null;
    if (!passed && state.consecutiveFailures >= policy.failAfter) {
      return { state, decision: { kind: 'open', severity: result.severity as Severity } };
    }
    return { state, decision: NO_DECISION };
  }

  if (passed && state.consecutiveSuccesses >= policy.recoverAfter) {
    return { state: { ...state, consecutiveMilder: 0, milderStreakWorst: null }, decision: { kind: 'resolve' } };
  }

  const severity = passed ? null : (result.severity as Severity);
  if (severity !== null && isWorse(severity, openSeverity)) {
    return { state: { ...state, consecutiveMilder: 0, milderStreakWorst: null }, decision: { kind: 'escalate', severity } };
  }
  if (severity === openSeverity) {
    return { state: { ...state, consecutiveMilder: 0, milderStreakWorst: null }, decision: { kind: 'update' } };
  }

  // Milder than the open incident: a pass, or a failure of lower severity.
  state.consecutiveMilder = previous.consecutiveMilder + 1;
  state.milderStreakWorst =
    severity === null
      ? previous.milderStreakWorst
      : previous.milderStreakWorst === null
        ? severity
        : worstOf(previous.milderStreakWorst, severity);
  if (state.consecutiveMilder >= policy.recoverAfter && state.milderStreakWorst !== null) {
    const target = state.milderStreakWorst;
    return {
      state: { ...state, consecutiveMilder: 0, milderStreakWorst: null },
      decision: { kind: 'deescalate', severity: target },
    };
  }
  return { state, decision: { kind: 'update' } };
}
