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
  postMessage(args: { channel: string; text: string; blocks?: unknown[]; threadTs?: string }): Promise<PostedMessage>;
  updateMessage(args: { channel: string; ts: string; text: string; blocks?: unknown[] }): Promise<void>;
  postEphemeral(args: { channel: string; user: string; text: string; blocks?: unknown[] }): Promise<void>;
  respond(responseUrl: string, message: ResponseUrlMessage): Promise<void>;
  createChannel(name: string): Promise<{ id: string; name: string }>;
  inviteToChannel(channel: string, users: string[]): Promise<void>;
  usergroupMembers(usergroupId: string): Promise<string[]>;
  openView(triggerId: string, view: unknown): Promise<void>;
  /** Replaces an open modal; `hash` makes Slack refuse it if the modal changed meanwhile. */
  updateView(viewId: string, hash: string, view: unknown): Promise<void>;
}
