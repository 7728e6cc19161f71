import type { Redis } from 'ioredis';
import type { RunJournal } from '../../actions/run-journal.js';
import type { RunOutcome, StepDetail } from '../../actions/run-outcome.js';
import type { DrillOutcome } from '../../drills/drill-outcome.js';
import { DRILL_HISTORY, type DrillClaim, type DrillStore } from '../../drills/drill-store.js';
import { drillRedisKeys, type DrillRedisKeys } from './keyspace.js';
import { LuaScript } from './lua-script.js';

/**
 * KEYS: 1 sequence, then n approval locks, then the n drill locks of the same resources.
 * ARGV: 1 lease ms. Returns {'ok', runId} | {'locked', resource index (0-based), holder}.
 */
const CLAIM = new LuaScript(
  'drill-claim',
  `
local n = (#KEYS - 1) / 2
for i = 1, n do
  local holder = redis.call('GET', KEYS[1 + i]) or redis.call('GET', KEYS[1 + n + i])
  if holder then return {'locked', i - 1, holder} end
end
local id = 'DRL-' .. redis.call('INCR', KEYS[1])
for i = 1, n do redis.call('SET', KEYS[1 + n + i], id, 'PX', ARGV[1]) end
return {'ok', id}
`,
);

/** KEYS: the drill locks. ARGV: 1 run id. Deletes only the locks the run still holds. */
const RELEASE = new LuaScript(
  'drill-release',
  `
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
end
return 1
`,
);

const RUN_RECORD_TTL_S = 30 * 86_400; // 30 days

class RedisDrillJournal implements RunJournal {
  constructor(
    private readonly redis: Redis,
    private readonly keys: DrillRedisKeys,
  ) {}

  async stepStarted(runId: string, stepId: string): Promise<void> {
    await this.redis
      .multi()
      .hset(this.keys.run(runId), `step:${stepId}`, JSON.stringify({ done: false }))
      .expire(this.keys.run(runId), RUN_RECORD_TTL_S)
      .exec();
  }

  async stepDone(runId: string, stepId: string, detail: StepDetail): Promise<void> {
    await this.redis.hset(this.keys.run(runId), `step:${stepId}`, JSON.stringify({ done: true, detail }));
  }

  async finished(runId: string, outcome: RunOutcome): Promise<void> {
    await this.redis.hset(this.keys.run(runId), 'outcome', JSON.stringify(outcome));
  }
}

/** Drill claims, history and journal in Redis (keyspace.ts, "restore drills"). */
export class RedisDrillStore implements DrillStore {
  private readonly keys: DrillRedisKeys;
  readonly journal: RunJournal;

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
  ) {
    this.keys = drillRedisKeys(keyPrefix);
    this.journal = new RedisDrillJournal(redis, this.keys);
  }

  async claim(input: { resources: readonly string[]; leaseMs: number }): Promise<DrillClaim> {
    const resources = [...new Set(input.resources)];
    const keys = [this.keys.sequence(), ...resources.map((r) => this.keys.approvalLock(r)), ...resources.map((r) => this.keys.lock(r))];
    const [status, first, holder] = (await CLAIM.run(this.redis, keys, [Math.max(1, Math.round(input.leaseMs))])) as [
      string,
      string | number,
      string?,
    ];
    if (status === 'ok') return { ok: true, runId: String(first) };
    return { ok: false, resource: resources[Number(first)] ?? '', heldBy: holder ?? '' };
  }

  async release(runId: string, resources: readonly string[]): Promise<void> {
    await RELEASE.run(
      this.redis,
      [...new Set(resources)].map((r) => this.keys.lock(r)),
      [runId],
    );
  }

  async record(outcome: DrillOutcome): Promise<void> {
    const key = this.keys.history(outcome.drill);
    await this.redis
      .multi()
      .lpush(key, JSON.stringify(outcome))
      .ltrim(key, 0, DRILL_HISTORY - 1)
      .exec();
  }

  async history(drill: string, limit: number): Promise<DrillOutcome[]> {
    const items = await this.redis.lrange(this.keys.history(drill), 0, Math.max(0, Math.min(limit, DRILL_HISTORY) - 1));
    return items.map((item) => JSON.parse(item) as DrillOutcome);
  }
}
