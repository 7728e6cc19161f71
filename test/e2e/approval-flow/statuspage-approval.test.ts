import { describe, expect, it } from 'vitest';
import { APPROVAL_ACTION_IDS } from '../../../src/bot/approvals/approval-action-ids.js';
import { nockChatUpdate, nockPostEphemeral, nockPostMessage } from '../../doubles/slack-api-nock.js';
import { fail } from '../../doubles/results.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { startApprovalFlow } from './approval-flow-harness.js';
import { useApprovalFlow } from './use-approval-flow.js';
import { click, slash, threadTexts } from './flow-requests.js';

/** An open incident INC-1 on `api`, already posted, to publish about. */
const flow = useApprovalFlow(async () => {
  // Two approvers besides the requester, to see "approvers so far" in /dr approvals.
  const started = await startApprovalFlow({ approvals: 2 });
  nockPostMessage(1, 'C0INCIDENTS', 500);
  await started.engine.apply(fail('SEV2', 'api', started.clock.now()));
  await started.idle();
  return started;
});

const MESSAGE = 'We are looking into elevated API errors.';
const statusJson = async () =>
  (await flow.server.inject({ method: 'GET', url: '/status.json' })).json() as {
    components: Array<{ name: string; status: string }>;
    incidents: Array<{ id: string; status: string; updates: Array<{ status: string; message: string }> }>;
  };
const date = (ms: number, text: string) => `<!date^${ms / 1000}^{date_short_pretty} {time}|${text}>`;

describe('/dr statuspage through approval, end to end', () => {
  it('is published only once approved, and /dr approvals lists it meanwhile with who approved so far', async () => {
    const posts = nockPostMessage(20);
    const replies = await slash(flow, `statuspage INC-1 investigating "${MESSAGE}"`);
    expect((replies[0] as { text: string }).text).toMatch(
      /^Approval requested: \*APR-1\* Status page: investigating for INC-1 is posted in <#C0INCIDENTS>\. It needs 2 approvals/,
    );
    expect(posts.calls).toHaveLength(1);
    expect((await statusJson()).incidents).toEqual([]);

    const ephemeral = nockPostEphemeral(2);
    nockChatUpdate(20);
    await click(flow, APPROVAL_ACTION_IDS.approve, 'APR-1', 'U0BBB');
    expect(ephemeral.calls[0]?.body).toEqual({
      channel: 'C0INCIDENTS',
      user: 'U0BBB',
      text: 'You approved APR-1. It needs 1 more approval from someone else.',
    });
    expect((await statusJson()).incidents).toEqual([]);

    flow.clock.advance(5 * 60_000);
    const listed = await slash(flow, 'approvals', 'U0CCC');
    expect(listed).toEqual([
      {
        text: '1 pending approval request',
        blocks: [
          {
            type: 'section',
            text: {
              type: 'mrkdwn',
              text:
                '*Pending approvals (1)*\n*APR-1* Status page: investigating for INC-1\n' +
                `requested by <@U0AAA> ${date(MANUAL_CLOCK_START, '2026-11-21 12:00 UTC')} (5m ago) · 1/2 approvals (<@U0BBB>) · expires in 10m`,
            },
          },
        ],
        response_type: 'ephemeral',
        replace_original: false,
      },
    ]);

    await click(flow, APPROVAL_ACTION_IDS.approve, 'APR-1', 'U0CCC');
    expect(ephemeral.calls[1]?.body).toEqual({
      channel: 'C0INCIDENTS',
      user: 'U0CCC',
      text: "You approved APR-1. It runs now; progress is posted in the request's thread.",
    });
    expect(await flow.approvals.get('APR-1')).toMatchObject({ state: 'succeeded' });
    const page = await statusJson();
    expect(page.incidents).toMatchObject([
      { id: 'INC-1', status: 'investigating', updates: [{ status: 'investigating', message: MESSAGE }] },
    ]);
    expect(page.components).toContainEqual(expect.objectContaining({ name: 'api', status: 'partial_outage' }));

    const thread = threadTexts(posts);
    expect(thread.slice(0, 4)).toEqual([
      ':+1: Approved by <@U0BBB> (1 of 2). 1 more approval needed.',
      ':+1: Approved by <@U0CCC> (2 of 2). Starting now.',
      ':rocket: Execution started. Pre-flight checks run again before the first step.',
      `:arrow_forward: Step \`publish\` started: Publish "investigating" on the builtin status page (api partial_outage): "${MESSAGE}"`,
    ]);
    expect(thread.at(-1)).toMatch(/^:white_check_mark: Status-page update INC-1 succeeded in /);
    expect(await slash(flow, 'approvals', 'U0CCC')).toEqual([
      {
        text: 'No pending approval requests.',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Pending approvals (0)*\nnone' } }],
        response_type: 'ephemeral',
        replace_original: false,
      },
    ]);
  });
});
