import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { FlapPolicy } from '../../../src/core/evaluate-result.js';
import { IncidentEngine, type IncidentChange, type WriteFencing } from '../../../src/incidents/incident-engine.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { MemoryStore } from '../../../src/backend/memory/memory-store.js';
import { RedisStore } from '../../../src/backend/redis/redis-store.js';
import { UNFENCED, type Lease, type Store } from '../../../src/store/store.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { fail, lag, pass } from '../../doubles/results.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const policies = new Map<string, FlapPolicy>([
  ['api', { failAfter: 2, recoverAfter: 2 }],
  ['orders-lag', { failAfter: 1, recoverAfter: 2 }],
]);

function engineOn(store: Store, clock: ManualClock, fencing: WriteFencing = { mode: 'unfenced' }) {
  const engine = new IncidentEngine({ store, clock, logger: silentLogger(), policies, fencing });
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
    const { engine, changes } = engineOn(store, clock, { mode: 'leader-lease', currentLease: () => lease });
    expect(await engine.apply(lag(400, 'SEV2'))).toBeNull();
    expect(changes).toEqual([]);
    expect(await store.listOpenIncidents()).toEqual([]);
    expect(await store.getCheckState('orders-lag')).toBeNull();
  });

  it('with leader fencing and no lease held, writes nothing: no lease is never read as "no fence"', async () => {
    const store = new MemoryStore({ clock });
    const { engine, changes } = engineOn(store, clock, { mode: 'leader-lease', currentLease: () => null });
    expect(await engine.apply(lag(400, 'SEV2'))).toBeNull();
    expect(changes).toEqual([]);
    expect(await store.listRecentIncidents(10)).toEqual([]);
    expect(await store.getCheckState('orders-lag')).toBeNull();
  });

  it('drops a result measured in an earlier term of the same holder, though that holder leads again', async () => {
    const store = new MemoryStore({ clock });
    const earlier = (await store.acquireLease('monitor', 'me', 10_000)) as Lease;
    const now = (await store.acquireLease('monitor', 'me', 10_000)) as Lease; // re-elected: fresh token
    const { engine, changes } = engineOn(store, clock, { mode: 'leader-lease', currentLease: () => now });
    expect(await engine.apply(lag(400, 'SEV2'), earlier)).toBeNull();
    expect(changes).toEqual([]);
    expect(await store.getCheckState('orders-lag')).toBeNull();
    // The same result measured in the current term is written.
    expect((await engine.apply(lag(400, 'SEV2'), now))?.event?.type).toBe('opened');
  });

  it('refuses to be built without a fencing choice (a JavaScript caller passing nothing)', () => {
    const store = new MemoryStore({ clock });
    const options = { store, clock, logger: silentLogger(), policies } as unknown as ConstructorParameters<typeof IncidentEngine>[0];
    expect(() => new IncidentEngine(options)).toThrow(/fencing must be chosen/);
  });

  it('starts a new incident when the open one was resolved by a person meanwhile', async () => {
    const store = new MemoryStore({ clock });
    const { engine, changes } = engineOn(store, clock);
    await engine.apply(lag(400, 'SEV2'));
    const first = changes[0]?.incident;
    await store.commitEvaluation({
      fence: UNFENCED,
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

describe('IncidentEngine: people acknowledging and resolving', () => {
  it('acknowledges an open incident once, with who and when, as an event', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const { engine, changes } = engineOn(store, clock);
    await engine.apply(lag(400, 'SEV2'));
    const id = changes[0]?.incident.id ?? '';
    clock.advance(60_000);

    const acked = await engine.acknowledge(id, 'U0BBB');
    expect(acked.ok).toBe(true);
    expect(await store.getIncident(id)).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'U0BBB',
      acknowledgedAt: clock.now(),
      revision: 2,
    });
    expect(changes[1]?.event).toMatchObject({ type: 'acknowledged', actor: 'U0BBB' });

    expect(await engine.acknowledge(id, 'U0CCC')).toMatchObject({ ok: false, reason: 'already-acknowledged' });
    expect(await engine.acknowledge('INC-999', 'U0CCC')).toMatchObject({
      ok: false,
      reason: 'not-found',
      message: 'There is no incident INC-999.',
    });
  });

  it('keeps the acknowledgement when the monitor updates the incident afterwards', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const { engine } = engineOn(store, clock);
    await engine.apply(lag(400, 'SEV2'));
    const [open] = await store.listOpenIncidents();
    await engine.acknowledge(open?.id ?? '', 'U0BBB');
    await engine.apply(lag(500, 'SEV2'));
    await engine.apply(lag(900, 'SEV1'));
    expect(await store.getIncident(open?.id ?? '')).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'U0BBB',
      severity: 'SEV1',
      summary: 'lag 900s',
    });
  });

  it('a monitor write racing an acknowledgement is retried, never undoing it', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const { engine } = engineOn(store, clock);
    await engine.apply(lag(400, 'SEV2'));
    const [open] = await store.listOpenIncidents();
    // Acknowledge between the monitor's read and its write, as a second replica answering Slack would.
    const realGet = store.getIncident.bind(store);
    let raced = false;
    store.getIncident = async (id: string) => {
      const read = await realGet(id);
      if (!raced) {
        raced = true;
        await engine.acknowledge(id, 'U0CCC');
      }
      return read;
    };
    await engine.apply(lag(900, 'SEV1'));
    expect(await realGet(open?.id ?? '')).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'U0CCC', severity: 'SEV1' });
    expect((await store.getIncidentEvents(open?.id ?? '')).map((e) => e.type)).toEqual(['opened', 'acknowledged', 'escalated']);
  });

  it('resolving by hand records who and why; a check still failing then opens a new incident', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const { engine, changes } = engineOn(store, clock);
    await engine.apply(lag(400, 'SEV2'));
    const id = changes[0]?.incident.id ?? '';
    const resolved = await engine.resolve(id, 'U0CCC', 'failed over to us-west-2');
    expect(resolved).toMatchObject({ ok: true, change: { event: { type: 'resolved', actor: 'U0CCC', note: 'failed over to us-west-2' } } });
    expect(await store.getIncident(id)).toMatchObject({ state: 'resolved', resolvedBy: 'U0CCC' });
    expect(await engine.resolve(id, 'U0CCC')).toMatchObject({ ok: false, reason: 'already-resolved' });

    await engine.apply(lag(400, 'SEV2'));
    const open = await store.listOpenIncidents();
    expect(open).toHaveLength(1);
    expect(open[0]?.id).not.toBe(id);
  });
});
