import { parse as parseQuery } from 'node:querystring';
import nock from 'nock';
import type { Clock } from '../../src/core/clock.js';
import { TEST_SLACK_API_URL } from './slack-api-nock.js';

/**
 * A stateful Slack Web API on TEST_SLACK_API_URL, intercepted with nock at the network layer:
 * it keeps what was posted and answers like Slack, and can be switched at any time to answer
 * 429s, slowly, with a platform error, or as an outage. Methods it does not serve are left
 * unmatched (guardNetwork() reports them). It is strict where Slack is: a reply to a thread it
 * does not keep answers `thread_not_found`, chat.update of an unknown ts `message_not_found`.
 *
 * Usage: `const slack = startSlackFake({ clock }); slack.rateLimited(30, { method: 'chat.postMessage' });`
 * … `slack.ok(); expect(slack.messages).toHaveLength(1); expect(slack.count('chat.postMessage')).toBe(2);`
 */

/** A message the fake keeps, as Slack would store it. */
export interface FakeMessage {
  channel: string;
  ts: string;
  /** Set on thread replies only. */
  threadTs?: string;
  text: string;
  blocks?: unknown[];
  /** Slack's shape: `{ event_type, event_payload }`. */
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** bot_id Slack stamps on a bot's message. */
  botId: string;
}

/** An ephemeral message (chat.postEphemeral): seen by one user, never in history. */
export interface FakeEphemeral {
  channel: string;
  user: string;
  text: string;
  blocks?: unknown[];
}

/** One request that reached the fake, in arrival order, with JSON fields decoded. */
export interface FakeRequest {
  method: string;
  body: Record<string, unknown>;
  /** What the fake answered (HTTP status; 0 when the connection dropped). */
  status: number;
}

/** Which requests a mode applies to. */
export interface FakeModeScope {
  /** One Web API method (e.g. 'chat.postMessage'); every served method when absent. */
  method?: string;
  /** Only the next `times` matching requests, then the fake is back to `ok` for them. */
  times?: number;
}

export interface SlackFakeOptions {
  /** Gives message ts values (seconds since the epoch); real time when absent. */
  clock?: Clock;
  /** What auth.test answers. */
  identity?: { userId: string; botId: string; teamId: string; appId: string };
}

/** Methods the fake serves; anything else is not intercepted. */
export const SLACK_FAKE_METHODS = [
  'auth.test',
  'bots.info',
  'chat.postMessage',
  'chat.update',
  'chat.postEphemeral',
  'conversations.history',
  'conversations.replies',
] as const;

type Mode =
  | { kind: 'ok' }
  | { kind: 'rateLimited'; retryAfterSeconds: number }
  | { kind: 'slow'; ms: number }
  | { kind: 'refuse'; error: string; withBlocksOnly: boolean; extra: Record<string, unknown> }
  | { kind: 'down' }
  | { kind: 'dropped'; carriedOut: boolean };

interface Rule {
  mode: Mode;
  remaining: number | undefined;
}

/** Slack refuses these only for a call that carries blocks; a text-only call goes through. */
const BLOCK_ERRORS = new Set(['invalid_blocks', 'invalid_blocks_format', 'msg_blocks_too_long']);
const JSON_FIELDS = new Set(['blocks', 'metadata', 'attachments', 'view']);
const ALL = '*';

export class SlackFake {
  /** Messages posted (and updated in place), in posting order. */
  readonly messages: FakeMessage[] = [];
  readonly ephemerals: FakeEphemeral[] = [];
  /** Every request that reached the fake, whatever it answered. */
  readonly requests: FakeRequest[] = [];
  private readonly rules = new Map<string, Rule>();
  private readonly clock: Clock;
  private readonly identity: { userId: string; botId: string; teamId: string; appId: string };
  private readonly interceptor: nock.Interceptor;
  private lastTsMicros = 0;

  constructor(options: SlackFakeOptions = {}) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.identity = options.identity ?? { userId: 'UBOT', botId: 'BBOT', teamId: 'T1', appId: 'A1' };
    const origin = new URL(TEST_SLACK_API_URL).origin;
    const base = new URL(TEST_SLACK_API_URL).pathname;
    const served = new Set<string>(SLACK_FAKE_METHODS);
    this.interceptor = nock(origin)
      .persist()
      .post((path) => path.startsWith(base) && served.has(path.slice(base.length)))
      // Persisted and possibly never called: not a pending mock for nock.pendingMocks().
      .optionally();
    // The callback form: a dropped connection is an error on the request, not an HTTP answer.
    this.interceptor.reply((uri, body, callback) => {
      const method = new URL(uri, origin).pathname.slice(base.length);
      this.answer(method, decodeForm(body)).then(
        (answer) => callback(null, answer),
        (err: Error) => callback(err, [0, '']),
      );
    });
  }

  /** Answers normally (for `scope.method`, or everything and clears every other mode). */
  ok(scope: FakeModeScope = {}): this {
    if (scope.method === undefined && scope.times === undefined) this.rules.clear();
    else this.set({ kind: 'ok' }, scope);
    return this;
  }

  /** HTTP 429 with `Retry-After: seconds`, as Slack rate-limits a method; nothing is carried out. */
  rateLimited(seconds: number, scope: FakeModeScope = {}): this {
    return this.set({ kind: 'rateLimited', retryAfterSeconds: seconds }, scope);
  }

  /** Carries the call out at once (the message exists), then answers after `ms` (real time). */
  slow(ms: number, scope: FakeModeScope = {}): this {
    return this.set({ kind: 'slow', ms }, scope);
  }

  /**
   * Answers Slack's platform error `{ ok: false, error }` (HTTP 200) and carries nothing out.
   * Block errors (invalid_blocks, invalid_blocks_format, msg_blocks_too_long) refuse only calls
   * that carry blocks, as Slack does, and name the failing block in `response_metadata.messages`.
   */
  refuse(error: string, scope: FakeModeScope & { extra?: Record<string, unknown> } = {}): this {
    return this.set({ kind: 'refuse', error, withBlocksOnly: BLOCK_ERRORS.has(error), extra: scope.extra ?? {} }, scope);
  }

  /** HTTP 503, as when Slack (or a proxy before it) is down; nothing is carried out. */
  down(scope: FakeModeScope = {}): this {
    return this.set({ kind: 'down' }, scope);
  }

  /**
   * The connection drops before an answer (ECONNRESET): with `carriedOut`, after Slack carried the
   * call out (the message exists, and the caller cannot tell), otherwise before it reached Slack.
   */
  dropConnection(scope: FakeModeScope & { carriedOut?: boolean } = {}): this {
    return this.set({ kind: 'dropped', carriedOut: scope.carriedOut ?? false }, scope);
  }

  /** How many requests for `method` reached the fake (every mode counts). */
  count(method: string): number {
    return this.requests.filter((r) => r.method === method).length;
  }

  /** Messages kept in `channel` (thread replies included), in posting order. */
  messagesIn(channel: string): FakeMessage[] {
    return this.messages.filter((m) => m.channel === channel);
  }

  /** Removes the interceptor (nock.cleanAll() does too). */
  stop(): void {
    nock.removeInterceptor(this.interceptor);
  }

  private set(mode: Mode, scope: FakeModeScope): this {
    this.rules.set(scope.method ?? ALL, { mode, remaining: scope.times });
    return this;
  }

  private modeFor(method: string, body: Record<string, unknown>): Mode {
    const key = this.rules.has(method) ? method : ALL;
    const rule = this.rules.get(key);
    if (!rule) return { kind: 'ok' };
    // A block error does not apply to a text-only call, and does not use up `times` on it.
    if (rule.mode.kind === 'refuse' && rule.mode.withBlocksOnly && !hasBlocks(body)) return { kind: 'ok' };
    if (rule.remaining !== undefined) {
      rule.remaining -= 1;
      if (rule.remaining <= 0) this.rules.delete(key);
    }
    return rule.mode;
  }

  private async answer(method: string, body: Record<string, unknown>): Promise<[number, nock.Body, Record<string, string>]> {
    const mode = this.modeFor(method, body);
    const reply = (
      status: number,
      payload: nock.Body,
      headers: Record<string, string> = {},
    ): [number, nock.Body, Record<string, string>] => {
      this.requests.push({ method, body, status });
      return [status, payload, { 'content-type': typeof payload === 'string' ? 'text/plain' : 'application/json', ...headers }];
    };
    if (mode.kind === 'rateLimited')
      return reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(mode.retryAfterSeconds) });
    if (mode.kind === 'down') return reply(503, 'upstream connect error or disconnect/reset before headers');
    if (mode.kind === 'dropped') {
      if (mode.carriedOut) this.carryOut(method, body);
      this.requests.push({ method, body, status: 0 });
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }
    if (mode.kind === 'refuse') {
      const detail = BLOCK_ERRORS.has(mode.error)
        ? { response_metadata: { messages: [`[ERROR] must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]`] } }
        : {};
      return reply(200, { ok: false, error: mode.error, ...detail, ...mode.extra });
    }
    const result = this.carryOut(method, body);
    if (mode.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, mode.ms));
    return reply(200, result);
  }

  private carryOut(method: string, body: Record<string, unknown>): Record<string, unknown> {
    const { userId, botId, teamId, appId } = this.identity;
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://lifeboat-test.slack.com/',
          team: 'Lifeboat Test',
          user: 'lifeboat',
          team_id: teamId,
          user_id: userId,
          bot_id: botId,
        };
      case 'bots.info':
        return { ok: true, bot: { id: botId, deleted: false, name: 'Lifeboat', app_id: appId, user_id: userId } };
      case 'chat.postMessage':
        return this.post(body);
      case 'chat.update':
        return this.update(body);
      case 'chat.postEphemeral': {
        this.ephemerals.push({ channel: str(body.channel), user: str(body.user), text: str(body.text), ...blocksOf(body) });
        return { ok: true, message_ts: this.nextTs() };
      }
      case 'conversations.history':
        return this.history(body);
      default:
        return this.replies(body);
    }
  }

  private post(body: Record<string, unknown>): Record<string, unknown> {
    const channel = str(body.channel);
    const threadTs = typeof body.thread_ts === 'string' && body.thread_ts !== '' ? body.thread_ts : undefined;
    if (threadTs && !this.messages.some((m) => m.channel === channel && m.ts === threadTs)) return { ok: false, error: 'thread_not_found' };
    const metadata = body.metadata as FakeMessage['metadata'] | undefined;
    const message: FakeMessage = {
      channel,
      ts: this.nextTs(),
      ...(threadTs ? { threadTs } : {}),
      text: str(body.text),
      ...blocksOf(body),
      ...(metadata ? { metadata } : {}),
      botId: this.identity.botId,
    };
    this.messages.push(message);
    return { ok: true, channel, ts: message.ts, message: toSlack(message, true) };
  }

  private update(body: Record<string, unknown>): Record<string, unknown> {
    const message = this.messages.find((m) => m.channel === body.channel && m.ts === body.ts);
    if (!message) return { ok: false, error: 'message_not_found' };
    message.text = str(body.text);
    // Slack keeps the previous blocks unless the call sends `blocks` (an empty array removes them).
    if (Array.isArray(body.blocks)) {
      if (body.blocks.length === 0) delete message.blocks;
      else message.blocks = body.blocks;
    }
    return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
  }

  /** Top-level messages, newest first, after `oldest` (exclusive unless `inclusive`), cursor-paginated. */
  private history(body: Record<string, unknown>): Record<string, unknown> {
    const found = this.messages
      .filter((m) => m.channel === body.channel && (m.threadTs === undefined || m.threadTs === m.ts))
      .filter(after(body))
      .reverse();
    return page(found, body);
  }

  /** The thread's parent (always first, as Slack answers) then its replies after `oldest`, oldest first. */
  private replies(body: Record<string, unknown>): Record<string, unknown> {
    const parent = this.messages.find((m) => m.channel === body.channel && m.ts === body.ts);
    if (!parent) return { ok: false, error: 'thread_not_found' };
    const replies = this.messages.filter((m) => m.channel === body.channel && m.threadTs === parent.ts).filter(after(body));
    return page([parent, ...replies], body);
  }

  private nextTs(): string {
    // Unique and increasing, like Slack's: seconds with six digits of microseconds.
    this.lastTsMicros = Math.max(this.clock.now() * 1000, this.lastTsMicros + 1);
    return `${Math.floor(this.lastTsMicros / 1_000_000)}.${String(this.lastTsMicros % 1_000_000).padStart(6, '0')}`;
  }
}

/** Starts a Slack fake on TEST_SLACK_API_URL; call `stop()` (or nock.cleanAll()) after the test. */
export function startSlackFake(options: SlackFakeOptions = {}): SlackFake {
  return new SlackFake(options);
}

function decodeForm(body: unknown): Record<string, unknown> {
  const raw = typeof body === 'string' ? parseQuery(body) : ((body ?? {}) as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    out[key] = JSON_FIELDS.has(key) && typeof value === 'string' ? JSON.parse(value) : value;
  }
  return out;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function hasBlocks(body: Record<string, unknown>): boolean {
  return Array.isArray(body.blocks) && body.blocks.length > 0;
}

function blocksOf(body: Record<string, unknown>): { blocks?: unknown[] } {
  return hasBlocks(body) ? { blocks: body.blocks as unknown[] } : {};
}

function after(body: Record<string, unknown>): (m: FakeMessage) => boolean {
  const oldest = typeof body.oldest === 'string' ? Number(body.oldest) : undefined;
  const inclusive = body.inclusive === 'true' || body.inclusive === '1';
  return (m) => oldest === undefined || (inclusive ? Number(m.ts) >= oldest : Number(m.ts) > oldest);
}

/** Slack's cursor pagination: `limit` (default 100) per page, `response_metadata.next_cursor` until the end. */
function page(messages: FakeMessage[], body: Record<string, unknown>): Record<string, unknown> {
  const limit = Math.min(Math.max(Number(body.limit ?? 100) || 100, 1), 999);
  const start =
    typeof body.cursor === 'string' && body.cursor !== ''
      ? Number(Buffer.from(body.cursor, 'base64').toString().replace('offset:', ''))
      : 0;
  const slice = messages.slice(start, start + limit);
  const more = start + limit < messages.length;
  const withMetadata = body.include_all_metadata === 'true' || body.include_all_metadata === '1';
  return {
    ok: true,
    messages: slice.map((m) => toSlack(m, withMetadata)),
    has_more: more,
    response_metadata: { next_cursor: more ? Buffer.from(`offset:${start + limit}`).toString('base64') : '' },
  };
}

function toSlack(m: FakeMessage, withMetadata: boolean): Record<string, unknown> {
  return {
    type: 'message',
    subtype: 'bot_message',
    ts: m.ts,
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    text: m.text,
    bot_id: m.botId,
    ...(m.blocks ? { blocks: m.blocks } : {}),
    ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
  };
}
