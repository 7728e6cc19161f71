import type { Redis } from 'ioredis';
import { botRedisKeys } from './keyspace.js';
import type { SeenDeliveries } from '../../bot/seen-deliveries.js';

/** Shared between replicas: one `SET NX PX` per delivery decides, atomically, who takes it in. */
export class RedisSeenDeliveries implements SeenDeliveries {
  private readonly keys;

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
  ) {
    this.keys = botRedisKeys(keyPrefix);
  }

  async firstSeen(key: string, ttlMs: number): Promise<boolean> {
    const reply = await this.redis.set(this.keys.delivery(key), '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
    return reply === 'OK';
  }
}
