import type { types } from '@slack/bolt';
import {
  COMPONENT_STATUSES,
  STATUS_PAGE_STATES,
  type ComponentStatus,
  type StatusPageRequest,
  type StatusPageState,
} from '../../core/action-request.js';
import type { Incident } from '../../core/incident.js';
import type { Severity } from '../../core/severity.js';
import { STATUS_MODAL_FIELDS, STATUS_SELECT_ACTION_ID, VIEW_IDS } from '../action-ids.js';
import { textToPublishProblem } from '../../statuspage/validate-update.js';
import { MAX_STATUS_MESSAGE_LENGTH } from '../parse-command.js';

/** What customers read, per status, until the operator edits it. `{service}` is the component or check. */
export const STATUS_TEMPLATES: Record<StatusPageState, string> = {
  investigating: 'We are investigating problems with {service}. We will post an update within 30 minutes.',
  identified: 'We have identified the cause of the problems with {service} and are working on a fix.',
  monitoring: 'A fix for the problems with {service} is in place; we are monitoring the results.',
  resolved: 'The problems with {service} are resolved. We are sorry for the disruption.',
};

const COMPONENT_LABELS: Record<ComponentStatus, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};

/** What the modal carries through Slack and back (private_metadata). */
export interface StatusModalMetadata {
  incidentId: string;
  /** Where to answer the submitter once the modal closes. */
  channelId?: string;
}

/** Component status suggested for a severity (SEV1 is a major outage). */
export function componentStatusFor(severity: Severity, resolved: boolean): ComponentStatus {
  if (resolved) return 'operational';
  return severity === 'SEV1' ? 'major_outage' : severity === 'SEV2' ? 'partial_outage' : 'degraded_performance';
}

/** The status an update most likely has, from the incident's state. */
export function suggestedStatus(incident: Incident): StatusPageState {
  if (incident.state === 'resolved') return 'resolved';
  return incident.state === 'acknowledged' ? 'identified' : 'investigating';
}

const option = (value: string, text: string): types.PlainTextOption => ({ text: { type: 'plain_text', text }, value });

/** The template text for `status`, about `service`. */
export function statusTemplate(status: StatusPageState, service: string): string {
  return STATUS_TEMPLATES[status].replace('{service}', service);
}

/**
 * The "Update status page" modal: status (suggested from the incident unless given), the message
 * prefilled from that status's template, and the check's components. Choosing another status
 * sends a block action (dispatch_action) so the template can follow it.
 */
export function statusPageModal(
  incident: Incident,
  components: string[],
  metadata: StatusModalMetadata,
  status: StatusPageState = suggestedStatus(incident),
): types.ModalView {
  const service = components[0] ?? incident.checkId;
  const componentStatus = componentStatusFor(incident.severity, incident.state === 'resolved');
  const statusOptions = STATUS_PAGE_STATES.map((s) => option(s, s[0]?.toUpperCase() + s.slice(1)));
  const componentOptions = COMPONENT_STATUSES.map((s) => option(s, COMPONENT_LABELS[s]));
  return {
    type: 'modal',
    callback_id: VIEW_IDS.statusPage,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: 'Status page update' },
    submit: { type: 'plain_text', text: 'Request approval' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `For *${incident.id}* (\`${incident.checkId}\`). A second person must approve before anything is published.`,
          },
        ],
      },
      {
        type: 'input',
        block_id: STATUS_MODAL_FIELDS.status,
        dispatch_action: true,
        label: { type: 'plain_text', text: 'Status' },
        element: {
          type: 'static_select',
          action_id: STATUS_SELECT_ACTION_ID,
          options: statusOptions,
          initial_option: statusOptions[STATUS_PAGE_STATES.indexOf(status)],
        },
      },
      {
        type: 'input',
        block_id: `${STATUS_MODAL_FIELDS.message}:${status}`,
        label: { type: 'plain_text', text: 'Message customers will read' },
        element: {
          type: 'plain_text_input',
          action_id: STATUS_MODAL_FIELDS.message,
          multiline: true,
          max_length: MAX_STATUS_MESSAGE_LENGTH,
          initial_value: statusTemplate(status, service),
        },
      },
      ...components.map((name) => ({
        type: 'input',
        block_id: `${STATUS_MODAL_FIELDS.componentPrefix}:${name}`,
        optional: true,
        label: { type: 'plain_text', text: `Component: ${name}` },
        element: {
          type: 'static_select',
          action_id: STATUS_MODAL_FIELDS.componentPrefix,
          options: componentOptions,
          initial_option: componentOptions[COMPONENT_STATUSES.indexOf(componentStatus)],
        },
      })),
    ],
  };
}

type StateValues = Record<string, Record<string, { type?: string; value?: string | null; selected_option?: { value?: string } | null }>>;

/** A submitted modal as a typed request, or Slack's per-field errors (`response_action: errors`). */
export function parseStatusPageSubmission(
  values: unknown,
  privateMetadata: unknown,
): { ok: true; request: StatusPageRequest; channelId?: string } | { ok: false; errors: Record<string, string> } {
  const state = (typeof values === 'object' && values !== null ? values : {}) as StateValues;
  const metadata = parseMetadata(privateMetadata);
  const status = state[STATUS_MODAL_FIELDS.status]?.[STATUS_SELECT_ACTION_ID]?.selected_option?.value;
  const messageBlock = messageBlockId(state);
  const message = (state[messageBlock]?.[STATUS_MODAL_FIELDS.message]?.value ?? '').trim();
  const errors: Record<string, string> = {};
  if (!metadata) errors[messageBlock] = 'This form is out of date; close it and click Update status page again.';
  if (!status || !(STATUS_PAGE_STATES as readonly string[]).includes(status)) errors[STATUS_MODAL_FIELDS.status] = 'Choose a status.';
  if (message.length === 0) errors[messageBlock] = 'Write what customers should read.';
  else if ([...message].length > MAX_STATUS_MESSAGE_LENGTH) errors[messageBlock] = `Keep it to ${MAX_STATUS_MESSAGE_LENGTH} characters.`;
  else {
    const hidden = textToPublishProblem(message);
    if (hidden) errors[messageBlock] = hidden;
  }

  const components: Record<string, ComponentStatus> = {};
  for (const [blockId, inputs] of Object.entries(state)) {
    if (!blockId.startsWith(`${STATUS_MODAL_FIELDS.componentPrefix}:`)) continue;
    const value = inputs[STATUS_MODAL_FIELDS.componentPrefix]?.selected_option?.value;
    if (value === undefined) continue;
    if (!(COMPONENT_STATUSES as readonly string[]).includes(value)) {
      errors[blockId] = 'Choose a component status from the list.';
      continue;
    }
    components[blockId.slice(STATUS_MODAL_FIELDS.componentPrefix.length + 1)] = value as ComponentStatus;
  }
  if (Object.keys(errors).length > 0 || !metadata) return { ok: false, errors };
  const request: StatusPageRequest = {
    kind: 'statuspage',
    incidentId: metadata.incidentId,
    status: status as StatusPageState,
    message,
    ...(Object.keys(components).length > 0 ? { components } : {}),
  };
  return { ok: true, request, ...(metadata.channelId ? { channelId: metadata.channelId } : {}) };
}

/** The message input's block id in a submitted state (`message:<status>`; plain `message` accepted). */
export function messageBlockId(values: unknown): string {
  const state = (typeof values === 'object' && values !== null ? values : {}) as Record<string, unknown>;
  const prefix = `${STATUS_MODAL_FIELDS.message}:`;
  return Object.keys(state).find((id) => id === STATUS_MODAL_FIELDS.message || id.startsWith(prefix)) ?? STATUS_MODAL_FIELDS.message;
}

/** The message currently typed in a modal's state, or '' when there is none. */
export function currentMessage(values: unknown): string {
  const state = (typeof values === 'object' && values !== null ? values : {}) as StateValues;
  return state[messageBlockId(values)]?.[STATUS_MODAL_FIELDS.message]?.value ?? '';
}

/** Reads the modal's private_metadata back; null when it is not what we put there. */
export function parseMetadata(raw: unknown): StatusModalMetadata | null {
  if (typeof raw !== 'string') return null;
  try {
    const parsed = JSON.parse(raw) as Partial<StatusModalMetadata>;
    if (typeof parsed.incidentId !== 'string' || !/^INC-\d{1,9}$/.test(parsed.incidentId)) return null;
    return { incidentId: parsed.incidentId, ...(typeof parsed.channelId === 'string' ? { channelId: parsed.channelId } : {}) };
  } catch {
    return null;
  }
}
