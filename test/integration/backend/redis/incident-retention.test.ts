import { beforeEach, describe, expect, it } from 'vitest';
import { IncidentEngine } from '../../../../src/incidents/incident-engine.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { IncidentRetention, RESOLVED_EVENTS_HEAD, RESOLVED_EVENTS_TAIL } from '../../../../src/backend/redis/incident-retention.js';
import { RedisStore } from '../../../../src/backend/redis/redis-store.js';
import { ManualClock } from '../../../doubles/manual-clock.js';
import { fail, pass } from '../../../doubles/results.js';
import { useRedisPrefix } from '../../../doubles/redis-prefix.js';

const DAY = 86_400_000;
const db = useRedisPrefix('retention', { perTest: true });
let clock: ManualClock;
let engine: IncidentEngine;
let retention: IncidentRetention;
let store: RedisStore;

beforeEach(async () => {
  clock = new ManualClock();
  store = new RedisStore({ redis: db.redis, keyPrefix: db.prefix });
  engine = new IncidentEngine({
    store,
    clock,
    logger: silentLogger(),
    policies: new Map([['api', { failAfter: 1, recoverAfter: 1 }]]),
    fencing: { mode: 'unfenced' },
  });
  retention = new IncidentRetention({
    redis: db.redis,
    keyPrefix: db.prefix,
    policy: { incidentsMs: 400 * DAY, auditMs: 400 * DAY },
    clock,
    logger: silentLogger(),
  });
  // As the app wires it: on the resolved event.
  engine.subscribe((change) => (change.event?.type === 'resolved' ? retention.onResolved(change.incident) : undefined));
});

/** One incident: opens, its severity flaps `flaps` times, then it resolves. Returns its id. */
async function cycle(flaps = 0): Promise<string> {
  const opened = await engine.apply(fail('SEV2', 'api', clock.now()));
  for (let i = 0; i < flaps; i++) {
    clock.advance(1_000);
    await engine.apply(fail(i % 2 === 0 ? 'SEV1' : 'SEV2', 'api', clock.now()));
  }
  clock.advance(1_000);
  await engine.apply(pass('api', clock.now()));
  clock.advance(1_000);
  const id = opened?.incident.id;
  if (!id) throw new Error('no incident opened');
  return id;
}

describe('incident retention (Redis)', () => {
  it('compacts a resolved incident to its first and last events and sets its keys to expire after the retention', async () => {
    await db.redis.hset(`${db.prefix}paging:incident:INC-1`, 'closed', '1');
    const id = await cycle(100);
    expect(id).toBe('INC-1');

    const events = await store.getIncidentEvents(id);
    expect(events).toHaveLength(RESOLVED_EVENTS_HEAD + RESOLVED_EVENTS_TAIL);
    expect(events[0]?.type).toBe('opened');
    expect(events.at(-1)?.type).toBe('resolved');
    expect(events.map((e) => e.at)).toEqual([...events.map((e) => e.at)].sort((a, b) => a - b));
    // What was dropped is on record for the timeline: 102 events (opening, 100 flaps, resolution) less 40 kept.
    const T0 = events[0]?.at ?? 0;
    expect(await retention.compactedEvents(id)).toEqual({ dropped: 62, fromAt: T0 + 20_000, toAt: T0 + 81_000 });
    expect(await retention.compactedEvents('INC-404')).toBeNull();
    const resolvedAt = (await store.getIncident(id))?.resolvedAt ?? 0;
    const keys = ['incident', 'incident-events', 'incident-compacted', 'paging:incident'].map((kind) => `${db.prefix}${kind}:${id}`);
    for (const key of keys) {
      // PEXPIRETIME (Redis >= 7) would be exact; PTTL is measured against Redis's own clock.
      const ttl = await db.redis.pttl(key);
      expect(ttl).toBeGreaterThan(resolvedAt + 400 * DAY - Date.now() - 60_000);
      expect(ttl).toBeLessThanOrEqual(resolvedAt + 400 * DAY - Date.now() + 60_000);
    }
  });

  it('never touches an open incident, nor the expiry of the check state and counters', async () => {
    await engine.apply(fail('SEV2', 'api', clock.now()));
    const [open] = await store.listOpenIncidents();
    if (!open) throw new Error('not opened');
    await retention.onResolved({ ...open, state: 'resolved' }); // a stale copy claiming resolution
    expect(await db.redis.pttl(`${db.prefix}incident:${open.id}`)).toBe(-1);
    expect(await retention.sweep(clock.now() + 1_000 * DAY)).toEqual({ incidentsDropped: 0, auditEntriesTrimmed: 0 });
    expect((await store.getIncident(open.id))?.state).toBe('open');
    expect(await db.redis.pttl(`${db.prefix}check:api`)).toBe(-1);
  });

  it('sweeps out incidents resolved before the cutoff, keeps later ones, and trims the audit stream by time', async () => {
    const old = await cycle(2);
    clock.advance(30 * DAY);
    const recent = await cycle(2);
    // An incident resolved before retention existed has no expiry: the sweep drops its keys too.
    await db.redis.persist(`${db.prefix}incident:${old}`);
    const stream = `${db.prefix}approvals:audit`;
    await db.redis.xadd(stream, `${clock.now() - 500 * DAY}-0`, 'type', 'requested');
    await db.redis.xadd(stream, `${clock.now() - 10 * DAY}-0`, 'type', 'approved');

    const swept = await retention.sweep(clock.now() + 380 * DAY);

    expect(swept).toEqual({ incidentsDropped: 1, auditEntriesTrimmed: 1 });
    expect(await store.getIncident(old)).toBeNull();
    expect(await db.redis.exists(`${db.prefix}incident-events:${old}`)).toBe(0);
    expect((await store.listRecentIncidents(10)).map((i) => i.id)).toEqual([recent]);
    expect((await db.redis.xrange(stream, '-', '+')).map(([, fields]) => fields[1])).toEqual(['approved']);
    expect(await retention.sweep(clock.now() + 380 * DAY)).toEqual({ incidentsDropped: 0, auditEntriesTrimmed: 0 });
  });
});
