import { describe, expect, it } from 'vitest';
import { DATA_LOSS_BANNER, planBlocks } from '../../../../../src/bot/approvals/blocks/plan-blocks.js';
import { failoverPlan, statusPagePlan } from '../fixtures.js';

const text = (block: unknown) => (block as { text: { text: string } }).text.text;

describe('planBlocks', () => {
  it('shows every call with its parameters, what DNS replaces, pre-flight with live values and warnings, exactly', () => {
    expect(planBlocks(failoverPlan())).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '*Plan* · 3 steps, run in this order' } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text:
            '*1. PromoteReadReplica* · rds us-west-2 · :warning: irreversible\n' +
            'Promote read replica orders-replica to a standalone primary (irreversible)\n' +
            '```{"DBInstanceIdentifier":"orders-replica"}```',
        },
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text:
            '*2. ChangeResourceRecordSets* · route53\n' +
            'Point orders.db.example.com. CNAME at new.example.com (TTL 60s), replacing CNAME old.example.com (TTL 60s)\n' +
            'Replaces: CNAME old.example.com (TTL 60s)\n' +
            '```{"HostedZoneId":"Z123","ChangeBatch":{"Changes":[{"Action":"UPSERT"}]}}```',
        },
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: '*3. GetChange* · route53 · polls up to 15m\nWait until the DNS change is INSYNC on every Route 53 server (up to 15m)',
        },
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text:
            '*Pre-flight* (live values)\n' +
            ':white_check_mark: *replica lag (orders-lag)*: lag 12s, measured 30s ago (needs lag &lt;= 5m)\n' +
            ':white_check_mark: *target state*: orders-replica is available (needs orders-replica is a read replica)',
        },
      },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '*Warnings*\n• Irreversible: promoting orders-replica ends its replication for good.' },
      },
    ]);
  });

  it('puts the data-loss banner first when --allow-data-loss was asked for', () => {
    const plan = failoverPlan({ request: { kind: 'failover', runbook: 'orders', dryRun: false, allowDataLoss: true } });
    const blocks = planBlocks(plan);
    expect(text(blocks[0])).toBe(DATA_LOSS_BANNER);
    expect(DATA_LOSS_BANNER).toMatch(/^:rotating_light: \*DATA LOSS ALLOWED\* \(`--allow-data-loss`\)/);
    expect(planBlocks(failoverPlan()).map(text)).not.toContain(DATA_LOSS_BANNER);
  });

  it('says a DNS record that does not exist yet is replaced by nothing', () => {
    const plan = failoverPlan();
    plan.calls[1] = { ...plan.calls[1]!, replaces: null };
    expect(text(planBlocks(plan)[2])).toContain('\nReplaces: nothing (no record yet)\n');
  });

  it('escapes what people typed, so a status message can neither ping @channel nor close the code block', () => {
    const blocks = planBlocks(statusPagePlan('Down <!channel> & ```oops``` <https://evil|click>'));
    const call = text(blocks[1]);
    expect(call).not.toContain('<!channel>');
    expect(call).not.toContain('<https://evil');
    expect(call).toContain('&lt;!channel&gt; &amp;');
    // One opening and one closing fence only.
    expect(call.match(/```/g)).toHaveLength(2);
  });

  it('keeps every section within Slack’s 3,000 characters even for a 2,000-character message', () => {
    const blocks = planBlocks(statusPagePlan('x'.repeat(2_000)));
    for (const block of blocks) expect(text(block).length).toBeLessThanOrEqual(3_000);
  });
});
