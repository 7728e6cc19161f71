import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import { runbookLabel, type ActionMetrics } from '../observability/metrics.js';
import { formatUtcSecond } from '../core/format-time.js';
import type { ProgressReporter } from './progress-reporter.js';
import type { JournalRun, RunJournal, RunJournalReader } from './run-journal.js';
import { previousRecords, type RunOutcome, type StepRecord } from './run-outcome.js';
import { summarizeOutcome } from './summarize-outcome.js';

/** Dependencies of `recoverInterrupted`. */
export interface RecoverDeps {
  journal: RunJournal & RunJournalReader;
  reporter: ProgressReporter;
  clock: Clock;
  logger: Logger;
  metrics?: ActionMetrics;
}

/** What is known about one run that stopped without a recorded outcome. */
export function interruptedOutcome(run: JournalRun, now: number): RunOutcome {
  const byId = new Map(run.steps.map((s) => [s.stepId, s]));
  const steps: StepRecord[] = run.plan.calls.map((call) => {
    const seen = byId.get(call.id);
    const times = {
      ...(seen?.startedAt !== undefined && { startedAt: seen.startedAt }),
      ...(seen?.doneAt !== undefined && { finishedAt: seen.doneAt }),
    };
    if (!seen) return { id: call.id, description: call.description, status: 'not-run' };
    if (seen.done)
      return { id: call.id, description: call.description, status: 'done', ...times, ...(seen.detail && { detail: seen.detail }) };
    return { id: call.id, description: call.description, status: 'interrupted', ...times };
  });
  const inFlight = steps.find((s) => s.status === 'interrupted');
  const call = run.plan.calls.find((c) => c.id === inFlight?.id);
  const message = inFlight
    ? `Lifeboat stopped while step ${inFlight.id} (${call?.operation ?? 'unknown'}: ${inFlight.description}) was in flight${inFlight.startedAt !== undefined ? ` since ${formatUtcSecond(inFlight.startedAt)}` : ''}; that call may or may not have reached ${call?.service === 'http' ? 'the hook (it was not sent again)' : 'AWS'}.`
    : 'Lifeboat stopped before or between steps; no step was in flight.';
  const dnsDone = steps.find(
    (s) => s.status === 'done' && run.plan.calls.find((c) => c.id === s.id)?.operation === 'ChangeResourceRecordSets',
  );
  const partial: Omit<RunOutcome, 'summary'> = {
    runId: run.runId,
    planId: run.plan.id,
    action: run.plan.request.kind,
    subject: run.plan.subject,
    status: 'interrupted',
    startedAt: run.startedAt ?? steps.find((s) => s.startedAt !== undefined)?.startedAt ?? now,
    finishedAt: now,
    elapsedMs: null,
    steps,
    ...(dnsDone?.detail && 'previous' in dnsDone.detail && { previousDnsRecords: previousRecords(dnsDone.detail.previous) }),
    error: { ...(inFlight && { stepId: inFlight.id }), code: 'LIFEBOAT_RUN_INTERRUPTED', message },
  };
  return { ...partial, summary: summarizeOutcome(run.plan, partial) };
}

/**
 * At start-up: every run the journal holds without an outcome (its process died) is marked
 * interrupted and reported with what is known — steps done, the step in flight, steps not run.
 * Nothing is resumed or retried: an operator decides after checking AWS.
 */
export async function recoverInterrupted(deps: RecoverDeps): Promise<RunOutcome[]> {
  const runs = await deps.journal.unfinishedRuns();
  const outcomes: RunOutcome[] = [];
  for (const run of runs) {
    const outcome = interruptedOutcome(run, deps.clock.now());
    const log = deps.logger.child({ runId: run.runId, planId: run.plan.id, action: outcome.action, subject: outcome.subject });
    try {
      await deps.journal.finished(run.runId, outcome);
    } catch (err) {
      log.error({ err }, 'could not record the interrupted run; it will be reported again on the next start');
      continue;
    }
    deps.metrics?.record({
      action: outcome.action,
      outcome: 'interrupted',
      runbook: runbookLabel(outcome.action, outcome.subject),
      elapsedMs: null,
    });
    log.warn({ steps: outcome.steps.map((s) => `${s.id}:${s.status}`) }, outcome.summary);
    try {
      await deps.reporter.report({ type: 'finished', runId: run.runId, planId: run.plan.id, outcome, message: outcome.summary });
    } catch (err) {
      log.warn({ err }, 'progress reporter failed for an interrupted run; it is recorded in the journal');
    }
    outcomes.push(outcome);
  }
  return outcomes;
}
