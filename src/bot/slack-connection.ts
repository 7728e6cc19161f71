import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import type { ReadinessProbe } from '../server/readiness.js';
import type { InstalledApp } from './installed-app.js';
import type { BotIdentity, SlackGateway } from './slack-gateway.js';

/** How long a successful auth.test vouches for the HTTP-mode connection. */
export const AUTH_CHECK_TTL_MS = 30_000; // 30 seconds
/** While the installed app is unknown, a delivery asks for it again at most this often. */
export const IDENTITY_RETRY_MS = 10_000; // 10 seconds

/**
 * Whether Slack is reachable with our credentials, for /readyz, and who we are there. HTTP mode:
 * auth.test, cached briefly (so probes every few seconds do not each call Slack). Socket Mode:
 * the WebSocket's state, tracked from the client's events. The installed workspace and app
 * (auth.test's team_id, then bots.info's app_id for our bot_id) are learnt once and kept: every
 * Slack payload is checked against them (installedOnly).
 */
export class SlackConnection {
  private identity: BotIdentity | null = null;
  private app: (InstalledApp & { botId: string }) | null = null;
  private lastOkAt = -Infinity;
  private lastAttemptAt = -Infinity;
  private lastError: string | null = 'not checked yet';
  private socketState: string | null = null;
  private pending: Promise<void> | null = null;

  constructor(
    private readonly gateway: Pick<SlackGateway, 'authTest' | 'botInfo'>,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Our bot user and bot ids, once auth.test answered. */
  get botIdentity(): BotIdentity | null {
    return this.identity;
  }

  /** The workspace and app Lifeboat is installed as; null until both auth.test and bots.info answered. */
  get installedApp(): InstalledApp | null {
    return this.app ? { teamId: this.app.teamId, appId: this.app.appId } : null;
  }

  /** Socket Mode: follow the client's connection state ("connected", "reconnecting", ...). */
  setSocketState(state: string): void {
    this.socketState = state;
  }

  /** Asks Slack who we are in the background, unless it was asked within IDENTITY_RETRY_MS. */
  learnIdentitySoon(): void {
    if (this.pending || this.clock.now() - this.lastAttemptAt < IDENTITY_RETRY_MS) return;
    void this.verify();
  }

  /** Calls auth.test now (and bots.info until the app id is known); records the outcome rather than throwing. */
  async verify(): Promise<void> {
    this.lastAttemptAt = this.clock.now();
    this.pending ??= this.check()
      .catch((err: unknown) => {
        const reason = err instanceof Error ? err.message : String(err);
        const hint = (err as { details?: { hint?: string } }).details?.hint;
        if (this.lastError !== reason) this.logger.error({ err }, `Slack is not reachable: ${reason}${hint ? `; ${hint}` : ''}`);
        this.lastError = reason;
      })
      .finally(() => {
        this.pending = null;
      });
    await this.pending;
  }

  private async check(): Promise<void> {
    const identity = await this.gateway.authTest();
    this.identity = identity;
    if (!identity.teamId || !identity.botId) {
      throw new Error('auth.test answered without team_id or bot_id: SLACK_BOT_TOKEN must be a bot token (xoxb-…)');
    }
    if (this.app?.botId !== identity.botId || this.app.teamId !== identity.teamId) {
      const { appId } = await this.gateway.botInfo(identity.botId);
      this.app = { teamId: identity.teamId, appId, botId: identity.botId };
      this.logger.info({ teamId: identity.teamId, appId }, 'Slack payloads are accepted from this workspace and app only');
    }
    if (this.lastError !== null) this.logger.info({ botUserId: identity.userId }, 'Slack auth.test succeeded: connected');
    this.lastOkAt = this.clock.now();
    this.lastError = null;
  }

  /** The /readyz probe: rejects with the reason while Slack is not connected. */
  readonly probe: ReadinessProbe = {
    name: 'slack',
    check: async () => {
      if (this.socketState !== null) {
        if (this.socketState !== 'connected') throw new Error(`Slack Socket Mode is not connected (${this.socketState})`);
        if (!this.app) {
          this.learnIdentitySoon();
          throw new Error(`Slack payloads are refused: the installed app is not known yet (${this.lastError ?? 'not checked'})`);
        }
        return;
      }
      if (this.clock.now() - this.lastOkAt < AUTH_CHECK_TTL_MS) return;
      await this.verify();
      if (this.lastError !== null) throw new Error(`Slack is not connected: ${this.lastError}`);
    },
  };
}
