import type { types } from '@slack/bolt';
import type { ApprovalSummary } from '../bot-ports.js';
import { escapeMrkdwn } from '../slack-text.js';
import { listSections } from './fit-list.js';
import { formatAge, slackDate } from '../../core/format-time.js';
import { userMention } from './mentions.js';

/** Sections the list may fill before the rest are counted ("…and N more"). */
const APPROVAL_SECTIONS = 4;

/** `/dr approvals`: pending requests with who asked, progress and expiry; "…and N more" when cut. */
export function approvalsList(approvals: ApprovalSummary[], nowMs: number): { text: string; blocks: types.KnownBlock[] } {
  const lines = approvals.map(
    (a) =>
      `*${escapeMrkdwn(a.id)}* ${escapeMrkdwn(a.title)}\nrequested by ${userMention(a.requestedBy)} ${slackDate(a.requestedAt)} (${formatAge(nowMs - a.requestedAt)} ago) · ` +
      `${a.approvedBy.length}/${a.approvalsNeeded} approvals${a.approvedBy.length > 0 ? ` (${a.approvedBy.map(userMention).join(', ')})` : ''} · expires in ${formatAge(a.expiresAt - nowMs)}`,
  );
  const text =
    approvals.length === 0
      ? 'No pending approval requests.'
      : `${approvals.length} pending approval request${approvals.length === 1 ? '' : 's'}`;
  return { text, blocks: listSections(`*Pending approvals (${approvals.length})*`, lines, { maxSections: APPROVAL_SECTIONS }) };
}
