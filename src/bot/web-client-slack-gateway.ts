import { type types, webApi } from '@slack/bolt';
import { systemClock, type Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import { rateLimited, SlackBotError, toSlackBotError } from './bot-errors.js';
import { boltLogger } from './bolt-logger.js';
import { MethodPauses } from './method-pauses.js';
import { postToResponseUrl } from './response-url-post.js';
import { boundText, refusedBlocks } from './plain-text-fallback.js';
import { isRecord, recordOf } from './untyped-fields.js';
import type {
  BotIdentity,
  BotInfo,
  FindPostedArgs,
  PostedMessage,
  PostMessageArgs,
  ResponseUrlMessage,
  SlackGateway,
  UploadFileArgs,
} from './slack-gateway.js';

/** Times one call is sent again after a 429 whose pause it waited out, before giving up. */
export const MAX_RATE_LIMIT_RETRIES = 3;
/** Longest rate-limit pause a call waits out; longer, it fails at once and the caller's queue retries later. */
export const MAX_RETRY_AFTER_MS = 60_000; // 1 minute
/** Whole-request deadline for one Web API call. */
export const SLACK_CALL_TIMEOUT_MS = 10_000; // 10 seconds
/** Network errors and 5xx retried by the client (exponential, from 500 ms) for idempotent calls only. */
export const SLACK_NETWORK_RETRIES = 2;
/**
 * How far before `sinceMs` findPosted reads: a message's ts is stamped by Slack's clock, not
 * ours, and reading a few more messages is cheaper than missing the post and sending it twice.
 */
export const FIND_POSTED_CLOCK_SKEW_MS = 5 * 60_000; // 5 minutes
/** Messages per conversations.history / conversations.replies page ("no more than 200" is Slack's advice). */
export const FIND_POSTED_PAGE_SIZE = 200;

/**
 * Calls that change something each time they are carried out: sent at most once per call here,
 * never retried by the client, because a timeout does not tell whether Slack carried them out.
 * (chat.update with the full content, reads and auth.test are safe to repeat.)
 */
export const NON_IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([
  'chat.postMessage',
  'chat.postEphemeral',
  'conversations.create',
  'conversations.invite',
  'views.open',
]);

export interface WebClientSlackGatewayOptions {
  token: string;
  /** SLACK_API_URL, ending in `/`: every Web API call goes there. */
  apiUrl: string;
  logger: Logger;
  /** Waits out a rate-limit pause; injected so tests do not sleep. */
  sleep?: (ms: number) => Promise<void>;
  /** Dates rate-limit pauses; the system clock when absent. */
  clock?: Clock;
  /** Network/5xx retries inside the Web API client for idempotent calls; tests set 0. */
  networkRetries?: number;
  timeoutMs?: number;
  /** Longest rate-limit pause a call waits out by default (MAX_RETRY_AFTER_MS). */
  maxRateLimitWaitMs?: number;
}

/**
 * The SlackGateway on @slack/web-api's WebClient.
 *
 * Retries: the client (p-retry around fetch with an AbortSignal.timeout per attempt) sends a
 * call again on a network error, a timeout or a non-200 answer; for chat.postMessage that Slack
 * carried out but answered late, that is a duplicate post. So non-idempotent calls go through a
 * second client with no retries, and a failure whose outcome is unknown is an ambiguous,
 * retryable SlackBotError for the caller to reconcile (findPosted) before sending again.
 *
 * Rate limits: the client's own handling is off (rejectRateLimitedCalls); a 429 pauses its method
 * for every caller of this gateway until Retry-After has passed (MethodPauses).
 */
export class WebClientSlackGateway implements SlackGateway {
  /** Idempotent calls: the client may retry them on network errors and 5xx. */
  readonly client: InstanceType<typeof webApi.WebClient>;
  /** Non-idempotent calls: sent once. */
  private readonly onceClient: InstanceType<typeof webApi.WebClient>;
  private readonly pauses: MethodPauses;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private readonly maxRateLimitWaitMs: number;
  /** Channel ids Slack answered for channels posted to by name (#incidents), for findPosted. */
  private readonly channelIds = new Map<string, string>();
  private identity: BotIdentity | null = null;

  constructor(options: WebClientSlackGatewayOptions) {
    this.logger = options.logger;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.timeoutMs = options.timeoutMs ?? SLACK_CALL_TIMEOUT_MS;
    this.maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? MAX_RETRY_AFTER_MS;
    this.pauses = new MethodPauses(options.clock ?? systemClock, this.sleep);
    const retries = options.networkRetries ?? SLACK_NETWORK_RETRIES;
    // The logger handed in already carries `component`; a second one would repeat the key in
    // every JSON line (pino does not merge child bindings).
    const clientLogger = boltLogger(options.logger.child({ slackClient: 'web-api' }));
    const common = { slackApiUrl: options.apiUrl, logger: clientLogger, rejectRateLimitedCalls: true, timeout: this.timeoutMs };
    this.client = new webApi.WebClient(options.token, {
      ...common,
      retryConfig: { retries, factor: 2, minTimeout: 500, maxTimeout: 4_000 },
    });
    this.onceClient = new webApi.WebClient(options.token, { ...common, retryConfig: { retries: 0 } });
  }

  /** Epoch ms until which `method` is paused after a 429 (for every caller); 0 when it is not. */
  pausedUntil(method: string): number {
    return this.pauses.pausedUntil(method);
  }

  async authTest(): Promise<BotIdentity> {
    const result = await this.call('auth.test', {});
    const userId = stringField(result, 'user_id');
    if (!userId) throw toSlackBotError('auth.test', new Error('auth.test answered without user_id'));
    const botId = stringField(result, 'bot_id');
    const teamId = stringField(result, 'team_id');
    const appId = stringField(result, 'app_id');
    this.identity = { userId, ...(botId ? { botId } : {}), ...(teamId ? { teamId } : {}), ...(appId ? { appId } : {}) };
    return this.identity;
  }

  async botInfo(botId: string): Promise<BotInfo> {
    // bots.info: `bot` with `id`, `app_id`, `user_id`, `name`, `deleted` (scope users:read).
    const result = await this.call('bots.info', { bot: botId });
    const bot = recordOf(result.bot) ?? {};
    const appId = typeof bot.app_id === 'string' ? bot.app_id : undefined;
    if (!appId) throw toSlackBotError('bots.info', new Error('bots.info answered without bot.app_id'));
    return { botId, appId, ...(typeof bot.user_id === 'string' ? { userId: bot.user_id } : {}) };
  }

  async postMessage(args: PostMessageArgs): Promise<PostedMessage> {
    const send = async (text: string, blocks: types.KnownBlock[] | undefined): Promise<PostedMessage> => {
      const result = await this.call(
        'chat.postMessage',
        {
          channel: args.channel,
          text,
          ...(blocks ? { blocks } : {}),
          ...(args.threadTs ? { thread_ts: args.threadTs } : {}),
          ...(args.metadata ? { metadata: { event_type: args.metadata.eventType, event_payload: args.metadata.payload } } : {}),
          // Incident text names hosts and URLs; unfurling them would bury the message.
          unfurl_links: false,
          unfurl_media: false,
        },
        args.maxRateLimitWaitMs,
      );
      const channel = stringField(result, 'channel');
      const ts = stringField(result, 'ts');
      // Posted, but where is unknown: as ambiguous as a lost answer.
      if (!channel || !ts)
        throw toSlackBotError('chat.postMessage', new Error('chat.postMessage answered without channel or ts'), { nonIdempotent: true });
      if (channel !== args.channel) this.channelIds.set(args.channel, channel);
      return { channel, ts };
    };
    return this.withPlainTextFallback('chat.postMessage', args, send);
  }

  async findPosted(args: FindPostedArgs): Promise<PostedMessage | null> {
    const channel = this.channelId(args.channel);
    const oldest = (Math.max(0, args.sinceMs - FIND_POSTED_CLOCK_SKEW_MS) / 1000).toFixed(6);
    // Messages of another app (or another Lifeboat) may carry the same key; ours carry our bot_id.
    const botId = this.identity?.botId;
    let cursor: string | undefined;
    do {
      const page = {
        channel,
        oldest,
        // Without it Slack may leave `metadata` out of the messages (conversations.history reference).
        include_all_metadata: true,
        limit: FIND_POSTED_PAGE_SIZE,
        ...(cursor ? { cursor } : {}),
      };
      // A thread reply is only in conversations.replies; history lists top-level messages.
      const result = args.threadTs
        ? await this.call('conversations.replies', { ...page, ts: args.threadTs })
        : await this.call('conversations.history', page);
      const messages = result.messages;
      for (const message of Array.isArray(messages) ? messages : []) {
        const m = message as {
          ts?: unknown;
          bot_id?: unknown;
          metadata?: { event_type?: unknown; event_payload?: Record<string, unknown> };
        };
        if (typeof m.ts !== 'string') continue;
        // conversations.replies answers the thread's parent first on every page: never the reply looked for.
        if (args.threadTs && m.ts === args.threadTs) continue;
        if (botId && typeof m.bot_id === 'string' && m.bot_id !== botId) continue;
        if (args.eventType !== undefined && m.metadata?.event_type !== args.eventType) continue;
        const found = m.metadata?.event_payload?.[args.key];
        if (found !== undefined && String(found) === args.value) return { channel, ts: m.ts };
      }
      const next = recordOf(result.response_metadata)?.next_cursor;
      cursor = typeof next === 'string' && next !== '' ? next : undefined;
    } while (cursor);
    return null;
  }

  async updateMessage(args: { channel: string; ts: string; text: string; blocks?: types.KnownBlock[] }): Promise<void> {
    await this.withPlainTextFallback('chat.update', args, async (text, blocks, fallback) => {
      // chat.update keeps the message's previous blocks unless `blocks` is sent: the plain-text
      // version sends an empty array so the refused (or stale) blocks do not stay.
      const sentBlocks = fallback ? [] : blocks;
      await this.call('chat.update', { channel: args.channel, ts: args.ts, text, ...(sentBlocks ? { blocks: sentBlocks } : {}) });
    });
  }

  async postEphemeral(args: { channel: string; user: string; text: string; blocks?: types.KnownBlock[] }): Promise<void> {
    await this.withPlainTextFallback('chat.postEphemeral', args, async (text, blocks) => {
      await this.call('chat.postEphemeral', { channel: args.channel, user: args.user, text, ...(blocks ? { blocks } : {}) });
    });
  }

  async createChannel(name: string): Promise<{ id: string; name: string }> {
    const result = await this.call('conversations.create', { name, is_private: false });
    const channel = recordOf(result.channel);
    if (typeof channel?.id !== 'string')
      throw toSlackBotError('conversations.create', new Error('answered without channel.id'), { nonIdempotent: true });
    return { id: channel.id, name: typeof channel.name === 'string' ? channel.name : name };
  }

  async inviteToChannel(channel: string, users: string[]): Promise<void> {
    if (users.length === 0) return;
    // Up to 1000 users per call; force: invite the valid ones even if one id is refused.
    for (let i = 0; i < users.length; i += 1000) {
      await this.call('conversations.invite', { channel, users: users.slice(i, i + 1000).join(','), force: true });
    }
  }

  async usergroupMembers(usergroupId: string): Promise<string[]> {
    const result = await this.call('usergroups.users.list', { usergroup: usergroupId });
    const users = result.users;
    return Array.isArray(users) ? users.filter((u): u is string => typeof u === 'string') : [];
  }

  async uploadFile(args: UploadFileArgs): Promise<void> {
    // files.uploadV2 is the client's helper over files.getUploadURLExternal, a POST of the bytes
    // to the upload_url Slack answers, and files.completeUploadExternal (which shares the file):
    // sent on the client without retries, as a share is a post.
    const method = 'files.completeUploadExternal';
    await this.pauses.waitTurn(method, this.maxRateLimitWaitMs);
    try {
      const file = {
        filename: args.filename,
        title: args.title,
        content: args.content,
        ...(args.initialComment ? { initial_comment: args.initialComment } : {}),
      };
      await this.onceClient.filesUploadV2(
        args.threadTs ? { ...file, channel_id: args.channel, thread_ts: args.threadTs } : { ...file, channel_id: args.channel },
      );
    } catch (err) {
      throw toSlackBotError('files.uploadV2', err, { nonIdempotent: true });
    }
  }

  async archiveChannel(channel: string): Promise<void> {
    await this.call('conversations.archive', { channel });
  }

  async openView(triggerId: string, view: types.ModalView): Promise<void> {
    await this.call('views.open', { trigger_id: triggerId, view });
  }

  async updateView(viewId: string, hash: string, view: types.ModalView): Promise<void> {
    await this.call('views.update', { view_id: viewId, hash, view });
  }

  async respond(responseUrl: string, message: ResponseUrlMessage): Promise<void> {
    await this.withPlainTextFallback('response_url', message, async (text, blocks) => {
      await postToResponseUrl(
        responseUrl,
        JSON.stringify({
          text,
          ...(blocks ? { blocks } : {}),
          response_type: message.responseType ?? 'ephemeral',
          ...(message.replaceOriginal !== undefined ? { replace_original: message.replaceOriginal } : {}),
        }),
        {
          timeoutMs: this.timeoutMs,
          maxRateLimitRetries: MAX_RATE_LIMIT_RETRIES,
          waitRetryAfter: (header) => this.waitRetryAfter('response_url', header),
        },
      );
    });
  }

  /**
   * Sends a message; when Slack refuses its blocks (invalid_blocks, msg_too_long…), logs what
   * Slack said about them and sends it once more as plain text, bounded to Slack's text limit.
   * Slack refused the first one, so nothing was posted twice.
   */
  private async withPlainTextFallback<T>(
    method: string,
    message: { text: string; blocks?: types.KnownBlock[] | undefined },
    send: (text: string, blocks: types.KnownBlock[] | undefined, fallback: boolean) => Promise<T>,
  ): Promise<T> {
    try {
      return await send(message.text, message.blocks, false);
    } catch (err) {
      if (!refusedBlocks(err, message)) throw err;
      this.logger.error(
        { method, slackError: err.details.slackError, slackMessages: err.details.slackMessages ?? [], blocks: message.blocks?.length ?? 0 },
        `Slack refused the message of ${method} (${err.details.slackError ?? 'refused'}): sending it again as plain text; fix the block Slack names`,
      );
      try {
        return await send(boundText(message.text), undefined, true);
      } catch (second) {
        if (!(second instanceof SlackBotError) || second.details.slackError === undefined || second.retryable) throw second;
        throw new SlackBotError(
          second.code,
          `Slack refused ${method} even as plain text: ${second.details.slackError}`,
          {
            ...second.details,
            retryable: false,
            hint: `Slack refused both the blocks (${err.details.slackError ?? ''}) and the plain text (${second.details.slackError}) of ${method}; the message was not posted`,
          },
          { cause: second },
        );
      }
    }
  }

  /** One Web API call, after any rate-limit pause of its method; a 429 pauses the method for everybody. */
  private async call(method: string, args: Record<string, unknown>, maxWaitMs = this.maxRateLimitWaitMs): Promise<Record<string, unknown>> {
    const nonIdempotent = NON_IDEMPOTENT_METHODS.has(method);
    const client = nonIdempotent ? this.onceClient : this.client;
    for (let attempt = 0; ; attempt++) {
      await this.pauses.waitTurn(method, maxWaitMs);
      try {
        // The result's fields depend on the method: callers read and check them one by one.
        const result = await client.apiCall(method, args);
        return isRecord(result) ? result : {};
      } catch (err) {
        if (!(err instanceof webApi.WebAPIRateLimitedError)) throw toSlackBotError(method, err, { nonIdempotent });
        const until = this.pauses.pause(method, err.retryAfter);
        this.logger.warn(
          { method, retryAfterSeconds: err.retryAfter, pausedUntil: new Date(until).toISOString() },
          `Slack rate-limited ${method}; pausing it for every caller`,
        );
        // A 429 means Slack did not carry the call out: sending it again after the pause is safe.
        if (attempt >= MAX_RATE_LIMIT_RETRIES) throw rateLimited(method, err.retryAfter, err);
      }
    }
  }

  /** A posted-by-name channel's id (findPosted reads history, which wants the id). */
  private channelId(channel: string): string {
    const known = this.channelIds.get(channel);
    if (known) return known;
    // Ids are upper-case letters and digits (C…, G…, D…); names are lower-case, with or without '#'.
    if (/^[A-Z0-9]+$/.test(channel)) return channel;
    throw new SlackBotError('LIFEBOAT_SLACK_CHANNEL', `cannot read the history of ${channel}: Slack needs a channel id`, {
      method: 'conversations.history',
      retryable: false,
      hint: 'set slack.channel to the channel id (C…, in the channel details) rather than its name',
    });
  }

  private async waitRetryAfter(method: string, header: string | null): Promise<void> {
    const seconds = Number.parseInt(header ?? '', 10);
    // A 429 without a usable Retry-After: wait one second rather than hammer.
    const waitMs = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000;
    if (waitMs > this.maxRateLimitWaitMs) throw rateLimited(method, waitMs / 1000);
    this.logger.warn({ method, retryAfterMs: waitMs }, `Slack rate-limited ${method}; retrying after ${waitMs} ms`);
    await this.sleep(waitMs);
  }
}

function stringField(result: Record<string, unknown>, key: string): string | undefined {
  const value = result[key];
  return typeof value === 'string' ? value : undefined;
}
