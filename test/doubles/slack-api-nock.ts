import { parse as parseQuery } from 'node:querystring';
import nock from 'nock';

/** The Slack Web API base the tests set as SLACK_API_URL: nothing here is slack.com. */
export const TEST_SLACK_API_URL = 'https://slack.test/api/';
const ORIGIN = 'https://slack.test';
/** Where test payloads' response_url points. */
export const TEST_RESPONSE_URL_ORIGIN = 'https://hooks.slack.test';

/** One intercepted Web API call: the form fields, with JSON-encoded ones (blocks, view) decoded. */
export interface SlackCall {
  body: Record<string, unknown>;
  authorization: string | undefined;
}

/** Calls recorded by one interceptor, in arrival order. */
export interface Recorded {
  scope: nock.Scope;
  calls: SlackCall[];
}

const JSON_FIELDS = new Set(['blocks', 'view', 'attachments']);

function decodeForm(body: unknown): Record<string, unknown> {
  const raw = typeof body === 'string' ? parseQuery(body) : (body as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    out[key] = JSON_FIELDS.has(key) && typeof value === 'string' ? JSON.parse(value) : value;
  }
  return out;
}

function intercept(
  method: string,
  reply: (body: Record<string, unknown>) => [number, unknown, Record<string, string>?],
  times: number,
): Recorded {
  const calls: SlackCall[] = [];
  const scope = nock(ORIGIN)
    .post(`/api/${method}`)
    .times(times)
    .reply(function (_uri, body) {
      const decoded = decodeForm(body);
      const header = this.req.headers.authorization;
      calls.push({ body: decoded, authorization: Array.isArray(header) ? header[0] : header });
      const [status, payload, headers] = reply(decoded);
      return [status, payload as nock.Body, headers ?? {}];
    });
  return { scope, calls };
}

/**
 * auth.test answering as the Lifeboat bot, and bots.info (the same number of times) naming its
 * app: together they are how the bot learns the installed workspace (T1) and app (A1).
 */
export function nockAuthTest(
  times = 1,
  answer: Record<string, unknown> = { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' },
): Recorded {
  nockBotsInfo(times);
  return intercept('auth.test', () => [200, answer], times);
}

/** bots.info answering for our bot (`BBOT`, app `A1`), in the shape of Slack's method reference. */
export function nockBotsInfo(times = 1, appId = 'A1'): Recorded {
  return intercept(
    'bots.info',
    (body) => [200, { ok: true, bot: { id: body.bot, deleted: false, name: 'lifeboat', app_id: appId, user_id: 'UBOT' } }],
    times,
  );
}

/** chat.postMessage, answering with successive ts values (`<tsSeconds>.000001`, `.000002`, ...). */
export function nockPostMessage(times = 1, channel = 'C0INCIDENTS', tsSeconds = 1000): Recorded {
  let n = 0;
  return intercept(
    'chat.postMessage',
    () => {
      n += 1;
      return [200, { ok: true, channel, ts: `${tsSeconds}.${String(n).padStart(6, '0')}` }];
    },
    times,
  );
}

/** chat.update. */
export function nockChatUpdate(times = 1): Recorded {
  return intercept('chat.update', (body) => [200, { ok: true, channel: body.channel, ts: body.ts }], times);
}

/** chat.postEphemeral. */
export function nockPostEphemeral(times = 1): Recorded {
  return intercept('chat.postEphemeral', () => [200, { ok: true, message_ts: '2000.000001' }], times);
}

/** conversations.create, answering with channel id `channelId`. */
export function nockConversationsCreate(channelId = 'CINC1', times = 1): Recorded {
  return intercept('conversations.create', (body) => [200, { ok: true, channel: { id: channelId, name: body.name } }], times);
}

/** conversations.invite. */
export function nockConversationsInvite(times = 1): Recorded {
  return intercept('conversations.invite', (body) => [200, { ok: true, channel: { id: body.channel } }], times);
}

/** usergroups.users.list answering `users`. */
export function nockUsergroupUsers(users: string[], times = 1): Recorded {
  return intercept('usergroups.users.list', () => [200, { ok: true, users }], times);
}

/** views.open. */
export function nockViewsOpen(times = 1): Recorded {
  return intercept('views.open', () => [200, { ok: true, view: { id: 'V1' } }], times);
}

/** views.update. */
export function nockViewsUpdate(times = 1): Recorded {
  return intercept('views.update', () => [200, { ok: true, view: { id: 'V1' } }], times);
}

/** conversations.history answering an empty channel: nothing of ours was posted (a lost post is looked for first). */
export function nockConversationsHistory(times = 1): Recorded {
  return intercept(
    'conversations.history',
    () => [200, { ok: true, messages: [], has_more: false, response_metadata: { next_cursor: '' } }],
    times,
  );
}

/** Any method answering a Slack platform error (`{ ok: false, error }`). */
export function nockSlackError(method: string, error: string, extra: Record<string, unknown> = {}, times = 1): Recorded {
  return intercept(method, () => [200, { ok: false, error, ...extra }], times);
}

/** Any method answering 429 with the given Retry-After (seconds). */
export function nockRateLimited(method: string, retryAfterSeconds: number, times = 1): Recorded {
  return intercept(method, () => [429, '', { 'retry-after': String(retryAfterSeconds) }], times);
}

/** One response_url; records the JSON bodies posted to it. */
export function nockResponseUrl(
  path = '/commands/T1/1/abc',
  times = 1,
  status = 200,
): { url: string; scope: nock.Scope; bodies: unknown[] } {
  const bodies: unknown[] = [];
  const scope = nock(TEST_RESPONSE_URL_ORIGIN)
    .post(path)
    .times(times)
    .reply(status, (_uri, body) => {
      bodies.push(typeof body === 'string' ? JSON.parse(body) : body);
      return status === 200 ? 'ok' : 'expired_url';
    });
  return { url: `${TEST_RESPONSE_URL_ORIGIN}${path}`, scope, bodies };
}

/**
 * Blocks the network except 127.0.0.1 and records any request no interceptor matched, so a test
 * fails on it even when the code under test swallows the error (notifier retries, logs).
 */
export function guardNetwork(): { unmatched: string[]; reset(): void } {
  const unmatched: string[] = [];
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  nock.emitter.on('no match', (req: { method?: string; path?: string; href?: string; options?: { href?: string } }) => {
    unmatched.push(`${req.method ?? ''} ${req.href ?? req.path ?? req.options?.href ?? 'unknown'}`);
  });
  return {
    unmatched,
    reset() {
      nock.cleanAll();
      unmatched.splice(0);
    },
  };
}

/** Where files.getUploadURLExternal sends the bytes in tests (Slack answers a files.slack.com URL). */
export const TEST_UPLOAD_ORIGIN = 'https://files.slack.test';

/**
 * files.uploadV2 as the WebClient helper makes it: files.getUploadURLExternal (answering an
 * upload_url and file id F1), the bytes POSTed to that URL (recorded in `uploaded`), then
 * files.completeUploadExternal (recorded in `completed`: channel_id, thread_ts, files).
 */
export function nockFilesUpload(): { requested: SlackCall[]; uploaded: string[]; completed: SlackCall[] } {
  const requested = intercept(
    'files.getUploadURLExternal',
    () => [200, { ok: true, upload_url: `${TEST_UPLOAD_ORIGIN}/upload/v1/F1`, file_id: 'F1' }],
    1,
  ).calls;
  const uploaded: string[] = [];
  nock(TEST_UPLOAD_ORIGIN)
    .post('/upload/v1/F1')
    .reply(200, (_uri, body) => {
      uploaded.push(typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body));
      return 'OK - 1234';
    });
  const completed = intercept('files.completeUploadExternal', () => [200, { ok: true, files: [{ id: 'F1', title: 'timeline' }] }], 1).calls;
  return { requested, uploaded, completed };
}

/** conversations.archive. */
export function nockConversationsArchive(times = 1): Recorded {
  return intercept('conversations.archive', () => [200, { ok: true }], times);
}
