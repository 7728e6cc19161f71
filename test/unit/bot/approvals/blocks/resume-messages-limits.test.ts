import { describe, expect, it } from 'vitest';
import { approvalMessage } from '../../../../../src/bot/approvals/blocks/approval-message.js';
import { confirmModal } from '../../../../../src/bot/approvals/blocks/confirm-modal.js';
import { planDisplayRefusal } from '../../../../../src/bot/approvals/blocks/plan-display-refusal.js';
import { dryRunMessage } from '../../../../../src/bot/approvals/blocks/submit-answers.js';
import { linkedRequestReply, transitionReply } from '../../../../../src/bot/approvals/blocks/thread-replies.js';
import { blockKitViolations } from '../../../../../src/bot/blocks/block-kit-violations.js';
import type { ApprovalState } from '../../../../../src/approvals/approval.js';
import type { Plan } from '../../../../../src/core/plan.js';
import { approvalOf, failoverPlan, T0 } from '../fixtures.js';

const USER = `W${'0'.repeat(39)}`;
const LONG_ID = 'APR-9999999999999999';
const ok = (surface: unknown) => expect(blockKitViolations(surface)).toEqual([]);

/** A resume of a long run: 12 steps done there, each with a long account of how that is known. */
function bigResume(): Plan {
  const base = failoverPlan();
  return {
    ...base,
    request: { kind: 'resume', approvalId: LONG_ID, dryRun: false },
    title: `Resume ${LONG_ID}: ${base.title}`,
    resumes: { approvalId: LONG_ID, kind: 'failover' },
    alreadyDone: Array.from({ length: 12 }, (_, i) => ({
      id: `step-${i}`,
      description: `Do the ${i}th thing <&> `.repeat(10),
      how: `read back now: ${'orders-replica is modifying `and` *no longer* a read replica; '.repeat(10)}not repeated`,
    })),
    warnings: [`Finishes ${LONG_ID} (interrupted). Steps not repeated: ${'step-x, '.repeat(12)}.`, 'x'.repeat(1_000)],
  };
}

describe('resume and DNS revert messages stay within Block Kit limits', () => {
  it('a resume of a long run is shown whole: approval message in every state, dry run and confirm modal', () => {
    const plan = bigResume();
    expect(planDisplayRefusal(plan)).toBeNull();
    const states: ApprovalState[] = ['pending', 'running', 'succeeded', 'failed', 'interrupted'];
    for (const state of states) {
      const approval = approvalOf(plan, { id: LONG_ID, requester: USER, state });
      ok(approvalMessage(approval));
      ok(approvalMessage({ ...approval, locksReleased: { userId: USER, at: T0, handedTo: LONG_ID } }));
    }
    ok(dryRunMessage(plan));
    ok(confirmModal(approvalOf(plan, { id: LONG_ID }), `C${'0'.repeat(30)}`));
    expect(JSON.stringify(approvalMessage(approvalOf(plan, { id: LONG_ID })).blocks)).toContain(
      `:repeat: *Resumes ${LONG_ID}* · not repeated:`,
    );
  });

  it('the thread lines linking a resume or revert to its original fit a message', () => {
    const resume = approvalOf(bigResume(), { id: LONG_ID, requester: USER });
    const linked = linkedRequestReply({ approval: resume, transition: 'requested', at: T0, actor: USER });
    expect(linked?.originalId).toBe(LONG_ID);
    ok({ text: linked?.text });
    const reverted = approvalOf({ ...failoverPlan(), reverts: { approvalId: LONG_ID } }, { id: LONG_ID, requester: USER });
    expect(linkedRequestReply({ approval: reverted, transition: 'requested', at: T0 })?.text).toContain('DNS revert requested as');
    const handedOver = approvalOf(failoverPlan(), { state: 'interrupted', locksReleased: { userId: USER, at: T0, handedTo: LONG_ID } });
    const text = transitionReply({ approval: handedOver, transition: 'released', at: T0, actor: USER });
    expect(text).toContain(`Locks handed over to ${LONG_ID}`);
    ok({ text });
  });
});
