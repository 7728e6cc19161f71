import type { Redis } from 'ioredis';
import type { Logger } from '../../observability/logger.js';
import { LuaScript } from './lua-script.js';
import { botRedisKeys, type BotRedisKeys } from './keyspace.js';
import {
  isIncidentMessageRef,
  MESSAGE_REF_TTL_MS,
  type IncidentMessageRef,
  type IncidentMessageRefs,
} from '../../bot/incident-message-refs.js';

/**
 * KEYS: ref. ARGV: ref JSON, ttl ms. Returns the stored JSON: the existing one when present,
 * else ours after storing it. Get-or-set in one step, so two replicas posting the same incident
 * at once agree on one message.
 */
const CLAIM_MESSAGE_REF = new LuaScript(
  'claim-incident-message-ref',
  `
local current = redis.call('GET', KEYS[1])
if current then return current end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]
`,
);

/** Shared between replicas and kept across restarts. */
export class RedisIncidentMessageRefs implements IncidentMessageRefs {
  private readonly keys: BotRedisKeys;

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
    private readonly logger: Logger,
  ) {
    this.keys = botRedisKeys(keyPrefix);
  }

  async get(incidentId: string): Promise<IncidentMessageRef | null> {
    const key = this.keys.incidentMessage(incidentId);
    return this.decode(key, await this.redis.get(key));
  }

  async claim(incidentId: string, ref: IncidentMessageRef): Promise<IncidentMessageRef> {
    const key = this.keys.incidentMessage(incidentId);
    const stored = await CLAIM_MESSAGE_REF.run(this.redis, [key], [JSON.stringify(ref), MESSAGE_REF_TTL_MS]);
    return this.decode(key, typeof stored === 'string' ? stored : null) ?? ref;
  }

  async save(incidentId: string, ref: IncidentMessageRef): Promise<void> {
    await this.redis.set(this.keys.incidentMessage(incidentId), JSON.stringify(ref), 'PX', MESSAGE_REF_TTL_MS);
  }

  private decode(key: string, raw: string | null): IncidentMessageRef | null {
    if (raw === null) return null;
    try {
      const value: unknown = JSON.parse(raw);
      if (isIncidentMessageRef(value)) return value;
    } catch {
      // reported below
    }
    this.logger.error(
      { key },
      `stored Slack message reference at ${key} is not valid; treating it as absent (a new message will be posted)`,
    );
    return null;
  }
}
