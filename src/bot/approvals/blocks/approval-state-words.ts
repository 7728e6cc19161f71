import { formatAge, formatDurationHms, slackDate } from '../../../core/format-time.js';
import type { Approval } from '../../../approvals/approval.js';
import { userMention } from '../../blocks/mentions.js';
import { literal } from './plan-blocks.js';

/** The run's measured figures, validated on read (the detail is stored JSON). */
export interface RunFigures {
  /** Measured RTO, ms; null when unknown. */
  elapsedMs: number | null;
  /** Failover only: replica lag at cut-over, seconds; null when not measured, undefined when not a failover. */
  dataLossWindowSeconds?: number | null;
  /** True when the lag is the monitor's last reading (CloudWatch gave no number at cut-over). */
  lagFromMonitor?: boolean;
  /** Time to recovery, ms, and the incident it counts from (absent: from the request); only with a passed verify step. */
  timeToRecoveryMs?: number;
  recoveredSinceIncident?: string;
}

/** Reads elapsed time and data-loss window from a run's stored detail. */
export function runFigures(approval: Approval): RunFigures {
  const detail = approval.run?.detail ?? {};
  const elapsed = detail.elapsedMs;
  const figures: RunFigures = { elapsedMs: typeof elapsed === 'number' && Number.isFinite(elapsed) ? elapsed : null };
  if (approval.plan.request.kind === 'failover') {
    const lag = detail.dataLossWindowSeconds;
    figures.dataLossWindowSeconds = typeof lag === 'number' && Number.isFinite(lag) ? lag : null;
    if (detail.dataLossMeasuredBy === 'monitor') figures.lagFromMonitor = true;
  }
  const ttr = detail.timeToRecoveryMs;
  if (typeof ttr === 'number' && Number.isFinite(ttr)) {
    figures.timeToRecoveryMs = ttr;
    const from = detail.recoveryFrom as { kind?: unknown; incidentId?: unknown } | undefined;
    if (from?.kind === 'incident' && typeof from.incidentId === 'string') figures.recoveredSinceIncident = from.incidentId;
  }
  return figures;
}

/**
 * "in 4m 12s (measured RTO) · data-loss window: replica lag 12s at cut-over" for a run that
 * succeeded. A run that failed did not recover anything: its time is how long it ran before it
 * stopped ("after 1m 1s"), never labelled a recovery time, and it shows no data-loss window
 * (it may not have cut over).
 */
export function figuresText(approval: Approval): string {
  const { elapsedMs, dataLossWindowSeconds, lagFromMonitor, timeToRecoveryMs, recoveredSinceIncident } = runFigures(approval);
  const succeeded = approval.state === 'succeeded';
  if (!succeeded) return elapsedMs === null ? 'after an unknown time' : `after ${formatDurationHms(elapsedMs)}`;
  const rto = approval.plan.request.kind === 'statuspage' ? '' : ' (measured RTO)';
  const parts = [elapsedMs === null ? 'after an unknown time' : `in ${formatDurationHms(elapsedMs)}${rto}`];
  if (timeToRecoveryMs !== undefined) {
    const since = recoveredSinceIncident ? `incident ${literal(recoveredSinceIncident)} opened` : 'the request';
    parts.push(`recovered ${formatDurationHms(timeToRecoveryMs)} after ${since}`);
  }
  if (dataLossWindowSeconds !== undefined) {
    parts.push(
      dataLossWindowSeconds === null
        ? 'data-loss window: not measured (no lag guard)'
        : `data-loss window: replica lag ${dataLossWindowSeconds}s ${lagFromMonitor ? "(the monitor's last reading)" : 'at cut-over'}`,
    );
  }
  return parts.join(' · ');
}

/** Where an interrupted run stopped, as far as the store knows. */
export function interruptedWhere(approval: Approval): string {
  const run = approval.run;
  if (!run || run.startedAt === undefined) return 'before its first step';
  if (run.currentStep) return `during step \`${literal(run.currentStep.stepId)}\` (${literal(run.currentStep.description)})`;
  return `after ${run.steps.length} completed step${run.steps.length === 1 ? '' : 's'}`;
}

function approvers(approval: Approval): string {
  return approval.approvals.map((vote) => userMention(vote.userId)).join(', ');
}

/**
 * What became of an interrupted run's locks: held until someone checks AWS and presses Release
 * locks (AWS may still be working on the call in flight), or who released them and when.
 */
export function locksLine(approval: Pick<Approval, 'locksReleased'>): string {
  const released = approval.locksReleased;
  if (!released) return 'Its locks are held until someone checks the state in AWS and presses *Release locks*.';
  if (released.handedTo)
    return `Locks handed over to ${released.handedTo} (requested by ${userMention(released.userId)} ${slackDate(released.at)}), which finishes or reverts it.`;
  return `Locks released by ${userMention(released.userId)} ${slackDate(released.at)}; new requests can use its resources.`;
}

/** One line saying where the request is, for the top of its message (mrkdwn). */
export function stateLine(approval: Approval): string {
  switch (approval.state) {
    case 'pending': {
      const missing = Math.max(0, approval.requiredApprovals - approval.approvals.length);
      return `:hourglass_flowing_sand: *Waiting for approval*: ${missing} more needed from approvers other than the requester, until ${slackDate(approval.expiresAt)}.`;
    }
    case 'approved':
      return `:+1: *Approved* by ${approvers(approval)}; starting.`;
    case 'running': {
      const step = approval.run?.currentStep;
      return `:arrow_forward: *Running*${step ? `: step \`${literal(step.stepId)}\` (${literal(step.description)})` : ''}. Approved by ${approvers(approval)}.`;
    }
    case 'succeeded':
      return `:white_check_mark: *Succeeded* ${figuresText(approval)}. Approved by ${approvers(approval)}.`;
    case 'failed':
      return `:x: *Failed* ${figuresText(approval)}. Approved by ${approvers(approval)}.`;
    case 'rejected': {
      const rejection = approval.rejection;
      const by = rejection ? userMention(rejection.userId) : 'someone';
      const verb = rejection?.userId === approval.requester ? 'Withdrawn' : 'Rejected';
      const reason = rejection?.reason ? `: ${literal(rejection.reason)}` : '';
      return `:no_entry: *${verb}* by ${by}${reason}. Nothing ran.`;
    }
    case 'expired':
      return `:hourglass: *Expired* after ${formatAge(approval.expiresAt - approval.createdAt)} without enough approvals. Nothing ran; the buttons were removed.`;
    case 'interrupted':
      return `:warning: *Interrupted* ${interruptedWhere(approval)}. Nothing was re-run. ${locksLine(approval)}`;
  }
}

/** The state in one plain word, for notification text. */
export function stateWord(approval: Approval): string {
  return approval.state === 'pending' ? 'waiting for approval' : approval.state;
}
