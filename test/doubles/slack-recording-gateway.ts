import type {
  BotIdentity,
  BotInfo,
  FindPostedArgs,
  PostedMessage,
  PostMessageArgs,
  ResponseUrlMessage,
  SlackGateway,
} from '../../src/bot/slack-gateway.js';

/** One call made through the gateway. */
export interface GatewayCall {
  method: string;
  args: Record<string, unknown>;
}

/**
 * A SlackGateway that records calls and answers like Slack, for unit tests of code that uses the
 * port. `hold()` makes every call wait until `release()`, to show callers do not wait on Slack.
 */
export class RecordingSlackGateway implements SlackGateway {
  readonly calls: GatewayCall[] = [];
  private held: Array<() => void> | null = null;
  private ts = 0;

  hold(): void {
    this.held = [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = null;
    for (const go of waiting) go();
  }

  methods(): string[] {
    return this.calls.map((c) => c.method);
  }

  private async record(method: string, args: Record<string, unknown>): Promise<void> {
    this.calls.push({ method, args });
    if (this.held) await new Promise<void>((resolve) => this.held?.push(resolve));
  }

  async authTest(): Promise<BotIdentity> {
    await this.record('auth.test', {});
    return { userId: 'UBOT', botId: 'BBOT', teamId: 'T1' };
  }
  async postMessage(args: PostMessageArgs): Promise<PostedMessage> {
    await this.record('chat.postMessage', { ...args });
    this.ts += 1;
    return { channel: args.channel.startsWith('C') ? args.channel : 'C0RESOLVED', ts: `1000.${String(this.ts).padStart(6, '0')}` };
  }
  async findPosted(args: FindPostedArgs): Promise<PostedMessage | null> {
    await this.record('conversations.history', { ...args });
    return null;
  }
  async updateMessage(args: { channel: string; ts: string; text: string; blocks?: unknown[] }): Promise<void> {
    await this.record('chat.update', args);
  }
  async postEphemeral(args: { channel: string; user: string; text: string; blocks?: unknown[] }): Promise<void> {
    await this.record('chat.postEphemeral', args);
  }
  async respond(responseUrl: string, message: ResponseUrlMessage): Promise<void> {
    await this.record('response_url', { responseUrl, ...message });
  }
  async createChannel(name: string): Promise<{ id: string; name: string }> {
    await this.record('conversations.create', { name });
    return { id: 'CINC1', name };
  }
  async inviteToChannel(channel: string, users: string[]): Promise<void> {
    await this.record('conversations.invite', { channel, users });
  }
  async usergroupMembers(usergroupId: string): Promise<string[]> {
    await this.record('usergroups.users.list', { usergroupId });
    return [];
  }
  async openView(triggerId: string, view: unknown): Promise<void> {
    await this.record('views.open', { triggerId, view });
  }
  async updateView(viewId: string, hash: string, view: unknown): Promise<void> {
    await this.record('views.update', { viewId, hash, view });
  }
  async botInfo(botId: string): Promise<BotInfo> {
    await this.record('bots.info', { botId });
    return { botId, appId: 'A1' };
  }
}
