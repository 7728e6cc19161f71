import { closestMatch } from './closest-match.js';
import type { ConfigIssue } from './config-issue.js';
import { inferRegion, multiAzDatabase, regionSources } from './database-regions.js';
import { asRecord, asText, isGiven } from './raw-read.js';

/** A drill restores a configured restore runbook: an unknown name could never run. */
export function drillRules(raw: Record<string, unknown>): ConfigIssue[] {
  const drills = isGiven(raw.drills) ? asRecord(raw.drills) : {};
  if (!drills) return []; // not a map: its own field error says so
  const runbooks = isGiven(raw.runbooks) ? asRecord(raw.runbooks) : {};
  const restore = isGiven(runbooks?.restore) ? asRecord(runbooks?.restore) : {};
  const known = Object.keys(restore ?? {});
  return Object.entries(drills).flatMap(([name, drill]) => {
    const runbook = asText(asRecord(drill)?.restore);
    if (runbook === undefined || known.includes(runbook)) return [];
    const guess = closestMatch(runbook, known);
    const list = known.length > 0 ? `restore runbooks: ${known.join(', ')}` : 'no restore runbooks are configured';
    return [
      {
        path: ['drills', name, 'restore'],
        message: `"${runbook}" is not a restore runbook${guess ? ` (did you mean "${guess}"?)` : ''}; ${list}`,
      },
    ];
  });
}

/** A Multi-AZ drill without `region` needs the entries naming its database to agree on one. */
export function drillRegionRules(raw: Record<string, unknown>): ConfigIssue[] {
  const drills = isGiven(raw.drills) ? asRecord(raw.drills) : {};
  return Object.entries(drills ?? {}).flatMap(([name, value]) => {
    const drill = asRecord(value);
    const db = drill && !isGiven(drill.region) ? multiAzDatabase(drill.multiAzFailover) : undefined;
    if (!db) return [];
    const inferred = inferRegion(regionSources(raw, db), db);
    return 'problem' in inferred ? [{ path: ['drills', name, 'region'], message: `${inferred.problem}; give region` }] : [];
  });
}
