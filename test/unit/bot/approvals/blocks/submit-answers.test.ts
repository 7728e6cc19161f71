import { describe, expect, it } from 'vitest';
import { dryRunMessage, refusedMessage, requestedMessage } from '../../../../../src/bot/approvals/blocks/submit-answers.js';
import { planBlocks } from '../../../../../src/bot/approvals/blocks/plan-blocks.js';
import { approvalOf, date, failoverPlan, statusPagePlan, T0 } from '../fixtures.js';

describe('dryRunMessage', () => {
  it('shows the whole plan, that nothing was submitted, and what approvers will type', () => {
    const plan = failoverPlan();
    expect(dryRunMessage(plan)).toEqual({
      text: 'Dry run: Failover orders: promote orders-replica (us-west-2). Nothing was submitted.',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text:
              ':mag: *Dry run* · Failover orders: promote orders-replica (us-west-2)\n' +
              'Nothing was submitted and nothing changed. Run the same command without `--dry-run` to request approval.',
          },
        },
        ...planBlocks(plan),
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Destructive: approvers will be asked to type `orders` to confirm.' }] },
      ],
    });
  });

  it('says a real request would be refused when pre-flight fails now', () => {
    const plan = failoverPlan();
    plan.preflight[0] = { ...plan.preflight[0]!, ok: false, observed: 'lag 900s' };
    const first = (dryRunMessage(plan).blocks?.[0] as { text: { text: string } }).text.text;
    expect(first).toContain('Pre-flight fails now (1 check), so a real request would be refused.');
  });
});

describe('refusedMessage', () => {
  it('is the plain sentence alone when there is no plan or nothing failed', () => {
    expect(refusedMessage('There is no failover runbook named "ordrs".')).toEqual({ text: 'There is no failover runbook named "ordrs".' });
    expect(refusedMessage('Another request already uses it.', statusPagePlan())).toEqual({ text: 'Another request already uses it.' });
  });

  it('lists the failing pre-flight checks of the plan', () => {
    const plan = failoverPlan();
    plan.preflight[0] = { ...plan.preflight[0]!, ok: false, observed: 'lag 900s, measured 30s ago' };
    expect(refusedMessage('Failover orders refused: replica lag too high.', plan)).toEqual({
      text: 'Failover orders refused: replica lag too high.',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: ':no_entry: Failover orders refused: replica lag too high.' } },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: '*Failing pre-flight checks*\n:x: *replica lag (orders-lag)*: lag 900s, measured 30s ago (needs lag &lt;= 5m)',
          },
        },
      ],
    });
  });
});

describe('requestedMessage', () => {
  it('tells the requester where the request is, what it needs and when it expires', () => {
    expect(requestedMessage(approvalOf(failoverPlan()), 'C0INCIDENTS', T0 + 5_000)).toEqual({
      text:
        'Approval requested: *APR-7* Failover orders: promote orders-replica (us-west-2) is posted in <#C0INCIDENTS>. ' +
        `It needs 1 approval from approvers other than you and expires in 14m (${date(T0 + 900_000, '2026-11-21 12:15 UTC')}).`,
    });
  });
});
