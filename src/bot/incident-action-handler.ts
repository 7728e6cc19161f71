import type { ViewOutput } from '@slack/bolt';
import type { Config } from '../config/types.js';
import type { ActionRequest } from '../core/action-request.js';
import type { Logger } from '../observability/logger.js';
import type { Store } from '../store/store.js';
import { ACTION_IDS } from './action-ids.js';
import { STATUS_PAGE_STATES, type StatusPageState } from '../core/action-request.js';
import type { Incident } from '../core/incident.js';
import {
  currentMessage,
  messageBlockId,
  parseMetadata,
  parseStatusPageSubmission,
  statusPageModal,
  statusTemplate,
} from './blocks/statuspage-modal.js';
import type { Reply } from './bot-ports.js';
import { isSameMessage, type ClickedMessage } from './clicked-message.js';
import type { CommandHandler } from './command-handler.js';
import type { Subcommand } from './command-usage.js';
import type { IncidentMessageRefs } from './incident-message-refs.js';
import { linkedRunbooks } from './linked-runbooks.js';
import type { ParsedCommand } from './parse-command.js';
import { parseIncidentId } from './parse-incident-id.js';
import { PRE_ACK_PERMISSION_TIMEOUT_MS, type Permissions } from './permissions.js';
import type { Requester } from './requester.js';
import type { SlackGateway } from './slack-gateway.js';
import { internalFailure, notOurButton, permissionRefusal, transitionRefusal } from './user-messages.js';

export interface IncidentActionHandlerDeps {
  config: Pick<Config, 'slack' | 'checks' | 'runbooks'>;
  store: Store;
  /** Where Lifeboat posted each incident's message: buttons are accepted only there. */
  refs: Pick<IncidentMessageRefs, 'get'>;
  permissions: Permissions;
  gateway: SlackGateway;
  commands: CommandHandler;
  logger: Logger;
}

/** What a clicked button asked for, after validating its value (never trusted as is). */
type ButtonIntent =
  | {
      kind: 'command';
      subcommand: Subcommand;
      command: ParsedCommand;
      incidentId: string;
      proposal?: { kind: 'failover' | 'restore'; runbook: string };
    }
  | { kind: 'statuspage-modal'; incidentId: string }
  | { kind: 'invalid' };

/**
 * The incident message's buttons and the status page modal. Ack, Page, Resolve and the
 * proposals become the same typed commands `/dr` produces, so permissions, answers and the
 * hand-off to the approval layer are shared with the slash command. A click counts only on the
 * message Lifeboat posted for that very incident (its stored ref), and a proposal only for a
 * runbook linked to the incident's check: a button copied elsewhere or forged does nothing.
 */
export class IncidentActionHandler {
  constructor(private readonly deps: IncidentActionHandlerDeps) {}

  /** Runs after the click was acknowledged. Never throws. */
  async handleClick(
    actionId: string,
    value: string,
    clicked: ClickedMessage | null,
    triggerId: string | undefined,
    requester: Requester,
    reply: Reply,
  ): Promise<void> {
    const intent = this.intentOf(actionId, value);
    if (intent.kind === 'invalid') {
      this.deps.logger.warn({ actionId, userId: requester.userId }, 'a button click carried a value Lifeboat did not make; ignored');
      await reply({ text: 'That button is out of date. Use `/dr incidents` to see the current incidents.' });
      return;
    }
    try {
      const refusal = await this.uninvited(intent, clicked);
      if (refusal) {
        this.deps.logger.warn(
          { actionId, userId: requester.userId, incidentId: intent.incidentId, clicked, refusal },
          'refused a click Lifeboat did not invite; nothing done',
        );
        await reply({ text: notOurButton(`${this.deps.config.slack.command} incidents`) });
        return;
      }
    } catch (err) {
      await reply({ text: internalFailure(this.deps.logger, err, 'checking where a button was clicked', { userId: requester.userId }) });
      return;
    }
    if (intent.kind === 'command') {
      await this.deps.commands.handle(intent.subcommand, intent.command, requester, reply);
      return;
    }
    try {
      const verdict = await this.deps.permissions.operatorVerdict(requester.userId);
      if (verdict !== 'permitted') {
        await reply({ text: permissionRefusal(verdict, 'update the status page') });
        return;
      }
      const incident = await this.deps.store.getIncident(intent.incidentId);
      if (!incident) {
        await reply({ text: transitionRefusal('not-found', intent.incidentId) });
        return;
      }
      if (!triggerId) throw new Error('block_actions payload without trigger_id');
      const view = statusPageModal(incident, this.componentsOf(incident), {
        incidentId: incident.id,
        ...(requester.channelId ? { channelId: requester.channelId } : {}),
      });
      await this.deps.gateway.openView(triggerId, view);
    } catch (err) {
      await reply({ text: internalFailure(this.deps.logger, err, 'opening the status page form', { userId: requester.userId }) });
    }
  }

  /**
   * The status select in the open modal changed: swap the message for the new status's template,
   * unless the person already wrote their own (then their text stays).
   */
  async handleStatusSelect(view: Pick<ViewOutput, 'id' | 'hash' | 'private_metadata' | 'state'>, selected: string): Promise<void> {
    try {
      const metadata = parseMetadata(view.private_metadata);
      if (!metadata || !(STATUS_PAGE_STATES as readonly string[]).includes(selected)) return;
      const incident = await this.deps.store.getIncident(metadata.incidentId);
      if (!incident) return;
      const components = this.componentsOf(incident);
      const service = components[0] ?? incident.checkId;
      const typed = currentMessage(view.state?.values).trim();
      if (typed !== '' && !STATUS_PAGE_STATES.some((s) => statusTemplate(s, service) === typed)) return;
      await this.deps.gateway.updateView(view.id, view.hash, statusPageModal(incident, components, metadata, selected as StatusPageState));
    } catch (err) {
      // The modal keeps its text; nothing else depends on this.
      this.deps.logger.warn({ err, viewId: view.id }, 'could not swap the status page template in the open modal');
    }
  }

  /**
   * Validates a submitted status page modal. Returns what to ack with: Slack's per-field errors
   * (the modal stays open), or null to close it and continue with `continueSubmission`. Runs
   * before the ack, so the permission check waits for Slack at most PRE_ACK_PERMISSION_TIMEOUT_MS:
   * past the receiver's deadline the modal would close with an empty answer and the refusal lost.
   */
  async checkSubmission(
    userId: string,
    values: ViewOutput['state']['values'],
    privateMetadata: string,
  ): Promise<
    { ack: { response_action: 'errors'; errors: Record<string, string> } } | { ack: null; request: ActionRequest; channelId?: string }
  > {
    const parsed = parseStatusPageSubmission(values, privateMetadata);
    if (!parsed.ok) return { ack: { response_action: 'errors', errors: parsed.errors } };
    const verdict = await this.deps.permissions.operatorVerdict(userId, PRE_ACK_PERMISSION_TIMEOUT_MS);
    if (verdict !== 'permitted') {
      // Keyed by the message input's real block id (`message:<status>`): Slack shows errors only
      // against input blocks that exist in the view.
      const errors = { [messageBlockId(values)]: permissionRefusal(verdict, 'update the status page') };
      return { ack: { response_action: 'errors', errors } };
    }
    return { ack: null, request: parsed.request, ...(parsed.channelId ? { channelId: parsed.channelId } : {}) };
  }

  /** After the modal closed: hands the request to the approval layer like `/dr statuspage`. */
  async continueSubmission(request: ActionRequest, requester: Requester, reply: Reply): Promise<void> {
    await this.deps.commands.handle('statuspage', { kind: 'action', request }, requester, reply);
  }

  /**
   * Why this click is not one Lifeboat invited, or null when it is: it must be on the incident's
   * own stored message, and a proposal must name a runbook linked to the incident's check (the
   * buttons are built from linkedRunbooks, so anything else was not put there by Lifeboat).
   */
  private async uninvited(intent: Exclude<ButtonIntent, { kind: 'invalid' }>, clicked: ClickedMessage | null): Promise<string | null> {
    const ref = await this.deps.refs.get(intent.incidentId);
    if (!ref) return 'no message was posted for this incident';
    if (!isSameMessage(clicked, ref)) return 'not on the message posted for this incident';
    if (intent.kind !== 'command' || !intent.proposal) return null;
    const incident = await this.deps.store.getIncident(intent.incidentId);
    if (!incident) return 'the incident does not exist';
    const linked = linkedRunbooks(this.deps.config, incident.checkId)[intent.proposal.kind];
    return linked.includes(intent.proposal.runbook)
      ? null
      : `runbook ${intent.proposal.runbook} is not linked to check ${incident.checkId}`;
  }

  private componentsOf(incident: Incident): string[] {
    const component = this.deps.config.checks.find((c) => c.id === incident.checkId)?.component;
    return component ? [component] : [];
  }

  private intentOf(actionId: string, value: string): ButtonIntent {
    const [base, suffix] = actionId.split(':', 2) as [string, string | undefined];
    if (base === ACTION_IDS.proposeFailover || base === ACTION_IDS.proposeRestore) return this.proposal(base, suffix, value);
    const incidentId = parseIncidentId(value);
    if (incidentId === null || suffix !== undefined) return { kind: 'invalid' };
    switch (base) {
      case ACTION_IDS.acknowledge:
        return { kind: 'command', subcommand: 'ack', command: { kind: 'ack', incidentId }, incidentId };
      case ACTION_IDS.resolve:
        return { kind: 'command', subcommand: 'resolve', command: { kind: 'resolve', incidentId }, incidentId };
      case ACTION_IDS.page:
        return { kind: 'command', subcommand: 'page', command: { kind: 'page', incidentId }, incidentId };
      case ACTION_IDS.statusPage:
        return { kind: 'statuspage-modal', incidentId };
      default:
        return { kind: 'invalid' };
    }
  }

  private proposal(base: string, suffix: string | undefined, value: string): ButtonIntent {
    let parsed: { incidentId?: unknown; runbook?: unknown };
    try {
      parsed = JSON.parse(value) as typeof parsed;
    } catch {
      return { kind: 'invalid' };
    }
    const incidentId = typeof parsed.incidentId === 'string' ? parseIncidentId(parsed.incidentId) : null;
    const runbook = typeof parsed.runbook === 'string' ? parsed.runbook : null;
    if (incidentId === null || runbook === null || runbook !== suffix) return { kind: 'invalid' };
    const { runbooks } = this.deps.config;
    if (base === ACTION_IDS.proposeFailover) {
      if (!Object.hasOwn(runbooks.failover, runbook)) return { kind: 'invalid' };
      const request: ActionRequest = { kind: 'failover', runbook, dryRun: false, allowDataLoss: false, incidentId };
      return {
        kind: 'command',
        subcommand: 'failover',
        command: { kind: 'action', request },
        incidentId,
        proposal: { kind: 'failover', runbook },
      };
    }
    if (!Object.hasOwn(runbooks.restore, runbook)) return { kind: 'invalid' };
    // From a button there is no source to choose: the latest restorable point, shown in the plan.
    const request: ActionRequest = { kind: 'restore', runbook, dryRun: false, source: { type: 'latest' }, incidentId };
    return {
      kind: 'command',
      subcommand: 'restore',
      command: { kind: 'action', request },
      incidentId,
      proposal: { kind: 'restore', runbook },
    };
  }
}
