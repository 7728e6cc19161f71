/**
 * A run that took more than this many times its deadline did not measure the target: the
 * process itself was stopped (SIGSTOP, a frozen VM, a long GC pause) and its clocks jumped. The
 * scheduler aborts a run at its deadline, so an honest run ends within it plus event-loop lag.
 */
export const STALL_FACTOR = 2;

/**
 * True when a run lasted so far beyond its deadline that its result describes this process's
 * stall, not the target: "timeout after 500ms" from a probe that was frozen for 25 s. Such a
 * result must not count; opening (and paging) an incident from it would be the monitor's fault.
 */
export function measuredAcrossStall(durationMs: number, deadlineMs: number): boolean {
  return durationMs > deadlineMs * STALL_FACTOR;
}
