import type { ConfigIssue } from './config-issue.js';
import { asArray, asRecord, asText } from './raw-read.js';

/** Check ids with their dependsOn lists, as far as the raw YAML is well formed. */
function dependencyGraph(checks: unknown[]): { ids: Map<string, number>; parents: Map<string, string[]> } {
  const ids = new Map<string, number>();
  const parents = new Map<string, string[]>();
  checks.forEach((raw, at) => {
    const check = asRecord(raw);
    const id = asText(check?.id);
    if (id === undefined || ids.has(id)) return;
    ids.set(id, at);
    const dependsOn = (asArray(check?.dependsOn) ?? []).flatMap((parent) => (typeof parent === 'string' ? [parent] : []));
    parents.set(id, dependsOn);
  });
  return { ids, parents };
}

/** A list of ids for a message: the first few, then how many more. */
function known(ids: Iterable<string>): string {
  const all = [...ids];
  const shown = all.slice(0, 10).join(', ');
  return all.length > 10 ? `${shown}, …and ${all.length - 10} more` : shown || 'none';
}

/**
 * `dependsOn` (SPEC §9) names existing checks, never the check itself, and never goes round in a
 * cycle: a cycle would let two failing checks each wait for the other's incident, and neither
 * would ever page. Each cycle is reported once, on the check where the walk first met it.
 */
function dependencyRules(checks: unknown[]): ConfigIssue[] {
  const { ids, parents } = dependencyGraph(checks);
  const issues: ConfigIssue[] = [];
  for (const [id, list] of parents) {
    const at = ids.get(id) as number;
    list.forEach((parent, index) => {
      if (parent === id) {
        issues.push({ path: ['checks', at, 'dependsOn', index], message: `"${id}" cannot depend on itself` });
      } else if (!ids.has(parent)) {
        issues.push({ path: ['checks', at, 'dependsOn', index], message: `"${parent}" is not a check id (known: ${known(ids.keys())})` });
      }
    });
  }
  // Depth-first walk; a check met again while still on the path closes a cycle.
  const done = new Set<string>();
  const reported = new Set<string>();
  const walk = (id: string, path: string[]): void => {
    const seenAt = path.indexOf(id);
    if (seenAt >= 0) {
      const cycle = [...path.slice(seenAt), id];
      const key = [...cycle.slice(0, -1)].sort().join(' ');
      if (!reported.has(key)) {
        reported.add(key);
        const first = cycle[0] as string;
        issues.push({ path: ['checks', ids.get(first) as number, 'dependsOn'], message: `${cycle.join(' -> ')} is a cycle` });
      }
      return;
    }
    if (done.has(id)) return;
    for (const parent of parents.get(id) ?? []) {
      if (parent !== id && ids.has(parent)) walk(parent, [...path, id]);
    }
    done.add(id);
  };
  for (const id of ids.keys()) walk(id, []);
  return issues;
}

/** Maintenance windows name existing checks (times are checked by the schema). */
function maintenanceRules(windows: unknown[], checks: unknown[]): ConfigIssue[] {
  const { ids } = dependencyGraph(checks);
  return windows.flatMap((raw, at) =>
    (asArray(asRecord(raw)?.checks) ?? []).flatMap((check, index) =>
      typeof check === 'string' && !ids.has(check)
        ? [{ path: ['maintenance', at, 'checks', index], message: `"${check}" is not a check id (known: ${known(ids.keys())})` }]
        : [],
    ),
  );
}

/** Noise control (SPEC §9): dependencies between checks and maintenance windows. */
export function noiseRules(raw: Record<string, unknown>): ConfigIssue[] {
  const checks = asArray(raw.checks) ?? [];
  return [...dependencyRules(checks), ...maintenanceRules(asArray(raw.maintenance) ?? [], checks)];
}
