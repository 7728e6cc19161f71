import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { FlapPolicy } from '../../../src/core/evaluate-result.js';
import { IncidentEngine, type IncidentChange } from '../../../src/incidents/incident-engine.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { RedisStore } from '../../../src/store/redis-store.js';
import type { Lease, Store } from '../../../src/store/store.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { fail, lag, pass } from '../../doubles/results.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const policies = new Map<string, FlapPolicy>([
  ['api', { failAfter: 2, recoverAfter: 2 }],
  ['orders-lag', { failAfter: 1, recoverAfter: 2 }],
]);

function engineOn(store: Store, clock: ManualClock, fence: () => Lease | null = () => null) {
  const engine = new IncidentEngine({ store, clock, logger: silentLogger(), policies, fence });
  const changes: IncidentChange[] = [];
  engine.subscribe((change) => {
    changes.push(change);
  });
  return { engine, changes };
}

describe('IncidentEngine', () => {
  let clock: ManualClock;
  beforeEach(() => {
    clock = new ManualClock();
  });

  it('opens one incident with a short id after failAfter failures, and resolves it after recoverAfter passes', async () => {
    const store = new MemoryStore({ clock });
    const { engine, changes } = engineOn(store, clock);
    for (const result of [fail('SEV1'), fail('SEV1'), fail('SEV1'), pass(), pass()]) {
      await engine.apply(result);
      clock.advance(15_000);
    }
    expect(changes.map((c) => c.event?.type)).toEqual(['opened', 'resolved']);
    const [opened, resolved] = changes;
    expect(opened?.incident.id).toMatch(/^INC-\d+$/);
    expect(resolved?.incident.id).toBe(opened?.incident.id);
    expect(opened?.event).toMatchObject({ severity: 'SEV1', summary: 'HTTP 503 (expected 200)', checkId: 'api' });
    expect(await store.listOpenIncidents()).toEqual([]);
    const stored = await store.getIncident(opened?.incident.id ?? '');
    expect(stored).toMatchObject({ state: 'resolved', severity: 'SEV1', openedAt: Date.parse('2026-11-21T12:00:15Z') });
    expect((await store.getIncidentEvents(stored?.id ?? '')).map((e) => e.type)).toEqual(['opened', 'resolved']);
  });

  it('escalates the open incident in place instead of opening a second one', async () => {
    const store = new MemoryStore({ clock });
    const { engine, changes } = engineOn(store, clock);
    await engine.apply(lag(90, 'SEV3'));
    await engine.apply(lag(400, 'SEV2'));
    await engine.apply(lag(450, 'SEV2'));
    expect(changes.map((c) => c.event?.type ?? 'value')).toEqual(['opened', 'escalated', 'value']);
    const open = await store.listOpenIncidents();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ severity: 'SEV2', peakSeverity: 'SEV2', summary: 'lag 450s' });
    expect(changes[1]?.event).toMatchObject({ previousSeverity: 'SEV3', severity: 'SEV2', summary: 'lag 400s' });
  });

  it('drops a result fenced by a lost lease and writes nothing', async () => {
    const store = new MemoryStore({ clock });
    const lease = await store.acquireLease('monitor', 'old-leader', 1000);
    expect(lease).not.toBeNull();
    await store.releaseLease(lease as Lease);
    const { engine, changes } = engineOn(store, clock, () => lease);
    expect(await engine.apply(lag(400, 'SEV2'))).toBeNull();
    expect(changes).toEqual([]);
    expect(await store.listOpenIncidents()).toEqual([]);
    expect(await store.getCheckState('orders-lag')).toBeNull();
  });

  it('starts a new incident when the open one was resolved by a person meanwhile', async () => {
    const store = new MemoryStore({ clock });
    const { engine, changes } = engineOn(store, clock);
    await engine.apply(lag(400, 'SEV2'));
    const first = changes[0]?.incident;
    await store.commitEvaluation({
      checkState: (await store.getCheckState('orders-lag'))!,
      incident: { ...first!, state: 'resolved', resolvedAt: clock.now() },
    });
    await engine.apply(lag(400, 'SEV2'));
    expect(changes.map((c) => c.event?.type)).toEqual(['opened', 'opened']);
    expect(changes[1]?.incident.id).not.toBe(first?.id);
  });

  it('a listener that throws does not stop the others', async () => {
    const store = new MemoryStore({ clock });
    const { engine, changes } = engineOn(store, clock);
    engine.subscribe(() => {
      throw new Error('slack is down');
    });
    const seen: string[] = [];
    engine.subscribe((c) => {
      seen.push(c.event?.type ?? '');
    });
    await engine.apply(lag(400, 'SEV2'));
    expect(changes).toHaveLength(1);
    expect(seen).toEqual(['opened']);
  });
});

describe('IncidentEngine on Redis', () => {
  const prefix = `test:engine:${randomUUID()}:`;
  const clients: Redis[] = [];
  const connect = () => {
    const redis = new Redis(REDIS_URL);
    clients.push(redis);
    return new RedisStore({ redis, keyPrefix: prefix });
  };

  afterAll(async () => {
    const cleaner = new Redis(REDIS_URL);
    const keys = await cleaner.keys(`${prefix}*`);
    if (keys.length > 0) await cleaner.del(...keys);
    await cleaner.quit();
    await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
  });

  it('continues the same incident after a restart (new process, same store)', async () => {
    const clock = new ManualClock();
    const before = engineOn(connect(), clock);
    await before.engine.apply(fail('SEV2'));
    await before.engine.apply(fail('SEV2'));
    const opened = before.changes[0]?.incident;
    expect(before.changes[0]?.event?.type).toBe('opened');

    // A new engine on a new connection: nothing cached, everything read back from Redis.
    const after = engineOn(connect(), clock);
    await after.engine.apply(fail('SEV1'));
    await after.engine.apply(pass());
    await after.engine.apply(pass());
    expect(after.changes.map((c) => c.event?.type)).toEqual(['escalated', 'resolved']);
    expect(after.changes.every((c) => c.incident.id === opened?.id)).toBe(true);
    const store = connect();
    expect((await store.getIncidentEvents(opened?.id ?? '')).map((e) => e.type)).toEqual(['opened', 'escalated', 'resolved']);
  });
});
