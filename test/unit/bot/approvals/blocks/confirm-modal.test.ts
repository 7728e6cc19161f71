import { describe, expect, it } from 'vitest';
import { confirmModal, parseConfirmSubmission } from '../../../../../src/bot/approvals/blocks/confirm-modal.js';
import { DATA_LOSS_BANNER } from '../../../../../src/bot/approvals/blocks/plan-blocks.js';
import { approvalOf, failoverPlan } from '../fixtures.js';

describe('confirmModal', () => {
  it('asks the approver to type the runbook name, exactly', () => {
    expect(confirmModal(approvalOf(failoverPlan()), 'C0INCIDENTS')).toEqual({
      type: 'modal',
      callback_id: 'lifeboat.approval.confirm',
      private_metadata: '{"approvalId":"APR-7","channelId":"C0INCIDENTS"}',
      title: { type: 'plain_text', text: 'Confirm approval' },
      submit: { type: 'plain_text', text: 'Approve' },
      close: { type: 'plain_text', text: 'Cancel' },
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: ':warning: You are approving *APR-7*: Failover orders: promote orders-replica (us-west-2).\nThis plan is destructive: once it runs, Slack cannot undo it.',
          },
        },
        { type: 'section', text: { type: 'mrkdwn', text: '• Irreversible: promoting orders-replica ends its replication for good.' } },
        {
          type: 'input',
          block_id: 'confirm',
          label: { type: 'plain_text', text: 'Type orders to confirm' },
          element: { type: 'plain_text_input', action_id: 'confirm', placeholder: { type: 'plain_text', text: 'orders' } },
        },
      ],
    });
  });

  it('keeps Slack’s limits: title and submit within 24 characters, metadata within 3,000', () => {
    const modal = confirmModal(approvalOf(failoverPlan()), 'C0INCIDENTS') as {
      title: { text: string };
      submit: { text: string };
      private_metadata: string;
    };
    expect(modal.title.text.length).toBeLessThanOrEqual(24);
    expect(modal.submit.text.length).toBeLessThanOrEqual(24);
    expect(modal.private_metadata.length).toBeLessThanOrEqual(3_000);
  });

  it('leads with the data-loss banner for --allow-data-loss, and drops a channel id that is not one', () => {
    const plan = failoverPlan({ request: { kind: 'failover', runbook: 'orders', dryRun: false, allowDataLoss: true } });
    const modal = confirmModal(approvalOf(plan), 'not a channel') as {
      blocks: Array<{ text?: { text: string } }>;
      private_metadata: string;
    };
    expect(modal.blocks[0]?.text?.text).toBe(DATA_LOSS_BANNER);
    expect(modal.private_metadata).toBe('{"approvalId":"APR-7"}');
  });
});

describe('parseConfirmSubmission', () => {
  const values = (value: unknown) => ({ confirm: { confirm: { type: 'plain_text_input', value } } });
  it('reads the typed name and the metadata', () => {
    expect(parseConfirmSubmission(values(' orders '), '{"approvalId":"APR-7","channelId":"C0INCIDENTS"}')).toEqual({
      approvalId: 'APR-7',
      channelId: 'C0INCIDENTS',
      typed: ' orders ',
    });
    expect(parseConfirmSubmission(values(null), '{"approvalId":"APR-7"}')).toEqual({ approvalId: 'APR-7', typed: '' });
  });

  it.each([['not json'], ['{"approvalId":"APR-7; DEL"}'], ['{"approvalId":"INC-7"}'], ['null'], [42]])(
    'refuses metadata Lifeboat did not make: %s',
    (metadata) => {
      expect(parseConfirmSubmission(values('orders'), metadata)).toBeNull();
    },
  );
});
