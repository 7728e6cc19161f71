import type { ApprovalSummary } from '../bot-ports.js';
import { escapeMrkdwn } from '../slack-text.js';
import { formatAge, slackDate } from './format-time.js';
import { fitSection, userMention } from './mentions.js';

/** `/dr approvals`: pending requests with who asked, progress and expiry. */
export function approvalsList(approvals: ApprovalSummary[], nowMs: number): { text: string; blocks: unknown[] } {
  const lines = approvals.map(
    (a) =>
      `*${escapeMrkdwn(a.id)}* ${escapeMrkdwn(a.title)}\nrequested by ${userMention(a.requestedBy)} ${slackDate(a.requestedAt)} (${formatAge(nowMs - a.requestedAt)} ago) · ` +
      `${a.approvedBy.length}/${a.approvalsNeeded} approvals${a.approvedBy.length > 0 ? ` (${a.approvedBy.map(userMention).join(', ')})` : ''} · expires in ${formatAge(a.expiresAt - nowMs)}`,
  );
  const text = approvals.length === 0 ? 'No pending approval requests.' : `${approvals.length} pending approval request${approvals.length === 1 ? '' : 's'}`;
  return {
    text,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: fitSection(`*Pending approvals (${approvals.length})*\n${lines.join('\n') || 'none'}`) } }],
  };
}
