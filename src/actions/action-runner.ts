import type { RdsGateway } from '../aws/rds-gateway.js';
import type { Route53Gateway } from '../aws/route53-gateway.js';
import type { Clock } from '../core/clock.js';
import { planKind, type Plan } from '../core/plan.js';
import type { Logger } from '../observability/logger.js';
import { ActionError, type ActionErrorCode } from './action-error.js';
import { runbookLabel, type ActionMetrics } from '../observability/metrics.js';
import { executeCall, KNOWN_OPERATIONS, POLLING_OPERATIONS } from './execute-call.js';
import type { VerifyEnv } from './execute-verify.js';
import type { LagSource } from './lag-source.js';
import { evaluateAll } from './preflight.js';
import type { ProgressEvent, ProgressReporter } from './progress-reporter.js';
import type { RunJournal } from './run-journal.js';
import { previousRecords, type RunOutcome, type RunStatus, type StepDetail, type StepRecord } from './run-outcome.js';
import { summarizeOutcome } from './summarize-outcome.js';
import type { StatusPagePublisher } from './status-page-publisher.js';
import { timeToRecovery, type IncidentReader } from './time-to-recovery.js';
import { DEFAULT_BACKOFF, realSleep, type BackoffPolicy, type Sleeper } from './wait-until.js';

/** Everything the runner touches, injected. */
export interface ActionRunnerDeps {
  rds: RdsGateway;
  route53: Route53Gateway;
  lag: LagSource;
  /** Absent: status-page plans fail with LIFEBOAT_STATUSPAGE_FAILED. */
  statusPage?: StatusPagePublisher;
  journal: RunJournal;
  reporter: ProgressReporter;
  clock: Clock;
  logger: Logger;
  sleep?: Sleeper;
  backoff?: BackoffPolicy;
  metrics?: ActionMetrics;
  /** Verify steps: the configured checks and the monitor's probes; absent, a verify step fails. */
  verify?: Pick<VerifyEnv, 'checks' | 'probes'>;
  /** Where the time to recovery reads the opening of the incident a request came from. */
  incidents?: IncidentReader;
  /** The hooks' bearer tokens by variable (`EnvConfig.hookTokens`); never logged. */
  hookTokens?: Readonly<Record<string, string>>;
}

/** Options for one run. */
export interface RunOptions {
  /** Aborts waits on shutdown; the run ends `interrupted` and says what is still moving in AWS. */
  signal?: AbortSignal;
}

/** Why a run's signal aborts, in words for the outcome. */
const STOPPED_WHY = 'this replica was stopping, or the run lease ran out while the store was unreachable';

/** Why a plan cannot be executed as data, before anything runs; null when it can. */
function planProblem(plan: Plan): string | null {
  // A resumed plan's steps may wait on a step done in the run it finishes (GetChange after a done change).
  const done = new Set((plan.alreadyDone ?? []).map((d) => d.id));
  const ids = new Set<string>(done);
  for (const call of plan.calls) {
    const key = `${call.service}:${call.operation}`;
    if (!KNOWN_OPERATIONS.has(key)) return `step ${call.id} asks for ${key}, which Lifeboat does not execute`;
    if (POLLING_OPERATIONS.has(key) !== (call.wait !== undefined))
      return `step ${call.id} (${key}) ${call.wait ? 'cannot' : 'must'} be a wait`;
    if (call.wait?.until === 'writer' && !call.wait.target) return `step ${call.id} waits for a writer without naming it`;
    if (call.wait?.after !== undefined && !ids.has(call.wait.after))
      return `step ${call.id} waits on ${call.wait.after}, which does not come before it`;
    if (ids.has(call.id)) return done.has(call.id) ? `step ${call.id} is planned although already done` : `two steps are named ${call.id}`;
    ids.add(call.id);
  }
  return plan.calls.length === 0 ? 'the plan has no steps' : null;
}

/**
 * Executes exactly an approved plan: re-runs its pre-flight and refuses if a guard no longer
 * holds; then each call in order, journaled before and after (so a crash is reported, never
 * resumed), reported step by step, stopping at the first failure. `run` never throws: every
 * path ends in a recorded, reported `RunOutcome`.
 */
export class ActionRunner {
  constructor(private readonly deps: ActionRunnerDeps) {}

  async run(runId: string, plan: Plan, options: RunOptions = {}): Promise<RunOutcome> {
    const { clock } = this.deps;
    const log = this.deps.logger.child({ runId, planId: plan.id, action: plan.request.kind, subject: plan.subject });
    const startedAt = clock.now();
    const steps: StepRecord[] = plan.calls.map((c) => ({ id: c.id, description: c.description, status: 'not-run' }));
    const base = { runId, plan, startedAt, steps, log };

    const problem = planProblem(plan);
    if (problem)
      return this.finish(base, 'failed', { error: { code: 'LIFEBOAT_PLAN_INVALID', message: `The plan cannot be executed: ${problem}.` } });

    const checks = plan.preflight.flatMap((p) => (p.check ? [p.check] : []));
    const outcomes = await evaluateAll(checks, this.deps);
    const preflight = outcomes.map((o) => o.result);
    if (preflight.some((p) => !p.ok)) {
      log.warn({ failures: preflight.filter((p) => !p.ok) }, 'pre-flight no longer holds; not executing');
      return this.finish(base, 'refused', { preflight });
    }
    const lag = outcomes.find((o) => o.result.check?.kind === 'replica-lag')?.facts.lag;
    const extra: Omit<Partial<RunOutcome>, 'error'> = { preflight };
    if (planKind(plan) === 'failover') {
      extra.dataLossWindowSeconds = lag?.lagSeconds ?? null;
      if (lag?.source) extra.dataLossMeasuredBy = lag.source;
      if (lag?.unreadBecause) extra.dataLossUnreadBecause = lag.unreadBecause;
    }

    const results = new Map<string, StepDetail>((plan.alreadyDone ?? []).flatMap((d) => (d.detail ? [[d.id, d.detail] as const] : [])));
    for (const [index, call] of plan.calls.entries()) {
      const step = steps[index] as StepRecord;
      // A wait only reads, and says itself what is still moving in AWS; any other call must not start.
      if (options.signal?.aborted && call.wait === undefined) {
        log.warn({ stepId: call.id }, 'run stopped before this step; not calling AWS');
        const message = `The run was stopped before "${call.description}" (${STOPPED_WHY}); it was not attempted.`;
        return this.finish(base, 'interrupted', { ...extra, error: { stepId: call.id, code: 'LIFEBOAT_RUN_ABORTED', message } });
      }
      try {
        await this.deps.journal.stepStarted(runId, call.id);
      } catch (err) {
        if (options.signal?.aborted) {
          log.warn({ err, stepId: call.id }, 'run stopped while recording the start of this step; not calling AWS');
          const message = `The run was stopped before "${call.description}" (${STOPPED_WHY}); it was not attempted.`;
          return this.finish(base, 'interrupted', { ...extra, error: { stepId: call.id, code: 'LIFEBOAT_RUN_ABORTED', message } });
        }
        log.error({ err, stepId: call.id }, 'journal refused stepStarted; not calling AWS');
        const message = `Could not record the start of "${call.description}" in the store, so it was not attempted. Check the store (Redis) and request again.`;
        return this.finish(base, 'failed', { ...extra, error: { stepId: call.id, code: 'LIFEBOAT_JOURNAL_FAILED', message } });
      }
      step.startedAt = clock.now();
      await this.report({ type: 'step-started', runId, planId: plan.id, stepId: call.id, message: call.description }, log);
      log.info({ stepId: call.id, operation: call.operation, input: call.input }, 'step started');
      let detail: StepDetail;
      try {
        const result = await executeCall(call, {
          ...this.deps,
          sleep: this.deps.sleep ?? realSleep,
          backoff: this.deps.backoff ?? DEFAULT_BACKOFF,
          results,
          ...(options.signal && { signal: options.signal }),
          onTransient: (err) => log.warn({ stepId: call.id, code: err.code }, 'transient AWS error while waiting; retrying'),
        });
        detail = result.detail;
        step.message = result.message;
      } catch (err) {
        const error =
          err instanceof ActionError
            ? err
            : new ActionError('LIFEBOAT_AWS_ERROR', `${call.description} failed unexpectedly; see the Lifeboat log.`, String(err));
        step.finishedAt = clock.now();
        step.message = error.message;
        const abortedRun = error.code === 'LIFEBOAT_RUN_ABORTED';
        step.status = abortedRun ? 'interrupted' : 'failed';
        log.error({ stepId: call.id, code: error.code, hint: error.hint }, `step failed: ${error.message}`);
        await this.report({ type: 'step-failed', runId, planId: plan.id, stepId: call.id, message: error.message, code: error.code }, log);
        return this.finish(base, abortedRun ? 'interrupted' : 'failed', {
          ...extra,
          error: { stepId: call.id, code: error.code, message: error.message },
        });
      }
      step.finishedAt = clock.now();
      step.status = 'done';
      step.detail = detail;
      results.set(call.id, detail);
      if (call.operation === 'ChangeResourceRecordSets') extra.previousDnsRecords = previousRecords(detail.previous);
      // The first endpoint wins: a restored cluster's endpoint, not its writer instance's.
      if (typeof detail.endpoint === 'string' && extra.endpoint === undefined) extra.endpoint = detail.endpoint;
      if (typeof detail.url === 'string') extra.statusPageUrl = detail.url;
      try {
        // The journal keeps what the step saw in words too ("INSYNC after 41 s"), for the audit log.
        await this.deps.journal.stepDone(runId, call.id, step.message ? { ...detail, message: step.message } : detail);
      } catch (err) {
        if (options.signal?.aborted) {
          // The journal already retried while the run lease lasted: the run is no longer ours to
          // continue, and its locks stay held for a person to check AWS and release them.
          log.error({ err, stepId: call.id, detail }, 'run stopped before a step done in AWS could be recorded; nothing further attempted');
          const message = `"${call.description}" was done in AWS, but the run was stopped (${STOPPED_WHY}) before that could be recorded; nothing further was attempted. Its locks are kept: check AWS, then release them before requesting again.`;
          return this.finish(base, 'interrupted', { ...extra, error: { stepId: call.id, code: 'LIFEBOAT_RUN_ABORTED', message } });
        }
        log.error({ err, stepId: call.id, detail }, 'journal refused stepDone after the step was done in AWS');
        const message = `"${call.description}" was done in AWS but could not be recorded in the store; nothing further was attempted. Check the store (Redis); the step's result is in the Lifeboat log.`;
        return this.finish(base, 'failed', { ...extra, error: { stepId: call.id, code: 'LIFEBOAT_JOURNAL_FAILED', message } });
      }
      await this.report(
        {
          type: 'step-done',
          runId,
          planId: plan.id,
          stepId: call.id,
          message: step.message ?? call.description,
          elapsedMs: step.finishedAt - (step.startedAt ?? step.finishedAt),
        },
        log,
      );
    }
    // Only a run that succeeded has a time to recovery (and only with a verify step).
    return this.finish(base, 'succeeded', { ...extra, ...(await timeToRecovery(plan, results, this.deps.incidents, log)) });
  }

  private async finish(
    base: { runId: string; plan: Plan; startedAt: number; steps: StepRecord[]; log: Logger },
    status: RunStatus,
    extra: Omit<Partial<RunOutcome>, 'error'> & { error?: { stepId?: string; code: ActionErrorCode; message: string } },
  ): Promise<RunOutcome> {
    const finishedAt = this.deps.clock.now();
    const partial: Omit<RunOutcome, 'summary'> = {
      runId: base.runId,
      planId: base.plan.id,
      action: base.plan.request.kind,
      subject: base.plan.subject,
      status,
      startedAt: base.startedAt,
      finishedAt,
      elapsedMs: finishedAt - base.startedAt,
      steps: base.steps,
      ...extra,
    };
    const outcome: RunOutcome = { ...partial, summary: summarizeOutcome(base.plan, partial) };
    try {
      await this.deps.journal.finished(base.runId, outcome);
    } catch (err) {
      // The run stays unfinished in the store; recovery will report it interrupted after a restart.
      base.log.error({ err, outcome }, 'journal refused the final outcome');
    }
    this.deps.metrics?.record({
      action: outcome.action,
      outcome: status,
      runbook: runbookLabel(outcome.action, outcome.subject),
      elapsedMs: outcome.elapsedMs,
      ...(outcome.timeToRecoveryMs !== undefined && { timeToRecoveryMs: outcome.timeToRecoveryMs }),
      ...(outcome.dataLossWindowSeconds !== undefined && { dataLossSeconds: outcome.dataLossWindowSeconds }),
    });
    base.log[status === 'succeeded' ? 'info' : 'warn']({ status, elapsedMs: outcome.elapsedMs }, outcome.summary);
    await this.report({ type: 'finished', runId: base.runId, planId: base.plan.id, outcome, message: outcome.summary }, base.log);
    return outcome;
  }

  private async report(event: ProgressEvent, log: Logger): Promise<void> {
    try {
      await this.deps.reporter.report(event);
    } catch (err) {
      log.warn({ err, event: event.type }, 'progress reporter failed; the run continues');
    }
  }
}
