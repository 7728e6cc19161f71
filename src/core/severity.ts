/** Incident severities, SEV1 (critical) to SEV4 (informational). */
export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/** Lower rank is more severe: SEV1 = 1. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity) + 1;
}

/** True when `a` is strictly more severe than `b`. */
export function isWorse(a: Severity, b: Severity): boolean {
  return severityRank(a) < severityRank(b);
}

/** True when `a` is as severe as `threshold` or more (SEV1 is at or above SEV2). */
export function isAtOrAbove(a: Severity, threshold: Severity): boolean {
  return severityRank(a) <= severityRank(threshold);
}

/** The most severe of the given severities. */
export function worstOf(first: Severity, ...rest: Severity[]): Severity {
  return rest.reduce((worst, s) => (isWorse(s, worst) ? s : worst), first);
}
