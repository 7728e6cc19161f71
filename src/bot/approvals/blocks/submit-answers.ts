import type { types } from '@slack/bolt';
import { preflightFailures, type Plan } from '../../../core/plan.js';
import type { Approval } from '../../../approvals/approval.js';
import type { BotMessage } from '../../bot-ports.js';
import { channelMention } from '../../blocks/mentions.js';
import { formatAge, slackDate } from '../../../core/format-time.js';
import { literal, planBlocks, preflightLine, sections } from './plan-blocks.js';

/** What `--dry-run` answers: the whole plan, and that nothing was submitted. Pure. */
export function dryRunMessage(plan: Plan): BotMessage {
  const failing = preflightFailures(plan).length;
  const verdict =
    failing > 0
      ? `Pre-flight fails now (${failing} check${failing === 1 ? '' : 's'}), so a real request would be refused.`
      : 'Run the same command without `--dry-run` to request approval.';
  const blocks: types.KnownBlock[] = [
    ...sections(`:mag: *Dry run* · ${literal(plan.title)}\nNothing was submitted and nothing changed. ${verdict}`),
    ...planBlocks(plan),
  ];
  if (plan.destructive) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Destructive: approvers will be asked to type \`${literal(plan.subject)}\` to confirm.` }],
    });
  }
  return { text: literal(`Dry run: ${plan.title}. Nothing was submitted.`), blocks };
}

/** A refusal in plain words, with the plan's failing pre-flight checks when there are any. Pure. */
export function refusedMessage(message: string, plan?: Plan): BotMessage {
  const failures = plan ? preflightFailures(plan) : [];
  const text = literal(message);
  if (failures.length === 0) return { text };
  return {
    text,
    blocks: [...sections(`:no_entry: ${text}`), ...sections(`*Failing pre-flight checks*\n${failures.map(preflightLine).join('\n')}`)],
  };
}

/** Tells the requester where their request waits, who must act and until when. Pure. */
export function requestedMessage(approval: Approval, channel: string, nowMs: number): BotMessage {
  const n = approval.requiredApprovals;
  const who = `${n} approval${n === 1 ? '' : 's'} from approvers other than you`;
  return {
    text:
      `Approval requested: *${literal(approval.id)}* ${literal(approval.plan.title)} is posted in ${channelMention(channel)}. ` +
      `It needs ${who} and expires in ${formatAge(approval.expiresAt - nowMs)} (${slackDate(approval.expiresAt)}).`,
  };
}
