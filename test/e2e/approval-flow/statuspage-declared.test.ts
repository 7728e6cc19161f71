import { expect, it } from 'vitest';
import { APPROVAL_ACTION_IDS } from '../../../src/bot/approvals/approval-action-ids.js';
import { httpAwsClients } from '../../doubles/aws-http.js';
import { nockChatUpdate, nockPostEphemeral, nockPostMessage } from '../../doubles/slack-api-nock.js';
import { startServiceFlow } from './approval-flow-harness.js';
import { click, slash, threadTexts } from './flow-requests.js';
import { useApprovalFlow } from './use-approval-flow.js';

/*
 * A declared incident goes public only through an approved `/dr statuspage` post: the builtin
 * page leaves declared incidents off its monitor list (a person's words, not a measurement), so
 * the request, its approval and the published post are the whole path. Through buildApp on Redis,
 * signed Slack requests, AWS answered at the HTTP layer (nothing here calls it).
 */

const flow = useApprovalFlow(() => startServiceFlow({}, httpAwsClients()));

const TITLE = 'Checkout failing for EU customers';
const MESSAGE = 'We are investigating failed checkouts for customers in the EU.';

const statusJson = async () =>
  (await flow.server.inject({ method: 'GET', url: '/status.json' })).json() as {
    incidents: Array<{ id: string; title: string; status: string; updates: Array<{ status: string; message: string }> }>;
  };

it('a declared incident is posted on the status page once a /dr statuspage request about it is approved', async () => {
  // The incident's own message, apart from the request's (whose ts the Approve button names).
  const incidentMessage = nockPostMessage(1, 'C0INCIDENTS', 500);
  const declared = await slash(flow, `declare SEV1 ${TITLE}`);
  expect(incidentMessage.calls).toHaveLength(1);
  expect(JSON.stringify(declared)).toContain('Declared INC-1 (SEV1)');
  expect((await flow.app.store.getIncident('INC-1'))?.measurement.kind).toBe('declared');
  expect((await statusJson()).incidents).toEqual([]);

  const posts = nockPostMessage(20);
  const replies = await slash(flow, `statuspage INC-1 investigating "${MESSAGE}"`);
  expect((replies[0] as { text: string }).text).toMatch(
    /^Approval requested: \*APR-1\* Status page: investigating for INC-1 is posted in <#C0INCIDENTS>\./,
  );
  expect((await statusJson()).incidents).toEqual([]); // not before it is approved

  nockPostEphemeral();
  nockChatUpdate(20);
  await click(flow, APPROVAL_ACTION_IDS.approve, 'APR-1', 'U0BBB');
  await flow.idle();
  expect(await flow.approvals.get('APR-1')).toMatchObject({ state: 'succeeded' });
  // No check, so no component: the public title is the generic one, never the declared title.
  expect((await statusJson()).incidents).toMatchObject([
    { id: 'INC-1', title: 'Service disruption', status: 'investigating', updates: [{ status: 'investigating', message: MESSAGE }] },
  ]);
  expect(threadTexts(posts).at(-1)).toMatch(/^:white_check_mark: Status-page update INC-1 succeeded in /);
});
