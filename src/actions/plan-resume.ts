import type { Approval, RunStepMark } from '../approvals/approval.js';
import type { ResumeRequest } from '../core/action-request.js';
import type { DnsRecord } from '../core/dns-record.js';
import { planKind, type DoneStep, type Plan, type PlannedCall, type PreflightCheck, type PreflightResult } from '../core/plan.js';
import { ActionError } from './action-error.js';
import { CONFIRMED_BY_READ } from './execute-call.js';
import { effectOf } from './mutation-effects.js';
import { evaluateAll } from './preflight.js';
import { describeRecord } from './preflight-failover.js';
import { newPlanId, resultsOf, type PlanningContext } from './planning-context.js';
import { runRecord } from './recorded-run.js';
import type { StepDetail } from './run-outcome.js';

/** "Resume APR-3: " in front of a resumed plan's title; a resume of a resume names only the newest. */
const RESUME_PREFIX = /^Resume APR-\d+: /;

/** What planning a resume decided for one step of the plan it finishes. */
type StepVerdict = { plan: true; note?: string } | { plan: false; done: DoneStep } | { plan: true; unreadable: PreflightResult };

/**
 * The facts a later step needs from a done one when the run did not keep them (runs recorded
 * before step facts were kept, or a step confirmed by reading back): a DNS change's id is then
 * unknown, so its GetChange says the change was confirmed by reading the record instead.
 */
function fallbackDetail(call: PlannedCall, approval: Approval): StepDetail | undefined {
  if (call.operation !== 'ChangeResourceRecordSets') return undefined;
  // The outcome's records kept for failback (a list; one record on runs recorded before lists), else what the plan saw.
  const outcome = approval.run?.detail;
  const previous = outcome?.previousDnsRecords ?? outcome?.previousDnsRecord ?? call.replaces ?? null;
  return { changeId: null, status: CONFIRMED_BY_READ, previous };
}

function doneInRun(call: PlannedCall, mark: RunStepMark, approval: Approval): DoneStep {
  const detail = mark.detail ?? fallbackDetail(call, approval);
  return {
    id: call.id,
    description: call.description,
    how: `done in ${approval.id}${mark.note ? `: ${mark.note}` : ''}`,
    ...(detail && { detail }),
  };
}

/**
 * A step the run did not record done, read back now with the look sendMutation uses after a
 * lost answer (so a step done in AWS, by that run or by hand in the console, is skipped, never
 * sent twice). A wait is planned again (it only reads). `started`: the step the run left
 * unsettled; if it cannot be read back it is planned again, saying it may already have run.
 */
async function settle(call: PlannedCall, approval: Approval, ctx: PlanningContext, started: boolean): Promise<StepVerdict> {
  if (call.wait !== undefined)
    return started ? { plan: true, note: `${call.id} was under way in ${approval.id}; the wait starts again.` } : { plan: true };
  const look = effectOf(call, ctx);
  if (!look) {
    if (!started) return { plan: true };
    return {
      plan: true,
      note: `${call.id} (${call.operation}) was started in ${approval.id} and cannot be read back: it MAY ALREADY HAVE RUN, and is planned again.`,
    };
  }
  try {
    const seen = await look();
    if (!seen.took) {
      if (!started) return { plan: true };
      return {
        plan: true,
        note: `${call.id} was started in ${approval.id}; read back now, ${seen.observed}: it did not take effect, so it is planned again.`,
      };
    }
    const detail: StepDetail =
      call.operation === 'ChangeResourceRecordSets'
        ? // The record as the plan saw it, which pre-flight confirmed right before that run: the best account of what it replaced.
          { changeId: null, status: CONFIRMED_BY_READ, previous: call.replaces ?? null, confirmedBy: 'describe', observed: seen.observed }
        : { status: null, confirmedBy: 'describe', observed: seen.observed };
    return {
      plan: false,
      done: { id: call.id, description: call.description, how: `read back now: ${seen.observed}; not repeated`, detail },
    };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return {
      plan: true,
      unreadable: {
        name: `step ${call.id} in ${approval.id}`,
        ok: false,
        observed: `could not read back whether it took effect: ${reason}`,
        requirement: `whether ${call.operation} of ${approval.id} took effect can be read, so it is never sent twice`,
        code: 'LIFEBOAT_AWS_ERROR',
      },
    };
  }
}

/**
 * A GetChange wait on a DNS change found done by reading the record back (its change id unknown)
 * has nothing to follow: the runner would only say so. Not planned, so a run whose only steps
 * left are such waits has nothing to resume.
 */
function unfollowableWait(call: PlannedCall, done: DoneStep[]): DoneStep | null {
  if (call.operation !== 'GetChange' || call.wait?.after === undefined) return null;
  const changed = done.find((d) => d.id === call.wait?.after)?.detail;
  if (changed?.status !== CONFIRMED_BY_READ) return null;
  return {
    id: call.id,
    description: call.description,
    how: `not followed: ${call.wait.after} was confirmed by reading the record back, so there is no change id to wait on`,
  };
}

/** A DNS change planned again replaces what DNS holds now, not what it held when the run was planned. */
function refreezeDns(call: PlannedCall, now: DnsRecord | null | undefined): PlannedCall {
  // A step of several records keeps its per-record view; its pre-flight checks are re-frozen one by one.
  if (call.operation !== 'ChangeResourceRecordSets' || now === undefined || call.replaces === undefined || Array.isArray(call.replaces))
    return call;
  const was = now ? describeRecord(now) : 'nothing (new record)';
  return { ...call, replaces: now, description: call.description.replace(/, replacing .*$/s, `, replacing ${was}`) };
}

/**
 * Plans `/dr resume <APR-n>`: the steps of APR-n's plan not yet done, linked to it. Steps done
 * there are listed, not planned; the step it left unsettled is settled now (see `settle`). Of the
 * original pre-flight only the checks guarding a step still planned (or the whole plan) are
 * evaluated afresh; a DNS record check is re-frozen to what DNS holds now. Same subject, so an
 * approver of a destructive resume types the runbook's name, as for the original.
 */
export async function planResume(request: ResumeRequest, original: Approval, ctx: PlanningContext): Promise<Plan> {
  const id = original.id;
  if (original.state === 'succeeded') throw new ActionError('LIFEBOAT_NOTHING_TO_DO', `${id} succeeded: nothing to resume.`);
  const record = runRecord(original);
  const base = original.plan;
  const alreadyDone: DoneStep[] = [...(base.alreadyDone ?? [])];
  const calls: PlannedCall[] = [];
  const notes: string[] = [];
  const unreadable: PreflightResult[] = [];
  for (const call of base.calls) {
    const mark = record.done.get(call.id);
    if (mark) {
      alreadyDone.push(doneInRun(call, mark, original));
      continue;
    }
    const unfollowable = unfollowableWait(call, alreadyDone);
    if (unfollowable) {
      alreadyDone.push(unfollowable);
      continue;
    }
    const verdict = await settle(call, original, ctx, record.unsettled?.id === call.id);
    if (!verdict.plan) {
      alreadyDone.push(verdict.done);
      continue;
    }
    calls.push(call);
    if ('note' in verdict && verdict.note) notes.push(verdict.note);
    if ('unreadable' in verdict) unreadable.push(verdict.unreadable);
  }
  if (calls.length === 0) {
    throw new ActionError(
      'LIFEBOAT_NOTHING_TO_DO',
      `Every step of ${id} is done (${alreadyDone.map((d) => `${d.id}: ${d.how}`).join('; ')}): nothing to resume.`,
    );
  }

  const planned = new Set(calls.map((c) => c.id));
  const checks = base.preflight.flatMap((p) => (p.check && (p.check.step === undefined || planned.has(p.check.step)) ? [p.check] : []));
  const outcomes = await evaluateAll(checks, ctx);
  const dnsNow = outcomes.find((o) => o.result.check?.kind === 'dns-record')?.facts.record;
  const preflight = resultsOf(
    outcomes,
    (check, o): PreflightCheck =>
      check.kind === 'dns-record' && 'record' in o.facts ? { ...check, expected: o.facts.record ?? null } : check,
  );

  const doneWords = alreadyDone.length > 0 ? alreadyDone.map((d) => d.id).join(', ') : 'none';
  return {
    id: newPlanId(ctx),
    request,
    title: `Resume ${id}: ${base.title.replace(RESUME_PREFIX, '')}`,
    subject: base.subject,
    calls: calls.map((c) => refreezeDns(c, dnsNow)),
    preflight: [...unreadable, ...preflight],
    // The original's locks pass to this request (taken over if it still holds them): one run per resource.
    resources: [...base.resources],
    destructive: base.destructive,
    warnings: [
      `Finishes ${id} (${original.state}). Steps not repeated: ${doneWords}.`,
      ...notes,
      ...(original.state === 'interrupted' && original.locksReleased === undefined
        ? [`${id} still holds its locks; this request takes them over, so no other request can use its resources meanwhile.`]
        : []),
    ],
    createdAt: ctx.clock.now(),
    resumes: { approvalId: id, kind: planKind(base), origin: originOf(base) },
    alreadyDone,
  };
}

/** Where the chain of requests `base` belongs to began: a resume of a resume still counts from the first. */
function originOf(base: Plan): { incidentId?: string; requestedAt: number } {
  if (base.resumes?.origin) return base.resumes.origin;
  const incidentId = base.request.kind === 'failover' || base.request.kind === 'restore' ? base.request.incidentId : undefined;
  return { ...(incidentId !== undefined && { incidentId }), requestedAt: base.createdAt };
}
