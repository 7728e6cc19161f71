import { describe, expect, it } from 'vitest';
import { approvalsList } from '../../../../src/bot/blocks/approvals-list.js';

const T0 = Date.parse('2026-11-21T12:00:00Z');

describe('approvalsList', () => {
  it('shows each pending request with who asked, how long ago, approvals so far and expiry', () => {
    const list = approvalsList(
      [
        {
          id: 'APR-3',
          title: 'Failover orders: promote orders-replica (us-west-2)',
          requestedBy: 'U0AAA',
          requestedAt: T0,
          expiresAt: T0 + 15 * 60_000,
          approvedBy: ['U0BBB'],
          approvalsNeeded: 2,
        },
      ],
      T0 + 4 * 60_000,
    );
    expect(list).toEqual({
      text: '1 pending approval request',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text:
              '*Pending approvals (1)*\n*APR-3* Failover orders: promote orders-replica (us-west-2)\n' +
              'requested by <@U0AAA> <!date^1795262400^{date_short_pretty} {time}|2026-11-21 12:00 UTC> (4m ago) · 1/2 approvals (<@U0BBB>) · expires in 11m',
          },
        },
      ],
    });
  });

  it('says so when nothing is pending', () => {
    expect(approvalsList([], T0).text).toBe('No pending approval requests.');
  });
});
