import type { Redis } from 'ioredis';
import type { ChannelArchiveSchedule } from '../../bot/channel-archive-schedule.js';
import { botRedisKeys } from './keyspace.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS: due set. ARGV: now, lease ms, limit. Takes the due members and moves each one's score to
 * now + lease in the same step, so two replicas sweeping at once never take the same incident.
 */
const CLAIM_DUE = new LuaScript(
  'claim-due-channel-archives',
  `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local until_ms = tonumber(ARGV[1]) + tonumber(ARGV[2])
for _, id in ipairs(due) do redis.call('ZADD', KEYS[1], 'XX', until_ms, id) end
return due
`,
);

/** A sorted set, score = epoch ms the channel is due to be archived (see keyspace.ts). */
export class RedisChannelArchiveSchedule implements ChannelArchiveSchedule {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
  ) {
    this.key = botRedisKeys(keyPrefix).channelArchives();
  }

  async schedule(incidentId: string, dueAt: number): Promise<void> {
    await this.redis.zadd(this.key, dueAt, incidentId);
  }

  async claimDue(now: number, leaseMs: number, limit: number): Promise<string[]> {
    const due = await CLAIM_DUE.run(this.redis, [this.key], [now, leaseMs, limit]);
    return Array.isArray(due) ? due.filter((id): id is string => typeof id === 'string') : [];
  }

  async done(incidentId: string): Promise<void> {
    await this.redis.zrem(this.key, incidentId);
  }
}
