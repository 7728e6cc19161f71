import type { Redis } from 'ioredis';
import { isInForce, type Silence } from '../../noise/silence.js';
import {
  MAINTENANCE_ACTOR,
  silencedDetail,
  UNSILENCED_DETAIL,
  windowEndedEarlyDetail,
  windowField,
  type WindowEnd,
  type MutedIncident,
  type SilenceAuditEntry,
  type SilenceStore,
} from '../../noise/silence-store.js';
import { StoreError } from '../../store/store-error.js';
import { pairsToFields } from './decode-approval.js';
import { noiseRedisKeys } from './keyspace.js';
import { LuaScript } from './lua-script.js';

/** The `kind` field of silence entries in the shared audit stream. */
export const SILENCE_AUDIT_KIND = 'silence';

/**
 * KEYS: 1 silences hash, 2 audit stream. ARGV: 1 check id, 2 actor, 3 at, 4 detail.
 * Removes the check's silence and appends the audit entry in one step; returns the removed JSON
 * or false. XADD with an auto id in a script: see approval-scripts.ts (effects replication).
 */
const END_SILENCE = new LuaScript(
  'end-silence',
  `
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if not stored then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('XADD', KEYS[2], '*', 'kind', 'silence', 'type', 'unsilenced', 'check', ARGV[1], 'actor', ARGV[2], 'at', ARGV[3], 'detail', ARGV[4])
return stored
`,
);

/**
 * KEYS: 1 open windows hash, 2 audit stream, 3 window ends hash. ARGV: 1 window field, 2 window
 * JSON, 3 check id, 4 actor, 5 at, 6 detail. Notes the window open and appends its `silenced` entry
 * in one step, only if it was not noted already (a new leader looks at every window in force) and
 * was not ended early (a sweep that read the config before the end must not reopen it); 1 or 0.
 */
const OPEN_WINDOW = new LuaScript(
  'audit-window-opened',
  `
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then return 0 end
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('XADD', KEYS[2], '*', 'kind', 'silence', 'type', 'silenced', 'check', ARGV[3], 'actor', ARGV[4], 'at', ARGV[5], 'detail', ARGV[6])
return 1
`,
);

/**
 * KEYS: 1 open windows hash, 2 audit stream. ARGV: 1 window field, 2 check id, 3 actor, 4 at,
 * 5 detail. Forgets the open window and appends its `unsilenced` entry in one step, once; 1 or 0.
 */
const CLOSE_WINDOW = new LuaScript(
  'audit-window-closed',
  `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('XADD', KEYS[2], '*', 'kind', 'silence', 'type', 'unsilenced', 'check', ARGV[2], 'actor', ARGV[3], 'at', ARGV[4], 'detail', ARGV[5])
return 1
`,
);

/**
 * KEYS: 1 window ends hash, 2 open windows hash, 3 audit stream. ARGV: 1 window field, 2 end
 * JSON, 3 check id, 4 actor, 5 at, 6 detail. Records the early end unless one is recorded (an end
 * is never moved), forgets the window as open (its closing is this entry, not the sweep's) and
 * appends the `unsilenced` entry, in one step; 1 or 0.
 */
const END_WINDOW = new LuaScript(
  'end-window',
  `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('XADD', KEYS[3], '*', 'kind', 'silence', 'type', 'unsilenced', 'check', ARGV[3], 'actor', ARGV[4], 'at', ARGV[5], 'detail', ARGV[6])
return 1
`,
);

/** KEYS: 1 reminders. ARGV: 1 now, 2 limit. Pops the due entries: {id, score, id, score, ...}. */
const CLAIM_DUE = new LuaScript(
  'claim-due-reminders',
  `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
for i = 1, #due, 2 do redis.call('ZREM', KEYS[1], due[i]) end
return due
`,
);

function decodeSilence(key: string, raw: string): Silence {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new StoreError('LIFEBOAT_STORE_CORRUPT_VALUE', `stored silence at key "${key}" is not valid JSON`, { key, cause: err });
  }
  const v = value as Partial<Silence> | null;
  if (
    typeof v !== 'object' ||
    v === null ||
    typeof v.checkId !== 'string' ||
    typeof v.until !== 'number' ||
    typeof v.since !== 'number' ||
    typeof v.reason !== 'string' ||
    (v.source !== 'command' && v.source !== 'maintenance')
  ) {
    throw new StoreError('LIFEBOAT_STORE_CORRUPT_VALUE', `stored silence at key "${key}" does not have the expected shape`, { key });
  }
  return v as Silence;
}

function decodeWindowEnd(key: string, raw: string): WindowEnd {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new StoreError('LIFEBOAT_STORE_CORRUPT_VALUE', `stored window end at key "${key}" is not valid JSON`, { key, cause: err });
  }
  const v = value as Partial<WindowEnd> | null;
  if (
    typeof v !== 'object' ||
    v === null ||
    typeof v.checkId !== 'string' ||
    typeof v.since !== 'number' ||
    typeof v.until !== 'number' ||
    typeof v.endedAt !== 'number' ||
    typeof v.endedBy !== 'string'
  ) {
    throw new StoreError('LIFEBOAT_STORE_CORRUPT_VALUE', `stored window end at key "${key}" does not have the expected shape`, { key });
  }
  return { checkId: v.checkId, since: v.since, until: v.until, endedAt: v.endedAt, endedBy: v.endedBy };
}

/** Noise-control state in Redis, shared by every replica. */
export class RedisSilenceStore implements SilenceStore {
  private readonly keys;

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
  ) {
    this.keys = noiseRedisKeys(keyPrefix);
  }

  async setSilence(silence: Silence): Promise<void> {
    await this.redis
      .multi()
      .hset(this.keys.silences(), silence.checkId, JSON.stringify(silence))
      .xadd(
        this.keys.audit(),
        '*',
        'kind',
        SILENCE_AUDIT_KIND,
        'type',
        'silenced',
        'check',
        silence.checkId,
        'actor',
        silence.by ?? '',
        'at',
        String(silence.since),
        'detail',
        silencedDetail(silence),
      )
      .exec();
  }

  async endSilence(checkId: string, actor: string, at: number): Promise<Silence | null> {
    const removed = await END_SILENCE.run(this.redis, [this.keys.silences(), this.keys.audit()], [checkId, actor, at, UNSILENCED_DETAIL]);
    return typeof removed === 'string' ? decodeSilence(`${this.keys.silences()}#${checkId}`, removed) : null;
  }

  async listSilences(): Promise<Silence[]> {
    const all = await this.redis.hgetall(this.keys.silences());
    return Object.entries(all).map(([checkId, raw]) => decodeSilence(`${this.keys.silences()}#${checkId}`, raw));
  }

  async pruneSilences(now: number): Promise<void> {
    const ended = (await this.listSilences()).filter((s) => !isInForce(s, now) && s.until <= now);
    // A silence set again meanwhile is not deleted: only the value read is removed (HDEL would race).
    for (const silence of ended) {
      await this.redis.eval(
        "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end return 0",
        1,
        this.keys.silences(),
        silence.checkId,
        JSON.stringify(silence),
      );
    }
    // Past its configured end a window is over whatever was recorded: its early end can go.
    const ends = await this.redis.hgetall(this.keys.windowEnds());
    const over = Object.entries(ends)
      .filter(([field, raw]) => decodeWindowEnd(`${this.keys.windowEnds()}#${field}`, raw).until <= now)
      .map(([field]) => field);
    if (over.length > 0) await this.redis.hdel(this.keys.windowEnds(), ...over);
  }

  async readSilenceAudit(limit: number): Promise<SilenceAuditEntry[]> {
    const key = this.keys.audit();
    const out: SilenceAuditEntry[] = [];
    let start = '-';
    // The stream holds approval entries too: page through it, keeping the silence ones.
    while (out.length < limit) {
      const entries = await this.redis.xrange(key, start, '+', 'COUNT', 500);
      for (const [id, pairs] of entries) {
        const fields = pairsToFields(pairs, `${key}#${id}`);
        if (fields.kind !== SILENCE_AUDIT_KIND) continue;
        out.push({
          id,
          type: fields.type === 'unsilenced' ? 'unsilenced' : 'silenced',
          checkId: fields.check ?? '',
          at: Number(fields.at),
          actor: fields.actor ?? '',
          detail: fields.detail ?? '',
        });
        if (out.length >= limit) break;
      }
      const last = entries[entries.length - 1];
      if (entries.length < 500 || !last) break;
      start = `(${last[0]}`;
    }
    return out;
  }

  async auditWindowOpened(window: Silence): Promise<boolean> {
    const opened = await OPEN_WINDOW.run(
      this.redis,
      [this.keys.windows(), this.keys.audit(), this.keys.windowEnds()],
      [windowField(window), JSON.stringify(window), window.checkId, MAINTENANCE_ACTOR, window.since, silencedDetail(window)],
    );
    return opened === 1;
  }

  async endWindow(window: Silence, actor: string, at: number): Promise<boolean> {
    const end: WindowEnd = { checkId: window.checkId, since: window.since, until: window.until, endedAt: at, endedBy: actor };
    const ended = await END_WINDOW.run(
      this.redis,
      [this.keys.windowEnds(), this.keys.windows(), this.keys.audit()],
      [windowField(window), JSON.stringify(end), window.checkId, actor, at, windowEndedEarlyDetail(window)],
    );
    return ended === 1;
  }

  async listWindowEnds(): Promise<WindowEnd[]> {
    const all = await this.redis.hgetall(this.keys.windowEnds());
    return Object.entries(all).map(([field, raw]) => decodeWindowEnd(`${this.keys.windowEnds()}#${field}`, raw));
  }

  async listOpenWindows(): Promise<Silence[]> {
    const all = await this.redis.hgetall(this.keys.windows());
    return Object.entries(all).map(([field, raw]) => decodeSilence(`${this.keys.windows()}#${field}`, raw));
  }

  async auditWindowClosed(window: Silence, at: number, detail: string): Promise<boolean> {
    const closed = await CLOSE_WINDOW.run(
      this.redis,
      [this.keys.windows(), this.keys.audit()],
      [windowField(window), window.checkId, MAINTENANCE_ACTOR, at, detail],
    );
    return closed === 1;
  }

  async markMuted({ incidentId, checkId }: MutedIncident): Promise<void> {
    await this.redis.hset(this.keys.muted(), incidentId, checkId);
  }

  async listMuted(): Promise<MutedIncident[]> {
    const all = await this.redis.hgetall(this.keys.muted());
    return Object.entries(all).map(([incidentId, checkId]) => ({ incidentId, checkId }));
  }

  async claimMuted(incidentId: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.muted(), incidentId)) === 1;
  }

  async scheduleReminder(incidentId: string, dueAt: number): Promise<void> {
    await this.redis.zadd(this.keys.reminders(), dueAt, incidentId);
  }

  async claimDueReminders(now: number, limit: number): Promise<Array<{ incidentId: string; dueAt: number }>> {
    const reply = (await CLAIM_DUE.run(this.redis, [this.keys.reminders()], [now, limit])) as string[];
    const out: Array<{ incidentId: string; dueAt: number }> = [];
    for (let i = 0; i + 1 < reply.length; i += 2) out.push({ incidentId: reply[i] as string, dueAt: Number(reply[i + 1]) });
    return out;
  }

  async cancelReminder(incidentId: string): Promise<void> {
    await this.redis.zrem(this.keys.reminders(), incidentId);
  }
}
