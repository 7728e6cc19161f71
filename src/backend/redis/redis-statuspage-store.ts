import type { Redis } from 'ioredis';
import { decodeStored } from './decode-stored.js';
import { StoreError } from '../../store/store-error.js';
import { decodePublishedIncident, isComponentRecord, isPublishedUpdateRecord } from '../../statuspage/statuspage-decode.js';
import { statusPageRedisKeys, type StatusPageRedisKeys } from './keyspace.js';
import { RECORD_PUBLISHED, RELEASE_PUBLISH_LOCK } from './statuspage-scripts.js';
import type { ComponentRecord, PublishedIncidentRecord, StatusPageStore } from '../../statuspage/statuspage-store.js';
import type { StatusPageUpdate } from '../../statuspage/status-page.js';

/** The shared status-page store: the publish is one Lua script, the lock is SET NX PX. */
export class RedisStatusPageStore implements StatusPageStore {
  readonly kind = 'redis' as const;
  private readonly keys: StatusPageRedisKeys;

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
  ) {
    this.keys = statusPageRedisKeys(keyPrefix);
  }

  async recordPublished(update: StatusPageUpdate, at: number): Promise<'created' | 'updated'> {
    const { incidentId: id } = update;
    const keys = [this.keys.incident(id), this.keys.updates(id), this.keys.incidents(), this.keys.components()];
    const record = { status: update.status, message: update.message, at, components: update.components };
    const componentArgs = Object.entries(update.components).flatMap(([name, status]) => [
      name,
      JSON.stringify({ status, updatedAt: at } satisfies ComponentRecord),
    ]);
    const args = [id, update.title, update.status, update.impact ?? '', at, JSON.stringify(record), ...componentArgs];
    const created = await RECORD_PUBLISHED.run(this.redis, keys, args);
    if (created !== 0 && created !== 1) {
      throw new StoreError('LIFEBOAT_STORE_CORRUPT_VALUE', `Redis script ${RECORD_PUBLISHED.name} returned ${String(created)}`);
    }
    return created === 1 ? 'created' : 'updated';
  }

  async listPublished(limit: number): Promise<PublishedIncidentRecord[]> {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new StoreError('LIFEBOAT_STORE_INVALID_ARGUMENT', `limit must be a non-negative integer, got ${limit}`);
    }
    if (limit === 0) return [];
    const ids = await this.redis.zrevrange(this.keys.incidents(), 0, limit - 1);
    if (ids.length === 0) return [];
    // One MULTI so each incident's head and its updates are read at the same instant.
    const multi = this.redis.multi();
    for (const id of ids) multi.hgetall(this.keys.incident(id)).lrange(this.keys.updates(id), 0, -1);
    const replies = (await multi.exec()) ?? [];
    return ids.map((id, index) => {
      const [hashError, hash] = replies[index * 2] ?? [];
      const [listError, raws] = replies[index * 2 + 1] ?? [];
      if (hashError || listError) throw hashError ?? listError;
      const key = this.keys.updates(id);
      const updates = (raws as string[])
        .map((raw, i) => decodeStored(`${key}[${i}]`, raw, isPublishedUpdateRecord, 'status-page update'))
        .reverse();
      return decodePublishedIncident(this.keys.incident(id), id, hash as Record<string, string>, updates);
    });
  }

  async getComponents(): Promise<Record<string, ComponentRecord>> {
    const key = this.keys.components();
    const raw = await this.redis.hgetall(key);
    return Object.fromEntries(
      Object.entries(raw).map(([name, value]) => [
        name,
        decodeStored(`${key}[${name}]`, value, isComponentRecord, 'status-page component'),
      ]),
    );
  }

  async getProviderIncidentId(incidentId: string): Promise<string | null> {
    return this.redis.get(this.keys.providerId(incidentId));
  }

  async saveProviderIncidentId(incidentId: string, providerIncidentId: string): Promise<void> {
    await this.redis.set(this.keys.providerId(incidentId), providerIncidentId);
  }

  async acquirePublishLock(incidentId: string, holder: string, ttlMs: number): Promise<boolean> {
    assertTtl(ttlMs);
    const reply = await this.redis.set(this.keys.publishLock(incidentId), holder, 'PX', Math.ceil(ttlMs), 'NX');
    return reply === 'OK';
  }

  async releasePublishLock(incidentId: string, holder: string): Promise<void> {
    await RELEASE_PUBLISH_LOCK.run(this.redis, [this.keys.publishLock(incidentId)], [holder]);
  }
}

function assertTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new StoreError('LIFEBOAT_STORE_INVALID_ARGUMENT', `lock ttl must be a positive number of ms, got ${ttlMs}`);
  }
}
