import type { Clock } from '../../core/clock.js';
import type { SeenDeliveries } from '../../bot/seen-deliveries.js';

/** Single replica only: in process memory, lost on restart. For local mode and tests. */
export class MemorySeenDeliveries implements SeenDeliveries {
  private readonly seen = new Map<string, number>(); // key -> expiry, epoch ms
  private checksSinceSweep = 0;

  constructor(private readonly clock: Clock) {}

  async firstSeen(key: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now();
    this.sweep(now);
    const expiresAt = this.seen.get(key);
    if (expiresAt !== undefined && expiresAt > now) return false;
    this.seen.set(key, now + ttlMs);
    return true;
  }

  // Expired keys are dropped every 1000 checks so memory stays bounded by the live window.
  private sweep(now: number): void {
    this.checksSinceSweep += 1;
    if (this.checksSinceSweep < 1000) return;
    this.checksSinceSweep = 0;
    for (const [key, expiresAt] of this.seen) if (expiresAt <= now) this.seen.delete(key);
  }
}
