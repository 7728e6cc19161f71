import { DescribeDBInstancesCommand, PromoteReadReplicaCommand } from '@aws-sdk/client-rds';
import { ChangeResourceRecordSetsCommand, GetChangeCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import nock from 'nock';
import { expect } from 'vitest';
import { ACTION_IDS } from '../../../src/bot/action-ids.js';
import { APPROVAL_CONFIRM_VIEW_ID } from '../../../src/bot/approvals/approval-action-ids.js';
import { fail } from '../../doubles/results.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { nockChatUpdate, nockPostEphemeral, nockPostMessage, nockResponseUrl, type Recorded } from '../../doubles/slack-api-nock.js';
import { blockActionBody, slashCommandBody, viewSubmissionBody } from '../../doubles/slack-requests.js';
import { cname, dbInstance } from '../../integration/actions/fixtures.js';
import { ORDERS_REPLICA_ENDPOINT } from '../../doubles/runbook-fixtures.js';
import type { ApprovalFlow, ServiceFlow } from './approval-flow-harness.js';

export const NEW_PRIMARY = ORDERS_REPLICA_ENDPOINT;
export const OLD_PRIMARY = 'orders-db.abc.us-east-1.rds.amazonaws.com';
/** Where the approval message is: nockPostMessage's first ts. */
export const APPROVAL_TS = '1000.000001';

/**
 * RDS and Route 53 for a healthy replica failover: the replica is available when planned and when
 * pre-flight runs again, then promoted; DNS held the old primary; the change is INSYNC at once.
 */
export function mockHealthyFailover(flow: ApprovalFlow): void {
  const replica = dbInstance('orders-replica', 'available', { ReadReplicaSourceDBInstanceIdentifier: 'orders-db' });
  const promoted = dbInstance('orders-replica', 'available', { Endpoint: { Address: NEW_PRIMARY, Port: 5432 } });
  flow.west
    .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-replica' })
    .resolvesOnce({ DBInstances: [replica] })
    .resolvesOnce({ DBInstances: [replica] })
    // Promotion takes a while: the runner waits (moving the test clock) before it sees it done.
    .resolvesOnce({ DBInstances: [dbInstance('orders-replica', 'modifying', { ReadReplicaSourceDBInstanceIdentifier: 'orders-db' })] })
    .resolves({ DBInstances: [promoted] });
  flow.west.on(PromoteReadReplicaCommand).resolves({ DBInstance: replica });
  flow.r53
    .on(ListResourceRecordSetsCommand)
    .resolves({ ResourceRecordSets: [cname('orders.db.example.com.', OLD_PRIMARY)], IsTruncated: false, MaxItems: 20 });
  flow.r53
    .on(ChangeResourceRecordSetsCommand)
    .resolves({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date(MANUAL_CLOCK_START) } });
  flow.r53.on(GetChangeCommand).resolves({ ChangeInfo: { Id: '/change/C1', Status: 'INSYNC', SubmittedAt: new Date(MANUAL_CLOCK_START) } });
}

/** Sends `/dr <text>` as `userId`; returns what reached the requester's response_url. */
export async function slash(flow: ServiceFlow, text: string, userId = 'U0AAA'): Promise<unknown[]> {
  const hook = nockResponseUrl('/commands/T1/1/abc', 5);
  const response = await flow.post(slashCommandBody(text, { userId }));
  expect(response.statusCode).toBe(200);
  expect(response.body).toBe('');
  await flow.idle();
  nock.removeInterceptor({ hostname: 'hooks.slack.test', proto: 'https', path: '/commands/T1/1/abc', method: 'POST' });
  return hook.bodies;
}

/**
 * Requests a failover of `orders` as U0AAA and checks it was posted; returns the recorder of
 * chat.postMessage (the request, then its thread replies) and what the requester was told.
 */
export async function requestFailover(flow: ServiceFlow, extra = ''): Promise<{ posts: Recorded; replies: unknown[] }> {
  const posts = nockPostMessage(30);
  const replies = await slash(flow, `failover orders${extra}`);
  expect(posts.calls[0]?.body).toMatchObject({ channel: 'C0INCIDENTS' });
  return { posts, replies };
}

/**
 * `checkId` fails at SEV2 and opens INC-1, whose message offers the orders failover (the check is
 * linked to it); four minutes later U0AAA clicks Propose failover there. Returns when the incident
 * opened, the recorder of chat.postMessage (the request, then its thread) and what U0AAA was told.
 */
export async function proposeFailoverFromIncident(
  flow: ServiceFlow,
  checkId: string,
): Promise<{ openedAt: number; posts: Recorded; told: Recorded }> {
  const incidentPost = nockPostMessage(1, 'C0INCIDENTS', 1001);
  const openedAt = flow.clock.now();
  await flow.engine.apply(fail('SEV2', checkId, openedAt));
  await flow.idle();
  expect(JSON.stringify(incidentPost.calls[0]?.body)).toContain(`${ACTION_IDS.proposeFailover}:orders`);
  flow.clock.advance(4 * 60_000);
  const posts = nockPostMessage(30);
  const told = nockPostEphemeral(2);
  const click = blockActionBody(`${ACTION_IDS.proposeFailover}:orders`, JSON.stringify({ incidentId: 'INC-1', runbook: 'orders' }), {
    userId: 'U0AAA',
    messageTs: '1001.000001',
  });
  expect((await flow.post(click)).statusCode).toBe(200);
  await flow.idle();
  expect(posts.calls[0]?.body).toMatchObject({ channel: 'C0INCIDENTS' });
  return { openedAt, posts, told };
}

/**
 * Requests `/dr failover <runbook><flags>` as U0AAA, confirms it as U0BBB typing the runbook's
 * name, and lets it run; returns the approval message (as JSON) and the texts of its thread.
 */
export async function approveAndRunFailover(flow: ServiceFlow, runbook: string, flags = ''): Promise<{ plan: string; thread: string[] }> {
  const posts = nockPostMessage(30);
  await slash(flow, `failover ${runbook}${flags}`);
  const plan = JSON.stringify(posts.calls[0]?.body ?? {});
  nockPostEphemeral(5);
  nockChatUpdate(40);
  expect((await flow.post(confirmBody('APR-1', runbook))).statusCode).toBe(200);
  await flow.idle();
  return { plan, thread: threadTexts(posts) };
}

/** Clicks Approve or Reject on the approval message as `userId`. */
export async function click(flow: ServiceFlow, actionId: string, approvalId: string, userId: string): Promise<void> {
  const response = await flow.post(blockActionBody(actionId, approvalId, { userId, messageTs: APPROVAL_TS }));
  expect(response.statusCode).toBe(200);
  expect(response.body).toBe('');
  await flow.idle();
}

/** The confirm modal submitted with `typed`, as Slack posts it. */
export function confirmBody(approvalId: string, typed: string, userId = 'U0BBB'): string {
  const values = { confirm: { confirm: { type: 'plain_text_input', value: typed } } };
  return viewSubmissionBody(APPROVAL_CONFIRM_VIEW_ID, values, JSON.stringify({ approvalId, channelId: 'C0INCIDENTS' }), userId);
}

/** Texts posted in the approval message's thread, in order. */
export function threadTexts(posts: Recorded): string[] {
  return posts.calls.filter((c) => c.body.thread_ts === APPROVAL_TS).map((c) => String(c.body.text));
}

/** Names of the commands an AWS mock received ("PromoteReadReplicaCommand", ...). */
export function commandNames(mock: { calls(): Array<{ args: readonly unknown[] }> }): string[] {
  return mock.calls().map((call) => (call.args[0] as { constructor: { name: string } }).constructor.name);
}
