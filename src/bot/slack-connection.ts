import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import type { ReadinessProbe } from '../server/readiness.js';
import type { BotIdentity, SlackGateway } from './slack-gateway.js';

/** How long a successful auth.test vouches for the HTTP-mode connection. */
export const AUTH_CHECK_TTL_MS = 30_000; // 30 seconds

/**
 * Whether Slack is reachable with our credentials, for /readyz. HTTP mode: auth.test, cached
 * briefly (so probes every few seconds do not each call Slack). Socket Mode: the WebSocket's
 * state, tracked from the client's events.
 */
export class SlackConnection {
  private identity: BotIdentity | null = null;
  private lastOkAt = -Infinity;
  private lastError: string | null = 'not checked yet';
  private socketState: string | null = null;
  private pending: Promise<void> | null = null;

  constructor(
    private readonly gateway: Pick<SlackGateway, 'authTest'>,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Our bot user and bot ids, once auth.test answered. */
  get botIdentity(): BotIdentity | null {
    return this.identity;
  }

  /** Socket Mode: follow the client's connection state ("connected", "reconnecting", ...). */
  setSocketState(state: string): void {
    this.socketState = state;
  }

  /** Calls auth.test now; records the outcome rather than throwing. */
  async verify(): Promise<void> {
    this.pending ??= this.gateway
      .authTest()
      .then((identity) => {
        if (this.lastError !== null) this.logger.info({ botUserId: identity.userId }, 'Slack auth.test succeeded: connected');
        this.identity = identity;
        this.lastOkAt = this.clock.now();
        this.lastError = null;
      })
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

  /** The /readyz probe: rejects with the reason while Slack is not connected. */
  readonly probe: ReadinessProbe = {
    name: 'slack',
    check: async () => {
      if (this.socketState !== null) {
        if (this.socketState !== 'connected') throw new Error(`Slack Socket Mode is not connected (${this.socketState})`);
        return;
      }
      if (this.clock.now() - this.lastOkAt < AUTH_CHECK_TTL_MS) return;
      await this.verify();
      if (this.lastError !== null) throw new Error(`Slack is not connected: ${this.lastError}`);
    },
  };
}
