import type { Config } from '../config/types.js';
import type { ActionRequest } from '../core/action-request.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import type { Store } from '../store/store.js';
import { approvalsList } from './blocks/approvals-list.js';
import { helpMessage } from './blocks/help-message.js';
import { incidentsList } from './blocks/incidents-list.js';
import { statusReport, type CheckPosture } from './blocks/status-report.js';
import type { BotMessage, IncidentCommands, IncidentTransitionRefusal, ListApprovals, PageOnCall, Reply, SubmitAction } from './bot-ports.js';
import { READ_ONLY_SUBCOMMANDS, usageLine, type Subcommand } from './command-usage.js';
import type { ParsedCommand } from './parse-command.js';
import type { Permissions } from './permissions.js';
import { actorOf, type Requester } from './requester.js';
import { internalFailure, permissionRefusal, transitionRefusal } from './user-messages.js';

/** Recently resolved incidents `/dr incidents` lists under the open ones. */
export const RECENT_RESOLVED_LIMIT = 5;

export interface CommandHandlerDeps {
  config: Pick<Config, 'slack' | 'checks'>;
  store: Store;
  incidents: IncidentCommands;
  permissions: Permissions;
  pageOnCall: PageOnCall;
  submitAction: SubmitAction;
  listApprovals: ListApprovals;
  clock: Clock;
  logger: Logger;
}

/**
 * Carries out a parsed `/dr` command after it was acknowledged: checks permission (operators act,
 * everyone reads), does the work and answers the requester through `reply`. Never throws.
 */
export class CommandHandler {
  constructor(private readonly deps: CommandHandlerDeps) {}

  async handle(subcommand: Subcommand, command: ParsedCommand, requester: Requester, reply: Reply): Promise<void> {
    const usage = usageLine(this.deps.config.slack.command, subcommand);
    try {
      const verdict = READ_ONLY_SUBCOMMANDS.has(subcommand) ? 'permitted' : await this.deps.permissions.operatorVerdict(requester.userId);
      if (verdict !== 'permitted') {
        this.deps.logger.info({ userId: requester.userId, subcommand, verdict }, 'refused a /dr command from a non-operator');
        await reply({ text: `${permissionRefusal(verdict, `run \`${this.deps.config.slack.command} ${subcommand}\``)}\n${usage}` });
        return;
      }
      const answer = await this.run(command, requester, reply);
      if (answer) await reply(answer);
    } catch (err) {
      const text = internalFailure(this.deps.logger, err, `/dr ${subcommand}`, { userId: requester.userId });
      await reply({ text: `${text}\n${usage}` });
    }
  }

  /** The answer, or null when the work answered the requester itself (the approval layer). */
  private async run(command: ParsedCommand, requester: Requester, reply: Reply): Promise<BotMessage | null> {
    const { store, incidents, clock } = this.deps;
    switch (command.kind) {
      case 'help':
        return helpMessage(this.deps.config.slack.command);
      case 'status':
        return this.status();
      case 'incidents': {
        const [open, recent] = await Promise.all([store.listOpenIncidents(), store.listRecentIncidents(RECENT_RESOLVED_LIMIT * 4)]);
        const resolved = recent.filter((i) => i.state === 'resolved').slice(0, RECENT_RESOLVED_LIMIT);
        return incidentsList(open, resolved);
      }
      case 'approvals':
        return approvalsList(await this.deps.listApprovals(), clock.now());
      case 'ack': {
        const result = await incidents.acknowledge(command.incidentId, requester.userId);
        return { text: result.ok ? `Acknowledged ${command.incidentId}.` : this.refusal(result.reason, command.incidentId, 'ack') };
      }
      case 'resolve': {
        const result = await incidents.resolve(command.incidentId, requester.userId, command.note);
        return { text: result.ok ? `Resolved ${command.incidentId}.` : this.refusal(result.reason, command.incidentId, 'resolve') };
      }
      case 'page':
        return this.page(command.incidentId, requester);
      case 'action': {
        const { request } = command;
        if (request.kind === 'statuspage') {
          const incident = await store.getIncident(request.incidentId);
          if (!incident) return { text: this.refusal('not-found', request.incidentId, 'statuspage') };
        }
        this.deps.logger.info({ userId: requester.userId, request: describeRequest(request) }, 'handing a request to the approval layer');
        // The approval layer answers through `reply` itself (plan, approval request, refusal).
        await this.deps.submitAction(request, actorOf(requester), reply);
        return null;
      }
    }
  }

  /** A refused ack/resolve/page; an incident id that does not exist was wrong input, so the usage line follows. */
  private refusal(reason: IncidentTransitionRefusal, incidentId: string, subcommand: 'ack' | 'resolve' | 'page' | 'statuspage'): string {
    const text = transitionRefusal(reason, incidentId);
    return reason === 'not-found' ? `${text}\n${usageLine(this.deps.config.slack.command, subcommand)}` : text;
  }

  private async status(): Promise<BotMessage> {
    const { store, config, clock, logger } = this.deps;
    const checks: CheckPosture[] = await Promise.all(
      config.checks.map(async (c) => ({ id: c.id, type: c.type, state: await store.getCheckState(c.id) })),
    );
    const openIncidents = await store.listOpenIncidents();
    let approvals = null;
    try {
      approvals = await this.deps.listApprovals();
    } catch (err) {
      logger.error({ err }, '/dr status could not list pending approvals; shown as unavailable');
    }
    return statusReport({ checks, openIncidents, approvals, nowMs: clock.now() });
  }

  private async page(incidentId: string, requester: Requester): Promise<BotMessage> {
    const incident = await this.deps.store.getIncident(incidentId);
    if (!incident) return { text: this.refusal('not-found', incidentId, 'page') };
    if (incident.state === 'resolved') return { text: `${incidentId} is resolved; there is nothing to page for.` };
    const result = await this.deps.pageOnCall(incident, actorOf(requester));
    if (result.ok) return { text: result.message ?? `Paged on-call for ${incidentId}.` };
    return { text: result.message };
  }
}

function describeRequest(request: ActionRequest): string {
  switch (request.kind) {
    case 'failover':
      return `failover ${request.runbook}${request.dryRun ? ' (dry run)' : ''}`;
    case 'restore':
      return `restore ${request.runbook}${request.dryRun ? ' (dry run)' : ''}`;
    case 'statuspage':
      return `status page update for ${request.incidentId} (${request.status})`;
  }
}
