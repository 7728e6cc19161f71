import { planKind, type Plan } from '../core/plan.js';
import { formatDurationHms } from '../core/format-time.js';
import { describeRecord } from '../core/dns-record.js';
import type { RunOutcome } from './run-outcome.js';
import { failoverTimeMs } from './plan-multi-az-drill.js';

const LABEL: Record<Plan['request']['kind'], string> = {
  failover: 'Failover',
  restore: 'Restore',
  statuspage: 'Status-page update',
  resume: 'Resume',
  'revert-dns': 'DNS revert',
  drill: 'Multi-AZ failover drill',
};

/** "Failover orders", "Resume of APR-3 (failover orders)", "DNS revert of APR-3 (orders)". */
function whatRan(plan: Plan): string {
  if (plan.resumes) return `Resume of ${plan.resumes.approvalId} (${LABEL[plan.resumes.kind].toLowerCase()} ${plan.subject})`;
  if (plan.reverts) return `DNS revert of ${plan.reverts.approvalId} (${plan.subject})`;
  return `${LABEL[plan.request.kind]} ${plan.subject}`;
}

/**
 * A failover, or a resume of one that cuts over in this run (its lag guard still planned): the
 * run reports the data-loss window. A resume whose promotion was done before reported it then.
 */
function cutsOver(plan: Plan): boolean {
  if (plan.request.kind === 'failover') return true;
  return planKind(plan) === 'failover' && plan.preflight.some((p) => p.check?.kind === 'replica-lag');
}

function listSteps(outcome: Omit<RunOutcome, 'summary'>, status: 'done' | 'not-run'): string {
  const ids = outcome.steps.filter((s) => s.status === status).map((s) => s.id);
  return ids.length > 0 ? ids.join(', ') : 'none';
}

/** The one-paragraph account of a run for Slack and the audit log: what happened, how long, what is left. */
export function summarizeOutcome(plan: Plan, outcome: Omit<RunOutcome, 'summary'>): string {
  const what = whatRan(plan);
  const failover = planKind(plan) === 'failover';
  const took = outcome.elapsedMs !== null ? formatDurationHms(outcome.elapsedMs) : 'an unknown time';
  switch (outcome.status) {
    case 'succeeded': {
      const parts = [`${what} succeeded in ${took}${plan.request.kind === 'failover' ? ' (measured RTO)' : ''}.`];
      if (cutsOver(plan)) parts.push(dataLossWords(outcome));
      const dns = plan.calls.find((c) => c.operation === 'ChangeResourceRecordSets');
      const previous = outcome.previousDnsRecords;
      if (dns?.operation === 'ChangeResourceRecordSets' && previous !== undefined) {
        const was = (r: (typeof previous)[number]) => (r ? describeRecord(r) : 'no record');
        const changes = dns.input.ChangeBatch.Changes;
        parts.push(
          previous.length === 1
            ? `DNS updated; the previous value was ${was(previous[0] ?? null)} (kept for failback).`
            : `DNS updated (${previous.length} records); previously ${previous.map((r, i) => `${changes[i]?.ResourceRecordSet.Name ?? `record ${i + 1}`} ${was(r)}`).join('; ')} (kept for failback).`,
        );
      }
      if (outcome.endpoint) parts.push(`${failover ? 'New primary' : 'Endpoint'}: ${outcome.endpoint}.`);
      if (outcome.statusPageUrl) parts.push(`Published: ${outcome.statusPageUrl}.`);
      if (plan.request.kind === 'drill') parts.push(drillWords(outcome));
      // A status-page post and a DNS revert recover nothing: no recovery time to claim or deny.
      else if (plan.request.kind !== 'statuspage' && plan.request.kind !== 'revert-dns') parts.push(recoveryWords(outcome));
      return parts.join(' ');
    }
    case 'refused': {
      const failures = (outcome.preflight ?? []).filter((p) => !p.ok).map((p) => `${p.name}: ${p.observed} (needs ${p.requirement})`);
      return `${what} was not executed: pre-flight no longer holds: ${failures.join('; ')}. Nothing was changed.`;
    }
    case 'failed': {
      const step = outcome.error?.stepId;
      const where = step ? ` at step ${step}` : '';
      return `${what} FAILED${where} after ${took}: ${outcome.error?.message ?? 'unknown error'} Steps done: ${listSteps(outcome, 'done')}. Not run: ${listSteps(outcome, 'not-run')}. Nothing further was attempted.`;
    }
    case 'interrupted': {
      const step = outcome.steps.find((s) => s.status === 'interrupted');
      return `${what} was interrupted${step ? ` during step ${step.id}` : ''}: ${outcome.error?.message ?? 'Lifeboat stopped.'} Steps done: ${listSteps(outcome, 'done')}. Not run: ${listSteps(outcome, 'not-run')}. Nothing is retried automatically: check the resources in AWS before requesting again.`;
    }
  }
}

/** The data-loss window, saying where the lag came from when it is not a reading at cut-over. */
function dataLossWords(outcome: Omit<RunOutcome, 'summary'>): string {
  const lag = outcome.dataLossWindowSeconds;
  if (lag === null || lag === undefined) return 'Data-loss window: not measured (no lag guard).';
  if (outcome.dataLossMeasuredBy === 'monitor') {
    const why = outcome.dataLossUnreadBecause ? `: ${outcome.dataLossUnreadBecause}` : '';
    return `Data-loss window: replica lag ${lag}s as the monitor last measured it (CloudWatch could not be read at cut-over${why}).`;
  }
  return `Data-loss window: replica lag ${lag}s at cut-over.`;
}

/** A Multi-AZ drill's measured time, from the failover call (not the request: approval takes its own time). */
function drillWords(outcome: Omit<RunOutcome, 'summary'>): string {
  const ms = failoverTimeMs(outcome.steps);
  if (ms === undefined) return 'Failover time not measured.';
  const verified = outcome.verifiedBy?.length
    ? `, verified by ${outcome.verifiedBy.join(', ')}`
    : ' (no verify checks: measured to available)';
  return `Failed over and recovered ${formatDurationHms(ms)} after the failover call${verified}.`;
}

/** The time to recovery of a succeeded failover or restore, or that recovery was not verified. */
function recoveryWords(outcome: Omit<RunOutcome, 'summary'>): string {
  const from = outcome.recoveryFrom;
  if (outcome.timeToRecoveryMs === undefined || !from) return 'Recovery not verified (the runbook has no verify step).';
  const since = from.kind === 'incident' ? `incident ${from.incidentId} opened` : 'the request';
  return `Recovered ${formatDurationHms(outcome.timeToRecoveryMs)} after ${since} (verified by ${(outcome.verifiedBy ?? []).join(', ')}).`;
}
