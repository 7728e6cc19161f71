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
  blocks?: unknown[];
  threadTs?: string;
  metadata?: MessageMetadata;
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
}

/** A reply through a `response_url` (slash commands, message buttons). */
export interface ResponseUrlMessage {
  text: string;
  blocks?: unknown[];
  responseType?: 'ephemeral' | 'in_channel';
  /** For message buttons: replace the message the button was on instead of adding one. */
  replaceOriginal?: boolean;
}

/**
 * The bot's view of Slack: the few Web API calls it makes. The WebClient adapter implements it;
 * every method throws a SlackBotError on failure, after honouring Retry-After on 429s.
 */
export interface SlackGateway {
  authTest(): Promise<BotIdentity>;
  postMessage(args: PostMessageArgs): Promise<PostedMessage>;
  /**
   * Finds a message posted with metadata (see PostMessageArgs.metadata); null when there is none.
   * Used before posting again after a call whose outcome is unknown (timeout, lost answer).
   */
  findPosted(args: FindPostedArgs): Promise<PostedMessage | null>;
  updateMessage(args: { channel: string; ts: string; text: string; blocks?: unknown[] }): Promise<void>;
  postEphemeral(args: { channel: string; user: string; text: string; blocks?: unknown[] }): Promise<void>;
  respond(responseUrl: string, message: ResponseUrlMessage): Promise<void>;
  createChannel(name: string): Promise<{ id: string; name: string }>;
  inviteToChannel(channel: string, users: string[]): Promise<void>;
  usergroupMembers(usergroupId: string): Promise<string[]>;
  openView(triggerId: string, view: unknown): Promise<void>;
  /** Replaces an open modal; `hash` makes Slack refuse it if the modal changed meanwhile. */
  updateView(viewId: string, hash: string, view: unknown): Promise<void>;
  /**
   * bots.info (scope users:read): the app a bot id belongs to. auth.test names the team and the
   * bot, not the app; interactions are accepted only with this app's `api_app_id`.
   */
  botInfo(botId: string): Promise<{ appId: string }>;
}
