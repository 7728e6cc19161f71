import { webApi } from '@slack/bolt';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import type { SlackLinkLookup } from '../paging/delivery-worker.js';
import { SlackBotError, toSlackBotError } from './bot-errors.js';
import { boltLogger } from './bolt-logger.js';
import type { IncidentMessageRef } from './incident-message-refs.js';
import { recordOf } from './untyped-fields.js';

/** Longest a page waits for Slack to name a message's permalink; then it goes with a channel link. */
export const PERMALINK_TIMEOUT_MS = 2_000; // 2 seconds
/**
 * Longest a page waits for the incident's message to be posted. A new incident is paged and
 * posted at the same moment; waiting a little puts the link in the page that wakes someone up.
 */
export const MESSAGE_WAIT_MS = 1_500; // 1.5 seconds
/** How often the store is asked whether the message exists while waiting. */
export const MESSAGE_POLL_MS = 100; // 100 ms
/** After Slack failed to answer (or a message never appeared), pages stop waiting on it this long. */
export const SLACK_TROUBLE_BACKOFF_MS = 60_000; // 1 minute
/** Permalinks remembered (they never change for a message). */
export const PERMALINK_CACHE_SIZE = 1_000;

/** Turns a message into a link that opens it. */
export interface PermalinkSource {
  /** The message's permalink; throws when Slack cannot say. */
  permalink(channel: string, ts: string): Promise<string>;
}

export interface WebApiPermalinksOptions {
  token: string;
  /** SLACK_API_URL. */
  apiUrl: string;
  logger: Logger;
  timeoutMs?: number;
}

/**
 * chat.getPermalink on its own Web API client: "Retrieve a permalink URL for a specific extant
 * message", arguments `channel` and `message_ts`, answer `{ ok, channel, permalink }`; no scope
 * needed (Slack method reference). Its own client because a page must not wait behind the
 * bot's retries: no network retries, and rate limits are not waited out (the link is optional).
 */
export class WebApiPermalinks implements PermalinkSource {
  private readonly client: InstanceType<typeof webApi.WebClient>;

  constructor(options: WebApiPermalinksOptions) {
    this.client = new webApi.WebClient(options.token, {
      slackApiUrl: options.apiUrl,
      logger: boltLogger(options.logger.child({ slackClient: 'permalinks' })),
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      timeout: options.timeoutMs ?? PERMALINK_TIMEOUT_MS,
    });
  }

  async permalink(channel: string, ts: string): Promise<string> {
    let result: Record<string, unknown> | undefined;
    try {
      result = recordOf(await this.client.apiCall('chat.getPermalink', { channel, message_ts: ts }));
    } catch (err) {
      throw toSlackBotError('chat.getPermalink', err);
    }
    const permalink = result?.permalink;
    if (typeof permalink !== 'string' || !permalink.startsWith('https://')) {
      throw toSlackBotError('chat.getPermalink', new Error('chat.getPermalink answered without an https permalink'));
    }
    return permalink;
  }
}

export interface IncidentLinksOptions {
  /** Where an incident's message lives: the notifier's `messageRef`. */
  messageRef: (incidentId: string) => Promise<IncidentMessageRef | null>;
  /** Absent: every link is the channel link. */
  permalinks?: PermalinkSource;
  /** SLACK_API_URL; the channel link (`app_redirect`) is served next to it. */
  slackApiUrl: string;
  clock: Clock;
  logger: Logger;
  permalinkTimeoutMs?: number;
  messageWaitMs?: number;
  messagePollMs?: number;
  backoffMs?: number;
  cacheSize?: number;
  /** Waits between polls; tests inject one that moves their clock. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Links from a PagerDuty page to the incident's Slack message: the message's permalink when
 * Slack names it in time (remembered per message), else a link that opens its channel.
 * `slackLinkFor` never throws and bounds its wait, because the page matters more than the link.
 */
export class IncidentLinks {
  private readonly cache = new Map<string, string>();
  /** Epoch ms until which chat.getPermalink is not asked (it failed or timed out). */
  private permalinkQuietUntil = 0;
  /** Epoch ms until which pages do not wait for a missing message. */
  private waitQuietUntil = 0;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: IncidentLinksOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()));
  }

  /** For `createPager({ slackLinkFor })`: the pager calls it when it sends a trigger. */
  readonly slackLinkFor: SlackLinkLookup = async (incidentId: string): Promise<string | undefined> => {
    let ref: IncidentMessageRef | null;
    try {
      ref = await this.findMessage(incidentId);
    } catch (err) {
      this.options.logger.warn({ err, incidentId }, `could not look up the Slack message of ${incidentId}; paging without a link to it`);
      return undefined;
    }
    if (!ref) return undefined;
    const key = `${ref.channel}:${ref.ts}`;
    const known = this.cache.get(key);
    if (known) return known;
    const permalink = await this.askPermalink(incidentId, ref);
    if (!permalink) return appRedirectUrl(this.options.slackApiUrl, ref.channel);
    this.remember(key, permalink);
    return permalink;
  };

  private async findMessage(incidentId: string): Promise<IncidentMessageRef | null> {
    const { clock } = this.options;
    let ref = await this.options.messageRef(incidentId);
    if (ref || clock.now() < this.waitQuietUntil) return ref;
    const deadline = clock.now() + (this.options.messageWaitMs ?? MESSAGE_WAIT_MS);
    while (!ref && clock.now() < deadline) {
      await this.sleep(this.options.messagePollMs ?? MESSAGE_POLL_MS);
      ref = await this.options.messageRef(incidentId);
    }
    if (!ref) {
      // Slack is slow or down: later pages do not wait for messages that are not coming.
      this.waitQuietUntil = clock.now() + (this.options.backoffMs ?? SLACK_TROUBLE_BACKOFF_MS);
      this.options.logger.warn({ incidentId }, `the Slack message of ${incidentId} was not posted in time; paging without a link to it`);
    }
    return ref;
  }

  private async askPermalink(incidentId: string, ref: IncidentMessageRef): Promise<string | null> {
    const { permalinks, clock } = this.options;
    if (!permalinks || clock.now() < this.permalinkQuietUntil) return null;
    const timeoutMs = this.options.permalinkTimeoutMs ?? PERMALINK_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`chat.getPermalink did not answer within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([permalinks.permalink(ref.channel, ref.ts), timeout]);
    } catch (err) {
      // A refusal about this one message (deleted, channel gone) says nothing about Slack.
      const aboutMessage = err instanceof SlackBotError && !err.retryable && err.code !== 'LIFEBOAT_SLACK_AUTH';
      if (!aboutMessage) this.permalinkQuietUntil = clock.now() + (this.options.backoffMs ?? SLACK_TROUBLE_BACKOFF_MS);
      this.options.logger.warn(
        { err, incidentId, channel: ref.channel, ts: ref.ts },
        `could not get the permalink of ${incidentId}'s Slack message; the page links to its channel instead`,
      );
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  private remember(key: string, permalink: string): void {
    this.cache.set(key, permalink);
    // Oldest first out: a Map iterates in insertion order.
    if (this.cache.size > (this.options.cacheSize ?? PERMALINK_CACHE_SIZE)) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}

/**
 * `…/app_redirect?channel=C…`, next to SLACK_API_URL (`https://slack.com/api/` gives
 * `https://slack.com/app_redirect`): Slack's deep link that "sends users to a specific channel or
 * conversation" by id. It opens the channel, not the message (it takes no message argument).
 */
export function appRedirectUrl(slackApiUrl: string, channel: string): string {
  const url = new URL('../app_redirect', slackApiUrl.endsWith('/') ? slackApiUrl : `${slackApiUrl}/`);
  url.search = new URLSearchParams({ channel }).toString();
  return url.toString();
}
