import type { Redis } from 'ioredis';
import type { RunJournal } from '../../actions/run-journal.js';
import type { RunOutcome, StepDetail } from '../../actions/run-outcome.js';
import type { DrillCreated } from '../../drills/drill-cleanup.js';
import type { DrillOutcome } from '../../drills/drill-outcome.js';
import { DRILL_HISTORY, type DrillClaim, type DrillClaimInput, type DrillRunRecord, type DrillStore } from '../../drills/drill-store.js';
import { DRILL_CLAIM, DRILL_HAND_BACK, DRILL_HEARTBEAT, DRILL_RECORD, DRILL_RELEASE, DRILL_TAKE_OVER } from './drill-scripts.js';
import { drillRedisKeys, type DrillRedisKeys } from './keyspace.js';

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

  async claim(input: DrillClaimInput): Promise<DrillClaim> {
    const resources = [...new Set(input.resources)];
    const keys = [
      this.keys.sequence(),
      this.keys.active(),
      ...resources.map((r) => this.keys.approvalLock(r)),
      ...resources.map((r) => this.keys.lock(r)),
    ];
    const args = [
      Math.max(1, Math.round(input.leaseMs)),
      Math.max(1, Math.round(input.livenessMs)),
      input.drill,
      JSON.stringify(resources),
      input.startedAt,
      RUN_RECORD_TTL_S,
      this.keys.run(''),
      this.keys.alive(''),
    ];
    const [status, first, holder] = (await DRILL_CLAIM.run(this.redis, keys, args)) as [string, string | number, string?];
    if (status === 'ok') return { ok: true, runId: String(first) };
    return { ok: false, resource: resources[Number(first)] ?? '', heldBy: holder ?? '' };
  }

  async release(runId: string, resources: readonly string[]): Promise<void> {
    await DRILL_RELEASE.run(
      this.redis,
      [...new Set(resources)].map((r) => this.keys.lock(r)),
      [runId],
    );
  }

  async heartbeat(runId: string, livenessMs: number): Promise<boolean> {
    const kept = await DRILL_HEARTBEAT.run(
      this.redis,
      [this.keys.run(runId), this.keys.alive(runId)],
      [runId, Math.max(1, Math.round(livenessMs))],
    );
    return kept === 1;
  }

  async planned(runId: string, created: DrillCreated): Promise<void> {
    await this.redis.hset(this.keys.run(runId), 'created', JSON.stringify(created));
  }

  async run(runId: string): Promise<DrillRunRecord | null> {
    const [state, drill, resources, startedAt, created] = await this.redis.hmget(
      this.keys.run(runId),
      'state',
      'drill',
      'resources',
      'startedAt',
      'created',
    );
    if (!state || state === 'finished' || !drill) return null;
    return record(runId, drill, resources ?? null, startedAt ?? null, created ?? null);
  }

  async lapsed(): Promise<string[]> {
    const ids = await this.redis.smembers(this.keys.active());
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.exists(this.keys.alive(id), this.keys.recovery(id));
    const live = (await pipeline.exec()) ?? [];
    return ids.filter((_, i) => live[i]?.[1] === 0).sort(byRunNumber);
  }

  async takeOver(runId: string, owner: string, leaseMs: number): Promise<DrillRunRecord | null> {
    const reply = (await DRILL_TAKE_OVER.run(
      this.redis,
      [this.keys.run(runId), this.keys.alive(runId), this.keys.recovery(runId), this.keys.active()],
      [runId, owner, Math.max(1, Math.round(leaseMs))],
    )) as string[];
    if (reply[0] !== 'taken') return null;
    return record(runId, reply[1] ?? '', reply[2] ?? null, reply[3] ?? null, reply[4] || null);
  }

  async handBack(runId: string, owner: string): Promise<void> {
    await DRILL_HAND_BACK.run(this.redis, [this.keys.recovery(runId)], [owner]);
  }

  async record(outcome: DrillOutcome): Promise<boolean> {
    const { runId } = outcome;
    const kept = await DRILL_RECORD.run(
      this.redis,
      [this.keys.run(runId), this.keys.history(outcome.drill), this.keys.alive(runId), this.keys.recovery(runId), this.keys.active()],
      [runId, JSON.stringify(outcome), outcome.result === 'interrupted' ? 'interrupted' : '', DRILL_HISTORY],
    );
    return kept === 1;
  }

  async history(drill: string, limit: number): Promise<DrillOutcome[]> {
    const items = await this.redis.lrange(this.keys.history(drill), 0, Math.max(0, Math.min(limit, DRILL_HISTORY) - 1));
    return items.map((item) => JSON.parse(item) as DrillOutcome);
  }
}

function record(runId: string, drill: string, resources: string | null, startedAt: string | null, created: string | null): DrillRunRecord {
  return {
    runId,
    drill,
    resources: resources ? (JSON.parse(resources) as string[]) : [],
    startedAt: Number(startedAt ?? 0),
    ...(created ? { created: JSON.parse(created) as DrillCreated } : {}),
  };
}

/** Oldest run first: DRL-9 before DRL-10. */
function byRunNumber(a: string, b: string): number {
  return Number(a.slice(4)) - Number(b.slice(4));
}
