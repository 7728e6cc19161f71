import { isIP } from 'node:net';
import { bareZoneId, normalizeDnsName, type ChangeRecordSetsInput } from '../aws/route53-gateway.js';
import type { FailoverRequest } from '../core/action-request.js';
import type { FailoverRunbook } from '../config/types.js';
import type { Plan, PlannedCall, PreflightCheck } from '../core/plan.js';
import { ActionError } from './action-error.js';
import { formatDurationHms } from '../core/format-time.js';
import { evaluateAll } from './preflight.js';
import { describeRecord } from './preflight-failover.js';
import { losesData, planPromote, promoteChecks, promoteResources, promoteStepId, promoteTitle } from './plan-promote.js';
import { DEFAULT_WAIT_TIMEOUTS, newPlanId, resourceKey, resultsOf, type PlanningContext, type WaitTimeouts } from './planning-context.js';

/** Oldest lag measurement the guard trusts by default, ms (10 minutes). */
export const DEFAULT_LAG_MAX_AGE_MS = 10 * 60_000;

/** Tuning for `planFailover`. */
export interface FailoverPlanOptions {
  /** Oldest lag measurement the guard accepts, ms. */
  lagMaxAgeMs?: number;
  timeouts?: Partial<WaitTimeouts>;
}

/** `arn:aws:rds:us-west-2:123456789012:cluster:orders-west` (any partition). */
const CLUSTER_ARN = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):\d{12}:cluster:([a-z][a-z0-9-]*)$/i;

/** Problems no live lookup can fix: the runbook must change. */
function consistencyProblems(name: string, runbook: FailoverRunbook): string[] {
  const problems: string[] = [];
  if (runbook.promote && 'globalCluster' in runbook.promote) {
    const match = CLUSTER_ARN.exec(runbook.promote.targetCluster);
    if (!match) {
      problems.push(
        `promote.targetCluster must be the secondary cluster's ARN (arn:aws:rds:<region>:<account>:cluster:<id>); Aurora needs the ARN to locate it in its region`,
      );
    } else if (match[1] !== runbook.region) {
      problems.push(`promote.targetCluster is in ${match[1]} but the runbook's region is ${runbook.region}; they must match`);
    }
  }
  const dns = runbook.dns;
  if (dns) {
    const value = dns.value.trim();
    if (dns.type === 'A' && isIP(value) !== 4) problems.push(`dns.value ${JSON.stringify(dns.value)} is not an IPv4 address (type A)`);
    if (dns.type === 'AAAA' && isIP(value) !== 6)
      problems.push(`dns.value ${JSON.stringify(dns.value)} is not an IPv6 address (type AAAA)`);
    if (dns.type === 'CNAME' && (isIP(value) !== 0 || /\s/.test(value)))
      problems.push(`dns.value ${JSON.stringify(dns.value)} is not a host name (type CNAME)`);
    if (dns.type === 'CNAME' && normalizeDnsName(value) === normalizeDnsName(dns.name))
      problems.push('dns.value points the record at itself');
  }
  return problems.map((p) => `runbook ${name}: ${p}`);
}

/**
 * Plans `/dr failover <runbook>`: the promotion (plan-promote.ts: RDS PromoteReadReplica or
 * PromoteReadReplicaDBCluster, Aurora SwitchoverGlobalCluster (or FailoverGlobalCluster with
 * AllowDataLoss only when the request says so) or FailoverDBCluster, each followed by a wait and,
 * with backupRetention, the promoted cluster's retention), if the runbook has one; then the DNS
 * UPSERT and its wait until INSYNC. Pre-flight results carry live values. Throws
 * `ActionError` LIFEBOAT_RUNBOOK_INCONSISTENT when the runbook cannot be planned at all.
 */
export async function planFailover(
  request: FailoverRequest,
  runbook: FailoverRunbook,
  ctx: PlanningContext,
  options: FailoverPlanOptions = {},
): Promise<Plan> {
  const name = request.runbook;
  const problems = consistencyProblems(name, runbook);
  if (problems.length > 0) {
    throw new ActionError(
      'LIFEBOAT_RUNBOOK_INCONSISTENT',
      `${problems.join('; ')}. Fix the runbook in the Lifeboat config.`,
      problems.join('; '),
    );
  }
  const timeouts = { ...DEFAULT_WAIT_TIMEOUTS, ...options.timeouts };
  const id = newPlanId(ctx);
  const dataLoss = losesData(runbook, request.allowDataLoss);
  const promoteStep = promoteStepId(runbook.promote, dataLoss);
  const dns = runbook.dns && {
    ...runbook.dns,
    hostedZoneId: bareZoneId(runbook.dns.hostedZoneId),
    name: normalizeDnsName(runbook.dns.name),
  };

  const checks: PreflightCheck[] = [];
  if (runbook.guard) {
    const maxAgeMs = options.lagMaxAgeMs ?? DEFAULT_LAG_MAX_AGE_MS;
    checks.push({
      kind: 'replica-lag',
      checkId: runbook.guard.lagCheck,
      maxLagMs: runbook.guard.maxLagMs,
      maxAgeMs,
      overridden: request.allowDataLoss,
      // Without promote the guard covers the whole plan: its first step is the cut-over.
      ...(promoteStep && { step: promoteStep }),
    });
  }
  checks.push(...promoteChecks(runbook, dataLoss));
  if (dns) {
    checks.push({
      kind: 'dns-record',
      hostedZoneId: dns.hostedZoneId,
      name: dns.name,
      type: dns.type,
      value: dns.value,
      step: 'dns-upsert',
    });
  }

  const outcomes = await evaluateAll(checks, ctx);
  const dnsFacts = outcomes.find((o) => o.result.check?.kind === 'dns-record')?.facts;
  // What DNS held at plan time is frozen into the check: the runner refuses if it changed since.
  const preflight = resultsOf(outcomes, (check, o) =>
    check.kind === 'dns-record' && 'record' in o.facts ? { ...check, expected: o.facts.record ?? null } : check,
  );
  const lagFacts = outcomes.find((o) => o.result.check?.kind === 'replica-lag');
  const replaced = dnsFacts && 'record' in dnsFacts ? (dnsFacts.record ?? null) : undefined;

  const calls: PlannedCall[] = [];
  const resources = [resourceKey.runbook('failover', name)];
  const warnings: string[] = [];
  const lastLag = lagFacts?.facts.lag?.lagSeconds;
  const lagText = lastLag !== undefined && lastLag !== null ? `last measured lag ${lastLag}s` : 'replica lag unknown';

  const promotion = planPromote(runbook, dataLoss, timeouts, outcomes, lagText);
  calls.push(...promotion.calls);
  warnings.push(...promotion.warnings);
  resources.push(...promoteResources(runbook.region, runbook.promote));

  const overridden = lagFacts?.facts.overridden;
  // An in-region Aurora writer move has no replica lag to guard: an Aurora Replica "Connects to the
  // same storage volume as the primary DB instance" (Aurora User Guide, DB clusters).
  const inRegion = runbook.promote !== undefined && 'failoverCluster' in runbook.promote;
  if (!runbook.guard && !inRegion) warnings.push(`No lag guard on runbook ${name}: the data-loss window is not checked before cut-over.`);
  else if (overridden)
    warnings.unshift(`Lag guard overridden by --allow-data-loss: ${overridden.failure}. Writes in that window may be lost.`);

  if (dns) {
    const change: ChangeRecordSetsInput = {
      HostedZoneId: dns.hostedZoneId,
      ChangeBatch: {
        Comment: `Lifeboat failover ${name} (plan ${id})`,
        Changes: [
          {
            Action: 'UPSERT',
            ResourceRecordSet: { Name: dns.name, Type: dns.type, TTL: dns.ttl, ResourceRecords: [{ Value: dns.value }] },
          },
        ],
      },
    };
    const was =
      replaced === undefined ? 'the current record (could not be read)' : replaced ? describeRecord(replaced) : 'nothing (new record)';
    calls.push(
      {
        id: 'dns-upsert',
        service: 'route53',
        operation: 'ChangeResourceRecordSets',
        input: { ...change },
        description: `Point ${dns.name} ${dns.type} at ${dns.value} (TTL ${dns.ttl}s), replacing ${was}`,
        ...(replaced !== undefined && { replaces: replaced }),
      },
      {
        id: 'dns-insync',
        service: 'route53',
        operation: 'GetChange',
        input: {},
        description: `Wait until the DNS change is INSYNC on every Route 53 server (up to ${formatDurationHms(timeouts.dnsMs)})`,
        wait: { until: 'INSYNC', after: 'dns-upsert', timeoutMs: timeouts.dnsMs },
      },
    );
    if (replaced?.ttl !== undefined) {
      warnings.push(`Clients may keep resolving ${dns.name} to the old value for up to its TTL (${replaced.ttl}s) after the change.`);
    }
    resources.push(resourceKey.dnsRecord(dns.hostedZoneId, dns.name));
  }

  return {
    id,
    request,
    title: promoteTitle(name, runbook, dataLoss),
    subject: name,
    calls,
    preflight,
    resources,
    // Every kind moves production's writer (a switchover too, if without data loss), and a DNS-only
    // runbook moves production's traffic: type to confirm.
    destructive: true,
    warnings,
    createdAt: ctx.clock.now(),
  };
}
