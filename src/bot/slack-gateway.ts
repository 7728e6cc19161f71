import type { types } from '@slack/bolt';

/** Where a posted message lives: chat.update and thread replies need both. */
export interface PostedMessage {
  /** Channel id (C…), as Slack returned it even when posted by name. */
  channel: string;
  ts: string;
}

/** What auth.test says about our token. */
export interface BotIdentity {
  userId: string;
  botId?: string;
  teamId?: string;
  /** The app's id (A…), when auth.test names it; bots.info always does (SlackGateway.botInfo). */
  appId?: string;
}

/** What bots.info says about a bot: the app it belongs to (`api_app_id` of its interactions). */
export interface BotInfo {
  botId: string;
  appId: string;
  userId?: string;
}

/**
 * Message metadata Lifeboat attaches to what it posts (Slack's `metadata` argument of
 * chat.postMessage: `event_type` plus a flat `event_payload`), so a post whose answer was lost can
 * be found again with conversations.history / conversations.replies instead of being posted twice.
 */
export interface MessageMetadata {
  eventType: string;
  payload: Record<string, string>;
}

/** Arguments of chat.postMessage as the bot uses it. */
export interface PostMessageArgs {
  channel: string;
  text: string;
  blocks?: types.KnownBlock[];
  threadTs?: string;
  metadata?: MessageMetadata;
  /**
   * Longest rate-limit pause of chat.postMessage this call waits out (default: the gateway's,
   * 1 minute); when the pause lasts longer it fails at once with a retryable rateLimited error
   * carrying retryAfterSeconds, so a queue can reschedule instead of holding a slot. 0: never wait.
   */
  maxRateLimitWaitMs?: number;
}

/** Looks for a message this bot posted with `metadata.payload[key] === value`. */
export interface FindPostedArgs {
  channel: string;
  /** Look among this thread's replies (conversations.replies) instead of the channel's history. */
  threadTs?: string;
  key: string;
  value: string;
  /** Epoch ms: nothing older is read (the post cannot predate its outbox entry). */
  sinceMs: number;
  /** Only messages whose metadata has this `event_type` (MessageMetadata.eventType). */
  eventType?: string;
}

/** A reply through a `response_url` (slash commands, message buttons). */
export interface ResponseUrlMessage {
  text: string;
  blocks?: types.KnownBlock[];
  responseType?: 'ephemeral' | 'in_channel';
  /** For message buttons: replace the message the button was on instead of adding one. */
  replaceOriginal?: boolean;
}

/**
 * The bot's view of Slack: the few Web API calls it makes. The WebClient adapter implements it;
 * every method throws a SlackBotError on failure, after honouring Retry-After on 429s (a paused
 * method waits, bounded, for every caller). Non-idempotent calls (chat.postMessage…) are sent at
 * most once per call: a failure that may have been carried out is `details.ambiguous`. A message
 * whose blocks Slack refuses (invalid_blocks, msg_too_long…) is sent once more as plain text.
 */
export interface SlackGateway {
  authTest(): Promise<BotIdentity>;
  postMessage(args: PostMessageArgs): Promise<PostedMessage>;
  /**
   * Finds a message posted with metadata (see PostMessageArgs.metadata); null when there is none.
   * Used before posting again after a call whose outcome is unknown (timeout, lost answer).
   */
  findPosted(args: FindPostedArgs): Promise<PostedMessage | null>;
  updateMessage(args: { channel: string; ts: string; text: string; blocks?: types.KnownBlock[] }): Promise<void>;
  postEphemeral(args: { channel: string; user: string; text: string; blocks?: types.KnownBlock[] }): Promise<void>;
  respond(responseUrl: string, message: ResponseUrlMessage): Promise<void>;
  createChannel(name: string): Promise<{ id: string; name: string }>;
  inviteToChannel(channel: string, users: string[]): Promise<void>;
  usergroupMembers(usergroupId: string): Promise<string[]>;
  openView(triggerId: string, view: types.ModalView): Promise<void>;
  /** Replaces an open modal; `hash` makes Slack refuse it if the modal changed meanwhile. */
  updateView(viewId: string, hash: string, view: types.ModalView): Promise<void>;
  /**
   * Epoch ms until which `method` (e.g. 'chat.postMessage') is paused after Slack answered it
   * 429, for every caller of this gateway; 0 when it is not paused. A queue can wait until then.
   */
  pausedUntil?(method: string): number;
  /**
   * bots.info (scope users:read): the app a bot id belongs to. auth.test names the team and the
   * bot, not the app; interactions are accepted only with this app's `api_app_id`.
   */
  botInfo(botId: string): Promise<BotInfo>;
  /**
   * files.uploadV2 (scope files:write): files.getUploadURLExternal, the bytes to the URL it gives,
   * then files.completeUploadExternal sharing the file in `channel` (in a thread with `threadTs`).
   * Sent once: a failure whose outcome is unknown is ambiguous, as for chat.postMessage.
   */
  uploadFile?(args: UploadFileArgs): Promise<void>;
  /** conversations.archive (scope channels:manage); `already_archived` fails like any Slack error. */
  archiveChannel?(channel: string): Promise<void>;
}

/** A text file shared in a channel or thread. */
export interface UploadFileArgs {
  channel: string;
  threadTs?: string;
  filename: string;
  title: string;
  content: string;
  /** The message the file is shared with. */
  initialComment?: string;
}
