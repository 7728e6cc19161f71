import { describe, expect, it } from 'vitest';
import { incidentMessage } from '../../../../src/bot/blocks/incident-message.js';
import { timelineReply } from '../../../../src/bot/blocks/timeline-reply.js';
import type { Incident, IncidentEvent } from '../../../../src/core/incident.js';

const T0 = Date.parse('2026-11-21T12:00:00Z');
const date = (ms: number, text: string) => `<!date^${ms / 1000}^{date_short_pretty} {time}|${text}>`;

const incident: Incident = {
  id: 'INC-7',
  checkId: 'orders-backups',
  severity: 'SEV2',
  peakSeverity: 'SEV1',
  state: 'acknowledged',
  openedAt: T0,
  updatedAt: T0 + 300_000,
  acknowledgedBy: 'U0BBB',
  acknowledgedAt: T0 + 120_000,
  summary: 'newest snapshot 30h old (> 26h) <script>&',
  measurement: { kind: 'backup', ageSeconds: 108_000 },
  revision: 3,
} as Incident;

describe('incidentMessage', () => {
  it('renders an acknowledged incident exactly: no Acknowledge button, proposals for linked runbooks, text escaped', () => {
    const message = incidentMessage({ incident, links: { failover: [], restore: ['orders'] }, incidentChannelId: 'CINC7' });
    expect(message).toEqual({
      text: 'SEV2 INC-7 orders-backups: newest snapshot 30h old (&gt; 26h) &lt;script&gt;&amp; (acknowledged)',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: ':large_orange_circle: *INC-7* · *SEV2* · `orders-backups` — *acknowledged* by <@U0BBB>\nnewest snapshot 30h old (&gt; 26h) &lt;script&gt;&amp;',
          },
        },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Measured*\nnewest snapshot 30h old (&gt; 26h) &lt;script&gt;&amp;' },
            { type: 'mrkdwn', text: `*Since*\n${date(T0, '2026-11-21 12:00 UTC')}` },
            { type: 'mrkdwn', text: `*Acknowledged*\n<@U0BBB> ${date(T0 + 120_000, '2026-11-21 12:02 UTC')}` },
            { type: 'mrkdwn', text: '*Peak severity*\nSEV1' },
            { type: 'mrkdwn', text: '*Incident channel*\n<#CINC7>' },
          ],
        },
        {
          type: 'actions',
          block_id: 'lifeboat.incident.actions',
          elements: [
            { type: 'button', text: { type: 'plain_text', text: 'Page on-call' }, action_id: 'lifeboat.incident.page', value: 'INC-7' },
            { type: 'button', text: { type: 'plain_text', text: 'Resolve' }, action_id: 'lifeboat.incident.resolve', value: 'INC-7' },
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Update status page' },
              action_id: 'lifeboat.incident.statuspage',
              value: 'INC-7',
            },
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Propose restore: orders' },
              action_id: 'lifeboat.incident.propose_restore:orders',
              value: '{"incidentId":"INC-7","runbook":"orders"}',
              style: 'danger',
            },
          ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: `Lifeboat · updated ${date(T0 + 300_000, '2026-11-21 12:05 UTC')}` }] },
      ],
    });
  });

  it('shows the paging line as a context block between the fields and the buttons', () => {
    const open: Incident = { ...incident, state: 'open', acknowledgedBy: undefined, acknowledgedAt: undefined } as Incident;
    const line = '<!date^1795262640^{time}|12:04 UTC>';
    const message = incidentMessage({
      incident: open,
      links: { failover: [], restore: [] },
      pagingLine: `:pager: Paged PagerDuty ${line} (critical)`,
    });
    expect(message.blocks.map((b) => (b as { type: string }).type)).toEqual(['section', 'section', 'context', 'actions', 'context']);
    expect(message.blocks[2]).toEqual({
      type: 'context',
      block_id: 'lifeboat.incident.paging',
      elements: [{ type: 'mrkdwn', text: `:pager: Paged PagerDuty ${line} (critical)` }],
    });
    // Without a paging line the message is exactly what it was.
    const without = incidentMessage({ incident: open, links: { failover: [], restore: [] } });
    expect(without.blocks).toEqual(message.blocks.filter((_, i) => i !== 2));
  });

  it('never renders a user id that is not one as a mention', () => {
    const message = incidentMessage({ incident: { ...incident, acknowledgedBy: '<!channel>' }, links: { failover: [], restore: [] } });
    expect(JSON.stringify(message)).not.toContain('<!channel>');
    expect(JSON.stringify(message)).toContain('&lt;!channel&gt;');
  });
});

describe('timelineReply', () => {
  const event = (over: Partial<IncidentEvent>): IncidentEvent => ({
    type: 'escalated',
    incidentId: 'INC-7',
    checkId: 'orders-backups',
    at: T0 + 600_000,
    severity: 'SEV1',
    summary: 'newest snapshot 50h old',
    measurement: { kind: 'backup', ageSeconds: 180_000 },
    ...over,
  });
  it.each([
    [event({ previousSeverity: 'SEV2' }), ':arrow_up: Escalated *SEV2* → *SEV1*: newest snapshot 50h old'],
    [
      event({ type: 'deescalated', severity: 'SEV3', previousSeverity: 'SEV1' }),
      ':arrow_down: De-escalated *SEV1* → *SEV3*: newest snapshot 50h old',
    ],
    [event({ type: 'acknowledged', actor: 'U0AAA' }), ':eyes: Acknowledged by <@U0AAA>'],
    [
      event({ type: 'resolved', actor: 'U0AAA', note: 'restored <from> snapshot\nsecond line' }),
      ':white_check_mark: Resolved by <@U0AAA> after 10m\n> restored &lt;from&gt; snapshot\n> second line',
    ],
    [event({ type: 'resolved', summary: 'newest snapshot 1h old' }), ':white_check_mark: Recovered after 10m: newest snapshot 1h old'],
  ])('%#: %s', (e, text) => {
    expect(timelineReply(e, incident)).toBe(text);
  });
});
