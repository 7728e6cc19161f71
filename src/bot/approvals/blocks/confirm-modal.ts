import type { types } from '@slack/bolt';
import type { Approval } from '../../../approvals/approval.js';
import { APPROVAL_CONFIRM_VIEW_ID, CONFIRM_INPUT, isApprovalId } from '../approval-action-ids.js';
import { allowsDataLoss, DATA_LOSS_BANNER, literal, sections } from './plan-blocks.js';

/** What the modal carries back in `private_metadata` (Slack: at most 3,000 characters). */
export interface ConfirmMetadata {
  approvalId: string;
  /** Where the Approve button was clicked: refusals after the modal closes go there, ephemerally. */
  channelId?: string;
}

const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;

/**
 * The type-to-confirm modal for a destructive plan: what is being approved, its warnings, and one
 * input asking for the plan's subject (the runbook name). Pure.
 *
 * Slack's modal view reference (docs.slack.dev/reference/views/modal-views): title, submit and
 * close are plain_text "with a max length of 24 characters"; "submit is required when an input
 * block is within the blocks array"; private_metadata "Max length of 3000 characters".
 */
export function confirmModal(approval: Approval, channelId?: string): types.ModalView {
  const metadata: ConfirmMetadata = { approvalId: approval.id, ...(channelId && CHANNEL_ID.test(channelId) ? { channelId } : {}) };
  const subject = approval.plan.subject;
  const blocks: types.KnownBlock[] = [];
  if (allowsDataLoss(approval.plan)) blocks.push(...sections(DATA_LOSS_BANNER));
  blocks.push(
    ...sections(
      `:warning: You are approving *${literal(approval.id)}*: ${literal(approval.plan.title)}.\n` +
        'This plan is destructive: once it runs, Slack cannot undo it.',
    ),
  );
  if (approval.plan.warnings.length > 0) blocks.push(...sections(approval.plan.warnings.map((w) => `• ${literal(w)}`).join('\n')));
  blocks.push({
    type: 'input',
    block_id: CONFIRM_INPUT.blockId,
    label: { type: 'plain_text', text: `Type ${subject} to confirm` },
    element: { type: 'plain_text_input', action_id: CONFIRM_INPUT.actionId, placeholder: { type: 'plain_text', text: subject } },
  });
  return {
    type: 'modal',
    callback_id: APPROVAL_CONFIRM_VIEW_ID,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: 'Confirm approval' },
    submit: { type: 'plain_text', text: 'Approve' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

/** A submitted confirm modal, validated: never trusted as sent. Null when it is not one Lifeboat made. */
export function parseConfirmSubmission(values: unknown, privateMetadata: unknown): (ConfirmMetadata & { typed: string }) | null {
  if (typeof privateMetadata !== 'string') return null;
  let metadata: unknown;
  try {
    metadata = JSON.parse(privateMetadata);
  } catch {
    return null;
  }
  const m = metadata as Record<string, unknown> | null;
  if (typeof m !== 'object' || m === null || !isApprovalId(m.approvalId)) return null;
  const channelId = typeof m.channelId === 'string' && CHANNEL_ID.test(m.channelId) ? m.channelId : undefined;
  const input = (values as Record<string, Record<string, { value?: unknown }> | undefined> | null)?.[CONFIRM_INPUT.blockId]?.[
    CONFIRM_INPUT.actionId
  ];
  const typed = typeof input?.value === 'string' ? input.value : '';
  return { approvalId: m.approvalId, ...(channelId ? { channelId } : {}), typed };
}
