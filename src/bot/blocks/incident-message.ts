import type { types } from '@slack/bolt';
import type { Incident } from '../../core/incident.js';
import { ACTION_IDS } from '../action-ids.js';
import type { LinkedRunbooks } from '../linked-runbooks.js';
import { escapeMrkdwn } from '../slack-text.js';
import { MAX_ACTIONS_ELEMENTS, MAX_BUTTON_TEXT, MAX_SECTION_FIELD_TEXT } from './block-kit-limits.js';
import { shortenVisibly } from './fit-list.js';
import { actorMention, byActor, channelMention, severityEmoji } from './mentions.js';
import { slackDate } from '../../core/format-time.js';
import type { Silence } from '../../noise/silence.js';
import { fitList } from './fit-list.js';
import { silenceMarker } from './silence-marker.js';

/** How much of the measured summary the headline repeats; the Measured field shows more. */
const HEADLINE_SUMMARY_CHARS = 1000;
/** The notification text's summary: enough to know what broke. */
const TEXT_SUMMARY_CHARS = 500;

/** Everything the incident message shows. */
export interface IncidentMessageInput {
  incident: Incident;
  links: LinkedRunbooks;
  /** The dedicated channel, once created. */
  incidentChannelId?: string;
  /** Where PagerDuty paging stands (see pagingLine), shown as a context line under the fields. */
  pagingLine?: string;
  /** The silence in force on the incident's check (SPEC §9), shown as a context line. */
  silence?: Silence;
}

/** Block id of the buttons row; stable so tests and other modules can find it. */
export const INCIDENT_ACTIONS_BLOCK = 'lifeboat.incident.actions';
/** Block id of the paging context line. */
export const INCIDENT_PAGING_BLOCK = 'lifeboat.incident.paging';
/** Block id of the silence context line. */
export const INCIDENT_SILENCE_BLOCK = 'lifeboat.incident.silence';
/** Block id of the dependent checks that joined the incident. */
export const INCIDENT_CHILDREN_BLOCK = 'lifeboat.incident.children';

/** A child's measurement in the list: the list as a whole is bounded by its section. */
const CHILD_SUMMARY_CHARS = 200;

/** The incident's one message: pure, so its exact output is tested. */
export function incidentMessage(input: IncidentMessageInput): { text: string; blocks: types.KnownBlock[] } {
  const { incident } = input;
  const state = stateWords(incident);
  const headline = `${incident.state === 'resolved' ? ':white_check_mark:' : severityEmoji(incident.severity)} *${incident.id}* · *${incident.severity}* · \`${escapeMrkdwn(incident.checkId)}\` — ${state}`;
  const blocks: types.KnownBlock[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `${headline}\n${shortenVisibly(escapeMrkdwn(incident.summary), HEADLINE_SUMMARY_CHARS)}` },
    },
    { type: 'section', fields: fields(input) },
  ];
  if (input.pagingLine) {
    blocks.push({ type: 'context', block_id: INCIDENT_PAGING_BLOCK, elements: [{ type: 'mrkdwn', text: input.pagingLine }] });
  }
  if (input.silence && incident.state !== 'resolved') {
    blocks.push({ type: 'context', block_id: INCIDENT_SILENCE_BLOCK, elements: [{ type: 'mrkdwn', text: silenceLine(input.silence) }] });
  }
  const children = incident.children ?? [];
  if (children.length > 0) {
    // Cut before escaping: a backup summary can be long, and there may be thousands of children.
    const entries = children.map(
      (c) =>
        `• \`${escapeMrkdwn(c.checkId)}\` ${c.severity}: ${shortenVisibly(escapeMrkdwn(c.summary.slice(0, CHILD_SUMMARY_CHARS + 1)), CHILD_SUMMARY_CHARS)} (${slackDate(c.at)})`,
    );
    const [text] = fitList(`*Also failing (depends on \`${escapeMrkdwn(incident.checkId)}\`)*`, entries, { maxSections: 1 }).texts;
    blocks.push({ type: 'section', block_id: INCIDENT_CHILDREN_BLOCK, text: { type: 'mrkdwn', text: text as string } });
  }
  const actions = buttons(input);
  if (actions.shown.length > 0) blocks.push({ type: 'actions', block_id: INCIDENT_ACTIONS_BLOCK, elements: actions.shown });
  if (actions.more > 0) {
    const more = `…and ${actions.more} more linked runbook${actions.more === 1 ? '' : 's'}: propose with \`/dr failover <runbook>\` or \`/dr restore <runbook>\`.`;
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: more }] });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Lifeboat · updated ${slackDate(incident.updatedAt)}` }] });
  const summary = shortenVisibly(escapeMrkdwn(incident.summary), TEXT_SUMMARY_CHARS);
  return { text: `${incident.severity} ${incident.id} ${escapeMrkdwn(incident.checkId)}: ${summary} (${plainState(incident)})`, blocks };
}

/** ":no_bell: Silenced until … by @U (reason)": who and why, and when it ends (never longer than asked). */
export function silenceLine(silence: Silence): string {
  return `${silenceMarker(silence)}: nobody is paged and nothing new is posted until then`;
}

function stateWords(incident: Incident): string {
  if (incident.state === 'resolved') return incident.resolvedBy ? `*resolved* ${byActor(incident.resolvedBy)}` : '*resolved*';
  if (incident.state === 'acknowledged' && incident.acknowledgedBy) return `*acknowledged* ${byActor(incident.acknowledgedBy)}`;
  return '*open*';
}

function plainState(incident: Incident): string {
  return incident.state;
}

function fields(input: IncidentMessageInput): types.MrkdwnElement[] {
  const { incident } = input;
  // A declared incident measured nothing: its summary is the title a person gave, shown with who.
  const { measurement } = incident;
  const measured = measurement.kind === 'declared' ? `*Declared by* ${actorMention(measurement.declaredBy)}\n` : '*Measured*\n';
  const out: types.MrkdwnElement[] = [
    // A backup summary lists every failed snapshot: bounded, visibly, to Slack's 2,000 per field.
    { type: 'mrkdwn', text: `${measured}${shortenVisibly(escapeMrkdwn(incident.summary), MAX_SECTION_FIELD_TEXT - measured.length)}` },
    { type: 'mrkdwn', text: `*Since*\n${slackDate(incident.openedAt)}` },
    {
      type: 'mrkdwn',
      text: `*Acknowledged*\n${incident.acknowledgedBy ? `${actorMention(incident.acknowledgedBy)} ${incident.acknowledgedAt ? slackDate(incident.acknowledgedAt) : ''}`.trim() : 'not yet'}`,
    },
    { type: 'mrkdwn', text: `*Peak severity*\n${incident.peakSeverity}` },
  ];
  if (incident.state === 'resolved' && incident.resolvedAt !== undefined) {
    out.push({ type: 'mrkdwn', text: `*Resolved*\n${slackDate(incident.resolvedAt)}` });
  }
  if (input.incidentChannelId) out.push({ type: 'mrkdwn', text: `*Incident channel*\n${channelMention(input.incidentChannelId)}` });
  return out;
}

/** Button texts fit Slack's 75 characters by construction: a long runbook name ends in "…"; the value keeps it whole. */
function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): types.Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text: shortenVisibly(text, MAX_BUTTON_TEXT) },
    action_id: actionId,
    value,
    ...(style ? { style } : {}),
  };
}

/** Proposal buttons carry the incident and runbook; the handler re-validates both. */
export function proposalValue(incidentId: string, runbook: string): string {
  return JSON.stringify({ incidentId, runbook });
}

function buttons(input: IncidentMessageInput): { shown: types.Button[]; more: number } {
  const { incident, links } = input;
  const id = incident.id;
  if (incident.state === 'resolved') return { shown: [button('Update status page', ACTION_IDS.statusPage, id)], more: 0 };
  const out: types.Button[] = [];
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
  // Slack allows at most 25 elements in an actions block; the rest are counted, not dropped silently.
  return { shown: out.slice(0, MAX_ACTIONS_ELEMENTS), more: Math.max(0, out.length - MAX_ACTIONS_ELEMENTS) };
}
