import type { CheckResult } from './check-result.js';
import type { Severity } from './severity.js';

/** What the evaluator remembers per check between results (persisted, so restarts continue). */
export interface CheckState {
  checkId: string;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  /** Consecutive results milder than the open incident's severity (de-escalation guard). */
  consecutiveMilder: number;
  /** The worst failure severity within that milder streak; null when the streak holds only passes. */
  milderStreakWorst: Severity | null;
  openIncidentId: string | null;
  /**
   * The parent's incident this check's failure joined (`dependsOn`, SPEC §9) instead of opening its
   * own; absent when none. Recorded once per failure streak and parent incident.
   */
  joinedIncidentId?: string;
  lastResult: CheckResult | null;
}

export function initialCheckState(checkId: string): CheckState {
  return {
    checkId,
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    consecutiveMilder: 0,
    milderStreakWorst: null,
    openIncidentId: null,
    lastResult: null,
  };
}
