import type { Approval } from '../../../approvals/approval.js';
import type { Plan } from '../../../core/plan.js';
import { MAX_MESSAGE_BLOCKS, MAX_VIEW_BLOCKS } from '../../blocks/block-kit-limits.js';
import { blockKitViolations } from '../../blocks/block-kit-violations.js';
import { approvalMessage } from './approval-message.js';
import { confirmModal } from './confirm-modal.js';
import { planBlocks } from './plan-blocks.js';
import { dryRunMessage } from './submit-answers.js';

/** The outcome section a finished request adds to its message; reserved so the message still fits then. */
const OUTCOME_BLOCKS = 1;

/** The longest request a store makes (`APR-` and a counter) and a long user id, so the check is the worst case. */
function pendingApproval(plan: Plan): Approval {
  return {
    id: `APR-${'9'.repeat(15)}`,
    plan,
    requester: `U${'0'.repeat(20)}`,
    requiredApprovals: 1,
    state: 'pending',
    createdAt: plan.createdAt,
    expiresAt: plan.createdAt,
    updatedAt: plan.createdAt,
    approvals: [],
  };
}

function characters(plan: Plan): number {
  return planBlocks(plan).reduce((n, block) => n + (block.text?.text.length ?? 0), 0);
}

/**
 * Why the plan cannot be shown whole where approvers must read it (the approval message, 50
 * blocks; the dry-run answer; the type-to-confirm modal, 100 blocks), or null when it can. Asked
 * before a request exists: a plan nobody can read in full must never become approvable. Pure.
 */
export function planDisplayRefusal(plan: Plan): string | null {
  const problems: string[] = [];
  const message = approvalMessage(pendingApproval(plan));
  const needed = message.blocks.length + OUTCOME_BLOCKS;
  if (needed > MAX_MESSAGE_BLOCKS)
    problems.push(`its approval message needs ${needed} blocks and Slack allows ${MAX_MESSAGE_BLOCKS} in one message`);
  const surfaces: [string, unknown][] = [
    ['approval message', message],
    ['dry-run answer', dryRunMessage(plan)],
  ];
  if (plan.destructive) surfaces.push(['confirmation dialog', confirmModal(pendingApproval(plan))]);
  for (const [name, surface] of surfaces) {
    const broken = blockKitViolations(surface);
    if (broken.length === 0) continue;
    const limit = name === 'confirmation dialog' ? MAX_VIEW_BLOCKS : MAX_MESSAGE_BLOCKS;
    problems.push(
      `its ${name} breaks Slack's limits (${broken[0]?.problem}${broken.length > 1 ? `, and ${broken.length - 1} more` : ''}; at most ${limit} blocks)`,
    );
  }
  if (problems.length === 0) return null;
  const size = `${plan.calls.length} step${plan.calls.length === 1 ? '' : 's'}, ${characters(plan)} characters in ${planBlocks(plan).length} sections`;
  return (
    `${plan.title} refused: the plan (${size}) cannot be shown whole in Slack: ${[...new Set(problems)].join('; ')}. ` +
    'Approvers must see every parameter, so nothing was requested and nothing changed. Shorten the text to publish, or split the change.'
  );
}
