import type { Incident } from '../../core/incident.js';
import { ACTION_IDS } from '../action-ids.js';
import type { LinkedRunbooks } from '../linked-runbooks.js';
import { escapeMrkdwn } from '../slack-text.js';
import { channelMention, fitSection, severityEmoji, userMention } from './mentions.js';
import { slackDate } from './format-time.js';

/** Everything the incident message shows. */
export interface IncidentMessageInput {
  incident: Incident;
  links: LinkedRunbooks;
  /** The dedicated channel, once created. */
  incidentChannelId?: string;
  /** Where PagerDuty paging stands (see pagingLine), shown as a context line under the fields. */
  pagingLine?: string;
}

/** Block id of the buttons row; stable so tests and other modules can find it. */
export const INCIDENT_ACTIONS_BLOCK = 'lifeboat.incident.actions';
/** Block id of the paging context line. */
export const INCIDENT_PAGING_BLOCK = 'lifeboat.incident.paging';

/** The incident's one message: pure, so its exact output is tested. */
export function incidentMessage(input: IncidentMessageInput): { text: string; blocks: unknown[] } {
  const { incident } = input;
  const state = stateWords(incident);
  const blocks: unknown[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: fitSection(
          `${incident.state === 'resolved' ? ':white_check_mark:' : severityEmoji(incident.severity)} *${incident.id}* · *${incident.severity}* · \`${escapeMrkdwn(incident.checkId)}\` — ${state}\n${escapeMrkdwn(incident.summary)}`,
        ),
      },
    },
    { type: 'section', fields: fields(input) },
  ];
  if (input.pagingLine) {
    blocks.push({ type: 'context', block_id: INCIDENT_PAGING_BLOCK, elements: [{ type: 'mrkdwn', text: input.pagingLine }] });
  }
  const actions = buttons(input);
  if (actions.length > 0) blocks.push({ type: 'actions', block_id: INCIDENT_ACTIONS_BLOCK, elements: actions });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Lifeboat · updated ${slackDate(incident.updatedAt)}` }] });
  const text = `${incident.severity} ${incident.id} ${incident.checkId}: ${incident.summary} (${plainState(incident)})`;
  return { text: escapeMrkdwn(text), blocks };
}

function stateWords(incident: Incident): string {
  if (incident.state === 'resolved') return incident.resolvedBy ? `*resolved* by ${userMention(incident.resolvedBy)}` : '*resolved*';
  if (incident.state === 'acknowledged' && incident.acknowledgedBy) return `*acknowledged* by ${userMention(incident.acknowledgedBy)}`;
  return '*open*';
}

function plainState(incident: Incident): string {
  return incident.state;
}

function fields(input: IncidentMessageInput): unknown[] {
  const { incident } = input;
  const out = [
    { type: 'mrkdwn', text: `*Measured*\n${escapeMrkdwn(incident.summary)}` },
    { type: 'mrkdwn', text: `*Since*\n${slackDate(incident.openedAt)}` },
    {
      type: 'mrkdwn',
      text: `*Acknowledged*\n${incident.acknowledgedBy ? `${userMention(incident.acknowledgedBy)} ${incident.acknowledgedAt ? slackDate(incident.acknowledgedAt) : ''}`.trim() : 'not yet'}`,
    },
    { type: 'mrkdwn', text: `*Peak severity*\n${incident.peakSeverity}` },
  ];
  if (incident.state === 'resolved' && incident.resolvedAt !== undefined) {
    out.push({ type: 'mrkdwn', text: `*Resolved*\n${slackDate(incident.resolvedAt)}` });
  }
  if (input.incidentChannelId) out.push({ type: 'mrkdwn', text: `*Incident channel*\n${channelMention(input.incidentChannelId)}` });
  return out;
}

function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Record<string, unknown> {
  return { type: 'button', text: { type: 'plain_text', text }, action_id: actionId, value, ...(style ? { style } : {}) };
}

/** Proposal buttons carry the incident and runbook; the handler re-validates both. */
export function proposalValue(incidentId: string, runbook: string): string {
  return JSON.stringify({ incidentId, runbook });
}

function buttons(input: IncidentMessageInput): unknown[] {
  const { incident, links } = input;
  const id = incident.id;
  if (incident.state === 'resolved') return [button('Update status page', ACTION_IDS.statusPage, id)];
  const out: unknown[] = [];
  if (incident.state === 'open') out.push(button('Acknowledge', ACTION_IDS.acknowledge, id, 'primary'));
  out.push(button('Page on-call', ACTION_IDS.page, id));
  out.push(button('Resolve', ACTION_IDS.resolve, id));
  out.push(button('Update status page', ACTION_IDS.statusPage, id));
  for (const runbook of links.failover) {
    out.push(button(`Propose failover: ${runbook}`, `${ACTION_IDS.proposeFailover}:${runbook}`, proposalValue(id, runbook), 'danger'));
  }
  for (const runbook of links.restore) {
    out.push(button(`Propose restore: ${runbook}`, `${ACTION_IDS.proposeRestore}:${runbook}`, proposalValue(id, runbook), 'danger'));
  }
  // Slack allows at most 25 elements in an actions block.
  return out.slice(0, 25);
}
