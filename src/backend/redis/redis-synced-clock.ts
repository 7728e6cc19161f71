import type { Redis } from 'ioredis';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../observability/logger.js';

/** How often the offset to Redis's clock is measured again. */
export const CLOCK_SYNC_INTERVAL_MS = 10_000; // 10 seconds
/** A local clock further off than this is worth an operator's attention (NTP broken?). */
export const CLOCK_SKEW_WARN_MS = 2_000; // 2 seconds

/**
 * Redis's clock, read through the local one: now() = local now + the measured offset to Redis
 * TIME. Replicas compare expiry times and run leases they write into Redis; with each replica's
 * own clock, one running two minutes slow could approve a request that already expired, and one
 * running fast could declare a healthy run abandoned. On this clock they all agree (to within a
 * round trip), whatever their system clocks say.
 */
export class RedisSyncedClock implements Clock {
  private offsetMs = 0;
  private synced = false;
  private timer: NodeJS.Timeout | null = null;
  private warnedSkew = false;

  constructor(
    private readonly redis: Redis,
    private readonly local: Clock,
    private readonly logger: Logger,
  ) {}

  now(): number {
    return this.local.now() + this.offsetMs;
  }

  /** The last measured offset (Redis minus local), ms; 0 until the first sync. */
  get offset(): number {
    return this.offsetMs;
  }

  /** True once an offset has been measured. */
  get isSynced(): boolean {
    return this.synced;
  }

  /** Measures the offset once: Redis TIME against the midpoint of the round trip. */
  async sync(): Promise<void> {
    const before = this.local.now();
    const [seconds, micros] = await this.redis.time();
    const after = this.local.now();
    const redisMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    this.offsetMs = Math.round(redisMs - (before + after) / 2);
    this.synced = true;
    const skewed = Math.abs(this.offsetMs) > CLOCK_SKEW_WARN_MS;
    if (skewed && !this.warnedSkew) {
      this.logger.warn(
        { offsetMs: this.offsetMs },
        "this host's clock differs from Redis's; approvals and run leases use Redis's time. Check NTP on this host",
      );
    }
    this.warnedSkew = skewed;
  }

  /** Syncs now, then every CLOCK_SYNC_INTERVAL_MS; a failed sync keeps the last offset. */
  async start(): Promise<void> {
    await this.sync().catch((err: unknown) =>
      this.logger.error({ err }, 'could not read the time from Redis; using the local clock until it answers'),
    );
    this.timer = setInterval(() => {
      this.sync().catch((err: unknown) => this.logger.warn({ err }, 'could not read the time from Redis; keeping the last offset'));
    }, CLOCK_SYNC_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
