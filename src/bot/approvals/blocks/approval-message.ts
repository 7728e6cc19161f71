import type { types } from '@slack/bolt';
import { holdsLocks, type Approval } from '../../../approvals/approval.js';
import { MAX_SECTION_TEXT } from '../../blocks/block-kit-limits.js';
import { shortenVisibly } from '../../blocks/fit-list.js';
import { mrkdwnSection } from '../../blocks/mrkdwn-sections.js';
import { slackDate } from '../../../core/format-time.js';
import { userMention } from '../../blocks/mentions.js';
import { APPROVAL_ACTION_IDS, APPROVAL_ACTIONS_BLOCK } from '../approval-action-ids.js';
import { stateLine, stateWord } from './approval-state-words.js';
import { literal, planBlocks } from './plan-blocks.js';

/** Slack's button element: text at most 75 characters, value at most 2,000; an approval id is far below. */
function button(
  text: string,
  actionId: string,
  value: string,
  style: 'primary' | 'danger',
  confirm?: types.ConfirmationDialog,
): types.Button {
  return { type: 'button', text: { type: 'plain_text', text }, action_id: actionId, value, style, ...(confirm ? { confirm } : {}) };
}

const plain = (text: string): types.PlainTextElement => ({ type: 'plain_text', text });

/**
 * The "are you sure" dialog Slack shows before a Release locks click is sent. Slack's confirmation
 * dialog object (docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object):
 * title, text, confirm and deny are plain_text, "Maximum length for this field is 100 characters"
 * (title), 300 (text), 30 (confirm, deny); style danger shows the confirm button red. An approval
 * id is at most 20 characters, so every text here stays within its limit.
 */
export function releaseConfirm(approval: Pick<Approval, 'id'>): types.ConfirmationDialog {
  return {
    title: plain(`Release the locks of ${approval.id}?`),
    text: plain(
      `Check in AWS first that nothing of ${approval.id} is still running: a restore or a promotion can go on for hours. ` +
        'Releasing lets new requests use its resources again. It starts nothing.',
    ),
    confirm: plain('Release locks'),
    deny: plain('Cancel'),
    style: 'danger',
  };
}

/**
 * A run that ended with work left (failed, or interrupted) offers Resume, unless it is a
 * status-page post or a drill (measured whole: it is requested again, see endedRun).
 */
function resumable(approval: Approval): boolean {
  const { kind } = approval.plan.request;
  return (approval.state === 'failed' || approval.state === 'interrupted') && kind !== 'statuspage' && kind !== 'drill';
}

/**
 * The buttons the request's state allows: Approve / Reject while pending; on a failed or
 * interrupted run Resume, and Release locks while an interrupted run still holds them.
 */
function actions(approval: Approval): types.ActionsBlock | null {
  if (approval.state === 'pending') {
    return {
      type: 'actions',
      block_id: APPROVAL_ACTIONS_BLOCK,
      elements: [
        button('Approve', APPROVAL_ACTION_IDS.approve, approval.id, 'primary'),
        button('Reject', APPROVAL_ACTION_IDS.reject, approval.id, 'danger'),
      ],
    };
  }
  const elements: types.Button[] = [];
  if (resumable(approval)) elements.push(button('Resume', APPROVAL_ACTION_IDS.resume, approval.id, 'primary'));
  if (approval.state === 'interrupted' && holdsLocks(approval)) {
    elements.push(button('Release locks', APPROVAL_ACTION_IDS.release, approval.id, 'danger', releaseConfirm(approval)));
  }
  return elements.length > 0 ? { type: 'actions', block_id: APPROVAL_ACTIONS_BLOCK, elements } : null;
}

function fields(approval: Approval): types.SectionBlock {
  const votes = approval.approvals.map((v) => userMention(v.userId)).join(', ');
  const out: types.MrkdwnElement[] = [
    { type: 'mrkdwn', text: `*Requested by*\n${userMention(approval.requester)} ${slackDate(approval.createdAt)}` },
    { type: 'mrkdwn', text: `*Approvals*\n${approval.approvals.length} of ${approval.requiredApprovals}${votes ? ` (${votes})` : ''}` },
    { type: 'mrkdwn', text: `*${approval.state === 'pending' ? 'Expires' : 'Was open until'}*\n${slackDate(approval.expiresAt)}` },
  ];
  if (approval.plan.destructive) {
    out.push({ type: 'mrkdwn', text: `*Confirmation*\napprovers type \`${literal(approval.plan.subject)}\`` });
  }
  return { type: 'section', fields: out };
}

/**
 * The approval request's one message in `slack.channel`, in whatever state it is: the plan,
 * requester, approvals so far, expiry, and Approve / Reject only while it is pending (an expired,
 * decided or running request has no buttons); an interrupted run offers Release locks until
 * someone presses it. The outcome paragraph shows once the run ended. Pure.
 */
export function approvalMessage(approval: Approval): { text: string; blocks: types.KnownBlock[] } {
  // Title and state are Lifeboat's own short words; a very long rejection reason is shortened visibly.
  const head = `*${literal(approval.id)}* · ${literal(approval.plan.title)}\n${stateLine(approval)}`;
  const blocks: types.KnownBlock[] = [mrkdwnSection(shortenVisibly(head, MAX_SECTION_TEXT))];
  const outcome = approval.run?.message;
  if (outcome && (approval.state === 'succeeded' || approval.state === 'failed')) {
    // The run's report, not the plan: the thread carries it whole (outcomeReply); here one section.
    const heading = '*Outcome*\n';
    blocks.push(mrkdwnSection(`${heading}${shortenVisibly(literal(outcome), MAX_SECTION_TEXT - heading.length)}`));
  }
  blocks.push(fields(approval), ...planBlocks(approval.plan));
  const buttons = actions(approval);
  if (buttons) blocks.push(buttons);
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `Lifeboat · ${literal(approval.id)} · updated ${slackDate(approval.updatedAt)}` }],
  });
  return { text: literal(`Approval request ${approval.id}: ${approval.plan.title} (${stateWord(approval)})`), blocks };
}
