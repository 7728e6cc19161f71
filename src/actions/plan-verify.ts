import type { CheckConfig, VerifyStep } from '../config/types.js';
import { formatConfigDuration, formatDurationHms } from '../core/format-time.js';
import type { PlannedCall, VerifyCheckInput } from '../core/plan.js';
import { displayUnparsedUrl, prepareUrl } from '../monitor/probes/http-url.js';
import type { PlanningContext } from './planning-context.js';

/** The verify step's id in every plan that has one. */
export const VERIFY_STEP_ID = 'verify';

/** A URL as people may see it: a password in it is masked, as in the monitor's own results. */
function shownUrl(raw: string): string {
  try {
    return prepareUrl(raw).display;
  } catch {
    return displayUnparsedUrl(raw);
  }
}

/** What passing means for one check, in the words its probe judges by. */
export function passingMeans(check: CheckConfig): string {
  switch (check.type) {
    case 'http': {
      const body =
        check.method === 'GET' && check.expect.bodyContains !== undefined
          ? `, body contains ${JSON.stringify(check.expect.bodyContains)}`
          : '';
      return `${check.method} ${shownUrl(check.url)} answers ${check.expect.status.join(' or ')}${body}, within ${formatConfigDuration(check.timeoutMs)}`;
    }
    case 'replication-lag': {
      const lowest = Math.min(...Object.values(check.thresholdsMs));
      const dims = Object.entries(check.dimensions)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
      const gap = check.missingData === 'ok' ? '' : ', with a datapoint';
      return `${check.metric} (${dims}, ${check.region}) below ${formatConfigDuration(lowest)}${gap}`;
    }
    case 'backup': {
      const db = check.dbCluster !== undefined ? `cluster ${check.dbCluster}` : `instance ${check.dbInstance ?? '?'}`;
      const copy = check.copyRegion ? `, with a copy in ${check.copyRegion}` : '';
      return `newest snapshot of ${db} (${check.region}) younger than ${formatConfigDuration(check.maxAgeMs)}${copy}`;
    }
  }
}

/**
 * The runbook's verify step as the plan's last call (none without `verify`): Lifeboat runs the
 * named checks' probes until all pass in one round, within `within`. A check missing from
 * `ctx.checks` is still planned (config-rules refuses such a config; the runner fails the step).
 */
export function planVerify(verify: VerifyStep | undefined, ctx: Pick<PlanningContext, 'checks'>): PlannedCall[] {
  if (!verify) return [];
  const checks: VerifyCheckInput[] = verify.checks.map((id) => {
    const check = ctx.checks?.find((c) => c.id === id);
    return { check: id, passes: check ? passingMeans(check) : 'not a configured check' };
  });
  return [
    {
      id: VERIFY_STEP_ID,
      service: 'lifeboat',
      operation: 'Verify',
      input: { checks, within: formatDurationHms(verify.withinMs) },
      description: `Verify recovery: ${verify.checks.join(', ')} must all pass in one round (up to ${formatDurationHms(verify.withinMs)})`,
      wait: { until: 'verified', timeoutMs: verify.withinMs },
    },
  ];
}
