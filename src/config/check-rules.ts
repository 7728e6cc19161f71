import { SEVERITIES } from '../core/severity.js';
import type { CheckType } from './types.js';
import { DEFAULT_EVERY_MS, DEFAULT_TIMEOUT_MS, defaultTimeoutMs } from './checks-schema.js';
import type { ConfigIssue } from './config-issue.js';
import { formatConfigDuration } from '../core/format-time.js';
import { asArray, asDurationMs, asRecord, asText, isGiven } from './raw-read.js';

function isCheckType(value: string | undefined): value is CheckType {
  return value !== undefined && value in DEFAULT_TIMEOUT_MS;
}

/** every/schedule are exclusive; the timeout must end before the next run starts. */
function scheduleRules(check: Record<string, unknown>, at: number, type: CheckType | undefined): ConfigIssue[] {
  if (isGiven(check.every) && isGiven(check.schedule)) {
    return [{ path: ['checks', at, 'schedule'], message: 'set either every or schedule, not both' }];
  }
  const everyGiven = isGiven(check.every);
  const everyMs = everyGiven ? asDurationMs(check.every) : isGiven(check.schedule) ? undefined : DEFAULT_EVERY_MS;
  if (everyMs === undefined) return [];
  if (!isGiven(check.timeout)) {
    // The default timeout is at most 80 % of every: only `every: 1ms` leaves no whole millisecond.
    return type && defaultTimeoutMs(type, everyMs) === 0
      ? [
          {
            path: ['checks', at, 'every'],
            message: `${formatConfigDuration(everyMs)} is too short to leave a timeout (80 % of every); use at least 2ms`,
          },
        ]
      : [];
  }
  const timeoutMs = asDurationMs(check.timeout);
  if (timeoutMs === undefined || timeoutMs < everyMs) return [];
  const every = `${formatConfigDuration(everyMs)}${everyGiven ? '' : ', the default'}`;
  return [{ path: ['checks', at, 'timeout'], message: `${formatConfigDuration(timeoutMs)} must be shorter than every (${every})` }];
}

/** A more severe level must not trip at a lower lag than a less severe one. */
function thresholdRules(check: Record<string, unknown>, at: number): ConfigIssue[] {
  const thresholds = asRecord(check.thresholds);
  if (!thresholds) return [];
  const given = SEVERITIES.flatMap((level) => {
    const ms = asDurationMs(thresholds[level]);
    return ms === undefined ? [] : [{ level, ms }];
  });
  const issues: ConfigIssue[] = [];
  for (let i = 0; i + 1 < given.length; i++) {
    const [worse, milder] = [given[i], given[i + 1]];
    if (worse && milder && worse.ms < milder.ms) {
      issues.push({
        path: ['checks', at, 'thresholds', worse.level],
        message: `${formatConfigDuration(worse.ms)} is below the ${milder.level} threshold (${formatConfigDuration(milder.ms)}): a more severe level needs a higher or equal lag`,
      });
    }
  }
  return issues;
}

/** Exactly one of dbInstance / dbCluster (backup checks and restore runbooks). */
export function databaseRules(entry: Record<string, unknown>, path: readonly PropertyKey[]): ConfigIssue[] {
  const instance = isGiven(entry.dbInstance);
  const cluster = isGiven(entry.dbCluster);
  if (instance && cluster) return [{ path: [...path, 'dbCluster'], message: 'give either dbInstance or dbCluster, not both' }];
  if (!instance && !cluster) {
    return [{ path: [...path, 'dbInstance'], message: 'required: give dbInstance (an RDS instance) or dbCluster (an Aurora cluster)' }];
  }
  return [];
}

function typeRules(check: Record<string, unknown>, at: number, type: CheckType): ConfigIssue[] {
  switch (type) {
    case 'http': {
      const expect = asRecord(check.expect);
      return check.method === 'HEAD' && expect && isGiven(expect.bodyContains)
        ? [
            {
              path: ['checks', at, 'expect', 'bodyContains'],
              message: 'cannot be checked with method HEAD (a HEAD response has no body); use GET',
            },
          ]
        : [];
    }
    case 'replication-lag':
      return thresholdRules(check, at);
    case 'backup': {
      const region = asText(check.region);
      const sameRegion = region !== undefined && asText(check.copyRegion) === region;
      return [
        ...databaseRules(check, ['checks', at]),
        ...(sameRegion
          ? [{ path: ['checks', at, 'copyRegion'], message: `"${region}" is the check's own region; a copy must be in another region` }]
          : []),
      ];
    }
  }
}

/** Duplicate ids, reported once on the first use: `duplicate check id "api" (also checks[3])`. */
function duplicateIdRules(checks: unknown[]): ConfigIssue[] {
  const indexesById = new Map<string, number[]>();
  checks.forEach((check, at) => {
    const id = asText(asRecord(check)?.id);
    if (id !== undefined) indexesById.set(id, [...(indexesById.get(id) ?? []), at]);
  });
  return [...indexesById].flatMap(([id, [first, ...others]]) =>
    first !== undefined && others.length > 0
      ? [{ path: ['checks', first, 'id'], message: `duplicate check id "${id}" (also ${others.map((i) => `checks[${i}]`).join(', ')})` }]
      : [],
  );
}

/** Relations between the fields of each check, and between checks. */
export function checkRules(rawChecks: unknown): ConfigIssue[] {
  const checks = asArray(rawChecks) ?? [];
  return [
    ...checks.flatMap((raw, at) => {
      const check = asRecord(raw);
      if (!check) return [];
      const typeName = asText(check.type);
      const type = isCheckType(typeName) ? typeName : undefined;
      return [...scheduleRules(check, at, type), ...(type ? typeRules(check, at, type) : [])];
    }),
    ...duplicateIdRules(checks),
  ];
}
