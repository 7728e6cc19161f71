import { webApi } from '@slack/bolt';
import type { Logger } from '../observability/logger.js';
import { rateLimited, SlackBotError, toSlackBotError } from './bot-errors.js';
import { boltLogger } from './bolt-logger.js';
import type { BotIdentity, FindPostedArgs, PostedMessage, PostMessageArgs, ResponseUrlMessage, SlackGateway } from './slack-gateway.js';

/** 429s retried per call before giving up. */
export const MAX_RATE_LIMIT_RETRIES = 3;
/** Longest Retry-After we wait out inside one call; longer, and the caller's queue retries later. */
export const MAX_RETRY_AFTER_MS = 60_000; // 1 minute
/** Whole-request deadline for one Web API call. */
export const SLACK_CALL_TIMEOUT_MS = 10_000; // 10 seconds
/** Network errors and 5xx retried by the client (exponential, from 500 ms) before we see them. */
export const SLACK_NETWORK_RETRIES = 2;

export interface WebClientSlackGatewayOptions {
  token: string;
  /** SLACK_API_URL, ending in `/`: every Web API call goes there. */
  apiUrl: string;
  logger: Logger;
  /** Waits out a Retry-After; injected so tests do not sleep. */
  sleep?: (ms: number) => Promise<void>;
  /** Network/5xx retries inside the Web API client; tests set 0. */
  networkRetries?: number;
  timeoutMs?: number;
}

/**
 * The SlackGateway on @slack/web-api's WebClient. The client's own rate-limit handling is
 * turned off (rejectRateLimitedCalls) because it pauses every call on the client and then
 * relies on its generic retry budget; here each call waits out its own Retry-After (Slack:
 * "wait the number of seconds in Retry-After before retrying") a bounded number of times.
 */
export class WebClientSlackGateway implements SlackGateway {
  readonly client: InstanceType<typeof webApi.WebClient>;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly logger: Logger;
  private readonly timeoutMs: number;

  constructor(options: WebClientSlackGatewayOptions) {
    this.logger = options.logger;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.timeoutMs = options.timeoutMs ?? SLACK_CALL_TIMEOUT_MS;
    const retries = options.networkRetries ?? SLACK_NETWORK_RETRIES;
    this.client = new webApi.WebClient(options.token, {
      slackApiUrl: options.apiUrl,
      logger: boltLogger(options.logger.child({ component: 'slack-web-api' })),
      rejectRateLimitedCalls: true,
      retryConfig: { retries, factor: 2, minTimeout: 500, maxTimeout: 4_000 },
      timeout: this.timeoutMs,
    });
  }

  async authTest(): Promise<BotIdentity> {
    const result = await this.call('auth.test', {});
    const userId = stringField(result, 'user_id');
    if (!userId) throw toSlackBotError('auth.test', new Error('auth.test answered without user_id'));
    const botId = stringField(result, 'bot_id');
    const teamId = stringField(result, 'team_id');
    return { userId, ...(botId ? { botId } : {}), ...(teamId ? { teamId } : {}) };
  }

  async postMessage(args: PostMessageArgs): Promise<PostedMessage> {
    const result = await this.call('chat.postMessage', {
      channel: args.channel,
      text: args.text,
      blocks: args.blocks,
      thread_ts: args.threadTs,
      ...(args.metadata ? { metadata: { event_type: args.metadata.eventType, event_payload: args.metadata.payload } } : {}),
      // Incident text names hosts and URLs; unfurling them would bury the message.
      unfurl_links: false,
      unfurl_media: false,
    });
    const channel = stringField(result, 'channel');
    const ts = stringField(result, 'ts');
    if (!channel || !ts) throw toSlackBotError('chat.postMessage', new Error('chat.postMessage answered without channel or ts'));
    return { channel, ts };
  }

  async findPosted(args: FindPostedArgs): Promise<PostedMessage | null> {
    const method = args.threadTs ? 'conversations.replies' : 'conversations.history';
    const oldest = (args.sinceMs / 1000).toFixed(6);
    let cursor: string | undefined;
    do {
      const result = await this.call(method, {
        channel: args.channel,
        ...(args.threadTs ? { ts: args.threadTs } : {}),
        oldest,
        include_all_metadata: true,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      const messages = (result as { messages?: unknown }).messages;
      for (const message of Array.isArray(messages) ? messages : []) {
        const m = message as { ts?: unknown; metadata?: { event_payload?: Record<string, unknown> } };
        if (typeof m.ts === 'string' && m.metadata?.event_payload?.[args.key] === args.value) return { channel: args.channel, ts: m.ts };
      }
      const next = (result as { response_metadata?: { next_cursor?: unknown } }).response_metadata?.next_cursor;
      cursor = typeof next === 'string' && next !== '' ? next : undefined;
    } while (cursor);
    return null;
  }

  async updateMessage(args: { channel: string; ts: string; text: string; blocks?: unknown[] }): Promise<void> {
    await this.call('chat.update', { channel: args.channel, ts: args.ts, text: args.text, blocks: args.blocks });
  }

  async postEphemeral(args: { channel: string; user: string; text: string; blocks?: unknown[] }): Promise<void> {
    await this.call('chat.postEphemeral', { channel: args.channel, user: args.user, text: args.text, blocks: args.blocks });
  }

  async createChannel(name: string): Promise<{ id: string; name: string }> {
    const result = await this.call('conversations.create', { name, is_private: false });
    const channel = (result as { channel?: { id?: unknown; name?: unknown } }).channel;
    if (typeof channel?.id !== 'string') throw toSlackBotError('conversations.create', new Error('answered without channel.id'));
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
    const users = (result as { users?: unknown }).users;
    return Array.isArray(users) ? users.filter((u): u is string => typeof u === 'string') : [];
  }

  async openView(triggerId: string, view: unknown): Promise<void> {
    await this.call('views.open', { trigger_id: triggerId, view });
  }

  async updateView(viewId: string, hash: string, view: unknown): Promise<void> {
    await this.call('views.update', { view_id: viewId, hash, view });
  }

  async respond(responseUrl: string, message: ResponseUrlMessage): Promise<void> {
    const body = JSON.stringify({
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
      response_type: message.responseType ?? 'ephemeral',
      ...(message.replaceOriginal !== undefined ? { replace_original: message.replaceOriginal } : {}),
    });
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(responseUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (err) {
        throw responseUrlError(`could not reach the response_url: ${err instanceof Error ? err.message : String(err)}`, true, err);
      }
      const text = await response.text().catch(() => '');
      if (response.status === 429 && attempt < MAX_RATE_LIMIT_RETRIES) {
        await this.waitRetryAfter('response_url', response.headers.get('retry-after'));
        continue;
      }
      if (response.ok) return;
      // Slack answers an expired or over-used response_url with 404 and a short reason.
      throw responseUrlError(`response_url answered HTTP ${response.status} ${text.slice(0, 100)}`, response.status >= 500, undefined);
    }
  }

  private async call(method: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.client.apiCall(method, args)) as unknown as Record<string, unknown>;
      } catch (err) {
        if (err instanceof webApi.WebAPIRateLimitedError && attempt < MAX_RATE_LIMIT_RETRIES) {
          await this.waitRetryAfter(method, String(err.retryAfter));
          continue;
        }
        throw toSlackBotError(method, err);
      }
    }
  }

  private async waitRetryAfter(method: string, header: string | null): Promise<void> {
    const seconds = Number.parseInt(header ?? '', 10);
    // A 429 without a usable Retry-After: wait one second rather than hammer.
    const waitMs = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000;
    if (waitMs > MAX_RETRY_AFTER_MS) throw rateLimited(method, waitMs / 1000);
    this.logger.warn({ method, retryAfterMs: waitMs }, `Slack rate-limited ${method}; retrying after ${waitMs} ms`);
    await this.sleep(waitMs);
  }

  async botInfo(botId: string): Promise<{ appId: string }> {
    const result = await this.call('bots.info', { bot: botId });
    const bot = result.bot as Record<string, unknown> | undefined;
    const appId = bot && typeof bot === 'object' ? stringField(bot, 'app_id') : undefined;
    if (!appId) throw toSlackBotError('bots.info', new Error('bots.info answered without bot.app_id'));
    return { appId };
  }
}

function stringField(result: Record<string, unknown>, key: string): string | undefined {
  const value = result[key];
  return typeof value === 'string' ? value : undefined;
}

function responseUrlError(message: string, retryable: boolean, cause: unknown): SlackBotError {
  return new SlackBotError('LIFEBOAT_SLACK_RESPONSE_URL', message, {
    method: 'response_url',
    retryable,
    hint: 'a response_url works 5 times within 30 minutes of the command; later answers need chat.postEphemeral',
  }, cause === undefined ? {} : { cause });
}
