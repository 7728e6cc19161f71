import type { Redis } from 'ioredis';
import { maskSecrets } from '../../observability/logger.js';
import type { CheckState } from '../../core/check-state.js';
import type { Incident, IncidentEvent } from '../../core/incident.js';
import { isSeverity, type Severity } from '../../core/severity.js';
import { decodeStored, isCheckState, isIncident, isIncidentEvent, isQuietPass } from './decode-stored.js';
import { redisKeys, type RedisKeys } from './keyspace.js';
import { ACQUIRE_LEASE, COMMIT_EVALUATION, QUIET_PASS_CHUNK, RECORD_QUIET_PASSES, RELEASE_LEASE, RENEW_LEASE } from './store-scripts.js';
import { withQuietPass } from '../../store/quiet-pass-merge.js';
import { assertLimit, assertTtlMs, commitIncidentId } from '../../store/store-arguments.js';
import { StoreError } from '../../store/store-error.js';
import {
  UNFENCED,
  type CommitOutcome,
  type EvaluationCommit,
  type IncidentUpdate,
  type Lease,
  type LeaseAttempt,
  type QuietPass,
  type QuietPassBatch,
  type Store,
} from '../../store/store.js';

/** /readyz must answer promptly: a PING slower than this counts as down. */
export const REDIS_PING_TIMEOUT_MS = 1_000; // 1 second

/**
 * Check ids per MGET + HMGET in getCheckStates: bounds one reply (a check's state and quiet pass
 * are ~650 bytes of JSON, so ~650 KB a chunk) whatever the check count, at one round trip a chunk.
 */
export const CHECK_STATE_READ_CHUNK = 1_000;

/** What a RedisStore is built from. */
export interface RedisStoreOptions {
  redis: Redis;
  /** Prepended to every key, e.g. "lifeboat:". */
  keyPrefix: string;
  /** When true, close() disconnects the client; otherwise the caller owns it. */
  ownsClient?: boolean;
}

/** The shared store: every state change that races is one Lua script (see store-scripts.ts). */
export class RedisStore implements Store {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly keys: RedisKeys;
  private readonly ownsClient: boolean;

  constructor(options: RedisStoreOptions) {
    this.redis = options.redis;
    this.keys = redisKeys(options.keyPrefix);
    this.ownsClient = options.ownsClient ?? false;
  }

  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreError('LIFEBOAT_STORE_UNAVAILABLE', `Redis did not answer PING within ${REDIS_PING_TIMEOUT_MS} ms`)),
        REDIS_PING_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([this.redis.ping(), timeout]);
    } catch (err) {
      if (err instanceof StoreError) throw err;
      const reason = maskSecrets(err instanceof Error ? err.message : String(err));
      throw new StoreError('LIFEBOAT_STORE_UNAVAILABLE', `Redis PING failed: ${reason}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (!this.ownsClient || this.redis.status === 'end') return;
    if (this.redis.status === 'ready') {
      // QUIT lets in-flight replies arrive; fall back to a hard close if Redis stops answering.
      await this.redis.quit().catch(() => this.redis.disconnect());
    } else {
      this.redis.disconnect();
    }
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease | null> {
    return (await this.contendLease(name, holder, ttlMs)).lease;
  }

  async contendLease(name: string, holder: string, ttlMs: number): Promise<LeaseAttempt> {
    assertTtlMs(ttlMs);
    const keys = [this.keys.lease(name), this.keys.leaseToken(name)];
    const reply = await ACQUIRE_LEASE.run(this.redis, keys, [holder, Math.ceil(ttlMs)]);
    if (!Array.isArray(reply) || reply.length !== 2 || typeof reply[0] !== 'number' || typeof reply[1] !== 'number') {
      throw this.unexpectedReply(ACQUIRE_LEASE.name, reply);
    }
    const [won, value] = reply as [number, number];
    if (won === 1) return { lease: { name, holder, token: value } };
    // PTTL -1 (a lease without expiry) cannot come from this code; someone set it by hand. It
    // never lapses by itself, so the caller falls back to its regular retry cadence.
    return { lease: null, lapsesInMs: value < 0 ? Number.POSITIVE_INFINITY : value };
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<boolean> {
    assertTtlMs(ttlMs);
    const reply = await RENEW_LEASE.run(this.redis, [this.keys.lease(lease.name)], [leaseValue(lease), Math.ceil(ttlMs)]);
    return reply === 1;
  }

  async releaseLease(lease: Lease): Promise<void> {
    await RELEASE_LEASE.run(this.redis, [this.keys.lease(lease.name)], [leaseValue(lease)]);
  }

  async nextIncidentSequence(): Promise<number> {
    return this.redis.incr(this.keys.incidentSequence());
  }

  async getCheckState(checkId: string): Promise<CheckState | null> {
    // One round trip for both; not atomic, which withQuietPass's rule does not need (see there).
    const replies = await this.redis.pipeline().get(this.keys.checkState(checkId)).hget(this.keys.quietPasses(), checkId).exec();
    const [raw, rawPass] = (replies ?? []).map(([err, value]) => {
      if (err) throw err;
      return value as string | null;
    });
    return this.decodeCheckState(checkId, raw ?? null, rawPass ?? null);
  }

  async getCheckStates(checkIds: readonly string[]): Promise<Map<string, CheckState | null>> {
    const ids = [...new Set(checkIds)];
    const states = new Map<string, CheckState | null>();
    for (let start = 0; start < ids.length; start += CHECK_STATE_READ_CHUNK) {
      const chunk = ids.slice(start, start + CHECK_STATE_READ_CHUNK);
      // MGET + HMGET in one round trip per chunk, as getCheckState's GET + HGET for one check.
      // Chunks go one after another, not all at once: one chunk's reply is held at a time and
      // other commands on the connection get in between (no slower; bench/README.md dr-status).
      // Keys of many slots in one MGET, as loadIncidents: the store is one Redis, not a Cluster.
      const replies = await this.redis
        .pipeline()
        .mget(chunk.map((id) => this.keys.checkState(id)))
        .hmget(this.keys.quietPasses(), ...chunk)
        .exec();
      const [raws, rawPasses] = (replies ?? []).map(([err, value]) => {
        if (err) throw err;
        return value;
      });
      if (!isReplyOf(raws, chunk.length) || !isReplyOf(rawPasses, chunk.length)) throw this.unexpectedReply('MGET HMGET', replies);
      for (const [i, id] of chunk.entries()) states.set(id, this.decodeCheckState(id, raws[i] ?? null, rawPasses[i] ?? null));
    }
    return states;
  }

  /** A check's stored state and quiet pass as getCheckState(s) answer them; a corrupt one names its key. */
  private decodeCheckState(checkId: string, raw: string | null, rawPass: string | null): CheckState | null {
    const key = this.keys.checkState(checkId);
    const passes = this.keys.quietPasses();
    const state = raw === null ? null : decodeStored(key, raw, isCheckState, 'check state');
    const pass = rawPass === null ? null : decodeStored(`${passes}[${checkId}]`, rawPass, isQuietPass, 'quiet pass');
    return withQuietPass(checkId, state, pass);
  }

  async recordQuietPasses(batch: QuietPassBatch): Promise<'committed' | 'fenced'> {
    const fence = batch.fence === UNFENCED ? UNFENCED : batch.fence ? leaseValue(batch.fence) : '';
    const keys = [this.keys.lease(batch.fence === UNFENCED ? '' : (batch.fence?.name ?? '')), this.keys.quietPasses()];
    for (let start = 0; start < batch.passes.length; start += QUIET_PASS_CHUNK) {
      // Built in place: no slice, and no two-element array per pass (20,000 a batch at scale).
      const args: string[] = [fence];
      const end = Math.min(start + QUIET_PASS_CHUNK, batch.passes.length);
      for (let i = start; i < end; i += 1) {
        const pass = batch.passes[i] as QuietPass;
        args.push(pass.checkId, JSON.stringify(pass));
      }
      const outcome = await RECORD_QUIET_PASSES.run(this.redis, keys, args);
      if (outcome === 'fenced') return 'fenced';
      if (outcome !== 'committed') throw this.unexpectedReply(RECORD_QUIET_PASSES.name, outcome);
    }
    return 'committed';
  }

  async commitEvaluation(commit: EvaluationCommit): Promise<CommitOutcome> {
    return this.runCommit(commit);
  }

  async updateIncident(update: IncidentUpdate): Promise<'committed' | 'conflict'> {
    const outcome = await this.runCommit(update);
    if (outcome === 'fenced') throw this.unexpectedReply(COMMIT_EVALUATION.name, outcome);
    return outcome;
  }

  private async runCommit(commit: EvaluationCommit | IncidentUpdate): Promise<CommitOutcome> {
    const { incident, event, expectedRevision } = commit;
    // A person's acknowledge or resolve (IncidentUpdate) may come from any replica: not fenced.
    // A monitor commit without a usable fence (a caller bypassing the types) goes out as '',
    // which the script refuses: a missing lease must never read as "no fence needed".
    const fence = 'checkState' in commit ? commit.fence : UNFENCED;
    const lease = fence === UNFENCED ? null : ((fence as Lease | undefined) ?? null);
    const fenceArg = fence === UNFENCED ? UNFENCED : lease ? leaseValue(lease) : '';
    const checkState = 'checkState' in commit ? commit.checkState : undefined;
    const incidentId = commitIncidentId(commit) ?? '';
    const keys = [
      this.keys.checkState(checkState?.checkId ?? ''),
      this.keys.openIncidents(),
      this.keys.recentIncidents(),
      this.keys.incident(incidentId),
      this.keys.incidentEvents(incidentId),
      this.keys.lease(lease?.name ?? ''),
      this.keys.openIncidentSeverities(),
    ];
    const args = [
      fenceArg,
      checkState ? JSON.stringify(checkState) : '',
      incident ? JSON.stringify(incident) : '',
      incidentId,
      incident?.openedAt ?? 0,
      incident && incident.state !== 'resolved' ? '1' : '0',
      event ? JSON.stringify(event) : '',
      expectedRevision ?? '',
      incident?.severity ?? '',
    ];
    const outcome = await COMMIT_EVALUATION.run(this.redis, keys, args);
    if (outcome !== 'committed' && outcome !== 'fenced' && outcome !== 'conflict')
      throw this.unexpectedReply(COMMIT_EVALUATION.name, outcome);
    return outcome;
  }

  async getIncident(id: string): Promise<Incident | null> {
    const key = this.keys.incident(id);
    const raw = await this.redis.get(key);
    return raw === null ? null : decodeStored(key, raw, isIncident, 'incident');
  }

  async listOpenIncidents(): Promise<Incident[]> {
    const ids = await this.redis.zrange(this.keys.openIncidents(), 0, -1);
    // The index and the incidents are read in two steps; one resolved in between is dropped here.
    return (await this.loadIncidents(ids)).filter((incident) => incident.state !== 'resolved');
  }

  async openIncidentSeverities(): Promise<Severity[]> {
    const hash = this.keys.openIncidentSeverities();
    // One MULTI, so the count and the values are read at the same point between two commits.
    const replies = await this.redis.multi().zcard(this.keys.openIncidents()).hvals(hash).exec();
    const [count, values] = (replies ?? []).map(([err, value]) => {
      if (err) throw err;
      return value;
    });
    if (typeof count !== 'number' || !Array.isArray(values)) throw this.unexpectedReply('MULTI ZCARD HVALS', replies);
    // The hash is written only beside the open set, so it can only lack ids: those of incidents
    // opened before it existed and not changed since. Counting from it then would under-count,
    // so that scrape pays for the full read instead. Nothing is filled in here: a write outside
    // the commit script could race a commit and leave a resolved incident counted.
    if (values.length !== count) return (await this.listOpenIncidents()).map((incident) => incident.severity);
    return values.map((value: unknown) => {
      if (!isSeverity(value)) {
        throw new StoreError('LIFEBOAT_STORE_CORRUPT_VALUE', `"${hash}" holds "${value}", which is not a severity`, { key: hash });
      }
      return value;
    });
  }

  async listRecentIncidents(limit: number): Promise<Incident[]> {
    assertLimit(limit);
    if (limit === 0) return [];
    const ids = await this.redis.zrevrange(this.keys.recentIncidents(), 0, limit - 1);
    return this.loadIncidents(ids);
  }

  async getIncidentEvents(incidentId: string): Promise<IncidentEvent[]> {
    const key = this.keys.incidentEvents(incidentId);
    const raws = await this.redis.lrange(key, 0, -1);
    return raws.map((raw, index) => decodeStored(`${key}[${index}]`, raw, isIncidentEvent, 'incident event'));
  }

  private async loadIncidents(ids: string[]): Promise<Incident[]> {
    if (ids.length === 0) return [];
    const keys = ids.map((id) => this.keys.incident(id));
    const raws = await this.redis.mget(keys);
    return raws.map((raw, index) => {
      const key = keys[index] ?? '';
      if (raw === null) {
        // Writes are atomic, so an indexed id without its incident means someone edited Redis.
        throw new StoreError('LIFEBOAT_STORE_CORRUPT_VALUE', `incident index names "${key}" but that key is missing`, { key });
      }
      return decodeStored(key, raw, isIncident, 'incident');
    });
  }

  private unexpectedReply(script: string, reply: unknown): StoreError {
    return new StoreError('LIFEBOAT_STORE_CORRUPT_VALUE', `Redis script ${script} returned an unexpected reply: ${String(reply)}`);
  }
}

function leaseValue(lease: Lease): string {
  return `${lease.holder}:${lease.token}`;
}

/** An MGET or HMGET reply of `length` values, each a string or null. */
function isReplyOf(reply: unknown, length: number): reply is Array<string | null> {
  return Array.isArray(reply) && reply.length === length && reply.every((v) => v === null || typeof v === 'string');
}
