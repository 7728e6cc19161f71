import { stringify } from 'node:querystring';
import { signSlackRequest } from '../../src/bot/verify-slack-signature.js';
import { TEST_RESPONSE_URL_ORIGIN } from './slack-api-nock.js';

/** The signing secret test apps are configured with. */
export const TEST_SIGNING_SECRET = 'test-signing-secret-8f3a';
/** The workspace and app the test bot is installed as (what nockAuthTest and bots.info answer). */
export const TEST_TEAM_ID = 'T1';
export const TEST_APP_ID = 'A1';

/** Where a payload says it comes from; the installed workspace and app unless a test says otherwise. */
export interface PayloadOrigin {
  teamId?: string;
  appId?: string;
}

/** A request as Slack sends it: raw body, content type and signature headers. */
export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/** Signs `body` exactly as Slack does, at `nowMs` (epoch ms, turned into seconds). */
export function signed(body: string, contentType: string, nowMs: number, secret = TEST_SIGNING_SECRET): SignedRequest {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    body,
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signSlackRequest(secret, timestamp, body),
    },
  };
}

let triggerCounter = 0;
/** Slack's trigger ids are unique per interaction; so are ours. */
function nextTriggerId(): string {
  triggerCounter += 1;
  return `${triggerCounter}.4242.${triggerCounter.toString(16).padStart(8, '0')}`;
}

/** A slash command's form body, as Slack posts it. */
export function slashCommandBody(
  text: string,
  options: { userId?: string; command?: string; channelId?: string; responsePath?: string } & PayloadOrigin = {},
): string {
  return stringify({
    token: 'deprecated-verification-token',
    team_id: options.teamId ?? TEST_TEAM_ID,
    team_domain: 'acme',
    channel_id: options.channelId ?? 'C0INCIDENTS',
    channel_name: 'incidents',
    user_id: options.userId ?? 'U0AAA',
    user_name: 'alice',
    command: options.command ?? '/dr',
    text,
    api_app_id: options.appId ?? TEST_APP_ID,
    is_enterprise_install: 'false',
    response_url: `${TEST_RESPONSE_URL_ORIGIN}${options.responsePath ?? '/commands/T1/1/abc'}`,
    trigger_id: nextTriggerId(),
  });
}

/** A block_actions click on a button of a message in `channelId`, form-encoded as `payload=`. */
export function blockActionBody(
  actionId: string,
  value: string,
  options: { userId?: string; channelId?: string; messageTs?: string } & PayloadOrigin = {},
): string {
  const teamId = options.teamId ?? TEST_TEAM_ID;
  const payload = {
    type: 'block_actions',
    user: { id: options.userId ?? 'U0AAA', username: 'alice', name: 'alice', team_id: teamId },
    api_app_id: options.appId ?? TEST_APP_ID,
    token: 'deprecated-verification-token',
    container: {
      type: 'message',
      message_ts: options.messageTs ?? '1000.000001',
      channel_id: options.channelId ?? 'C0INCIDENTS',
      is_ephemeral: false,
    },
    trigger_id: nextTriggerId(),
    team: { id: teamId, domain: 'acme' },
    channel: { id: options.channelId ?? 'C0INCIDENTS', name: 'incidents' },
    message: { type: 'message', ts: options.messageTs ?? '1000.000001', text: 'incident' },
    response_url: `${TEST_RESPONSE_URL_ORIGIN}/actions/T1/2/def`,
    actions: [
      {
        action_id: actionId,
        block_id: 'lifeboat.incident.actions',
        text: { type: 'plain_text', text: 'x' },
        value,
        type: 'button',
        action_ts: '1000.5',
      },
    ],
  };
  return stringify({ payload: JSON.stringify(payload) });
}

/** A view_submission of a modal with `values` (block_id -> action_id -> value). */
export function viewSubmissionBody(
  callbackId: string,
  values: unknown,
  privateMetadata: string,
  userId = 'U0AAA',
  origin: PayloadOrigin & { viewTeamId?: string; viewAppId?: string } = {},
): string {
  const teamId = origin.teamId ?? TEST_TEAM_ID;
  const appId = origin.appId ?? TEST_APP_ID;
  const payload = {
    type: 'view_submission',
    team: { id: teamId, domain: 'acme' },
    user: { id: userId, username: 'alice', name: 'alice', team_id: teamId },
    api_app_id: appId,
    token: 'deprecated-verification-token',
    trigger_id: nextTriggerId(),
    view: {
      id: 'V1',
      team_id: origin.viewTeamId ?? teamId,
      // The app that opened the view: Slack sets it, so only our own views carry our app id.
      app_id: origin.viewAppId ?? appId,
      type: 'modal',
      callback_id: callbackId,
      private_metadata: privateMetadata,
      state: { values },
      hash: '1.abc',
    },
  };
  return stringify({ payload: JSON.stringify(payload) });
}
