import type { RunJournal, RunJournalReader, JournalRun } from '../actions/run-journal.js';
import type { RunOutcome, StepDetail } from '../actions/run-outcome.js';
import type { Plan } from '../core/plan.js';
import type { RunControl } from '../approvals/run-control.js';

/**
 * The runner's journal, written through the approval engine's RunControl of each run: every step
 * becomes an atomic, audited transition on the approval request, which is what survives a crash.
 */
export class ControlJournal implements RunJournal, RunJournalReader {
  private readonly runs = new Map<string, { control: RunControl; plan: Plan }>();

  /** Routes a run's journal entries to its control until `finished`. */
  attach(runId: string, control: RunControl): void {
    this.runs.set(runId, { control, plan: control.approval.plan });
  }

  async stepStarted(runId: string, stepId: string): Promise<void> {
    const { control, plan } = this.run(runId);
    await control.stepStarted({ stepId, description: describeStep(plan, stepId) });
  }

  async stepDone(runId: string, stepId: string, detail: StepDetail): Promise<void> {
    const { control, plan } = this.run(runId);
    const { message, ...facts } = detail;
    const note = typeof message === 'string' ? message : undefined;
    await control.stepDone({
      stepId,
      description: describeStep(plan, stepId),
      ...(note ? { note } : {}),
      // The facts go with the step: a resume seeds later steps with them, a DNS revert reads `previous`.
      ...(Object.keys(facts).length > 0 ? { detail: facts } : {}),
    });
  }

  async finished(runId: string, outcome: RunOutcome): Promise<void> {
    const { control } = this.run(runId);
    this.runs.delete(runId);
    // Interrupted: the run was taken away (lease lost, or handed back on stop). The store records
    // it interrupted, locks kept; reporting it failed here would free locks AWS may still need.
    if (outcome.status === 'interrupted') return;
    const detail: Record<string, unknown> = {
      status: outcome.status,
      elapsedMs: outcome.elapsedMs,
      ...(outcome.dataLossWindowSeconds !== undefined && { dataLossWindowSeconds: outcome.dataLossWindowSeconds }),
      ...(outcome.dataLossMeasuredBy !== undefined && { dataLossMeasuredBy: outcome.dataLossMeasuredBy }),
      ...(outcome.previousDnsRecords !== undefined && { previousDnsRecords: outcome.previousDnsRecords }),
      ...(outcome.endpoint !== undefined && { endpoint: outcome.endpoint }),
      ...(outcome.statusPageUrl !== undefined && { statusPageUrl: outcome.statusPageUrl }),
      ...(outcome.timeToRecoveryMs !== undefined && {
        timeToRecoveryMs: outcome.timeToRecoveryMs,
        recoveredAt: outcome.recoveredAt,
        recoveryFrom: outcome.recoveryFrom,
        verifiedBy: outcome.verifiedBy,
      }),
      ...(outcome.error !== undefined && { error: outcome.error }),
    };
    if (outcome.status === 'succeeded') await control.succeeded(outcome.summary, detail);
    else await control.failed(outcome.summary, detail);
  }

  /**
   * Always empty: runs abandoned by a dead process are found by the approval engine's
   * `recoverInterruptedRuns`, which knows from run leases which runner is gone.
   */
  async unfinishedRuns(): Promise<JournalRun[]> {
    return [];
  }

  private run(runId: string): { control: RunControl; plan: Plan } {
    const run = this.runs.get(runId);
    if (!run) throw new Error(`no run control attached for ${runId}`);
    return run;
  }
}

function describeStep(plan: Plan, stepId: string): string {
  return plan.calls.find((call) => call.id === stepId)?.description ?? stepId;
}
