import type { ActionRequest, Actor } from '../../src/core/action-request.js';
import type { Incident } from '../../src/core/incident.js';
import type { ApprovalSummary, BotMessage, PageResult, Reply } from '../../src/bot/bot-ports.js';
import type { ReadinessReport } from '../../src/readiness/readiness-evaluator.js';

/** Records what the bot hands to the approval, paging and approvals-list ports. */
export class RecordingBotPorts {
  readonly submitted: Array<{ request: ActionRequest; actor: Actor }> = [];
  readonly paged: Array<{ incidentId: string; actor: Actor }> = [];
  approvals: ApprovalSummary[] = [];
  pageAnswer: PageResult = { ok: true, message: 'Paged on-call for the incident (PagerDuty).' };
  /** What the approval double answers the requester with. */
  submitAnswer: BotMessage = { text: 'Plan ready; approval requested.' };

  readonly submitAction = async (request: ActionRequest, actor: Actor, reply: Reply): Promise<void> => {
    this.submitted.push({ request, actor });
    await reply(this.submitAnswer);
  };

  readonly pageOnCall = async (incident: Incident, actor: Actor): Promise<PageResult> => {
    this.paged.push({ incidentId: incident.id, actor });
    return this.pageAnswer;
  };

  readonly listApprovals = async (): Promise<ApprovalSummary[]> => this.approvals;

  /** What `/dr readiness` answers; counted in `readinessEvaluations`. */
  readiness: ReadinessReport = { startedAt: 0, durationMs: 0, runbooks: [] };
  readinessEvaluations = 0;

  readonly evaluateReadiness = async (): Promise<ReadinessReport> => {
    this.readinessEvaluations += 1;
    return this.readiness;
  };

  /** True when no port was called: nothing was executed. */
  get untouched(): boolean {
    return this.submitted.length === 0 && this.paged.length === 0;
  }
}
