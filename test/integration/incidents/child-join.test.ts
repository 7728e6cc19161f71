import { afterAll, describe, expect, it } from 'vitest';
import type { FlapPolicy } from '../../../src/core/evaluate-result.js';
import { IncidentEngine, type WriteFencing } from '../../../src/incidents/incident-engine.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { RedisStore } from '../../../src/backend/redis/redis-store.js';
import type { Lease, Store } from '../../../src/store/store.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import { fail, pass } from '../../doubles/results.js';

/* dependsOn (SPEC §9) in the engine, on the Redis store: what is written, and that it stays fenced. */

const bed = useRedisPrefix('child-join', { perTest: true });
const stores: RedisStore[] = [];
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
});

const ONE: FlapPolicy = { failAfter: 1, recoverAfter: 1 };
const policies = new Map([
  ['edge', ONE],
  ['api', ONE],
  ['web', ONE],
]);
const dependencies = new Map([
  ['api', ['edge']],
  ['web', ['api']],
]);

function setup(fencing: WriteFencing = { mode: 'unfenced' }) {
  const clock = new ManualClock();
  const store = new RedisStore({ redis: bed.redis, keyPrefix: bed.prefix, ownsClient: false });
  const engine = new IncidentEngine({ store, clock, logger: silentLogger(), policies, fencing, dependencies });
  return { clock, store, engine };
}

async function eventsOf(store: Store, id: string): Promise<string[]> {
  return (await store.getIncidentEvents(id)).map((e) => (e.child ? `${e.type} ${e.child.checkId}` : e.type));
}

describe('a dependent check failing while its parent has an open incident', () => {
  it('joins the parent incident once per failure streak; a grandchild joins through its parent', async () => {
    const { engine, store } = setup();
    await engine.apply(fail('SEV2', 'edge'));
    await engine.apply(fail('SEV2', 'api'));
    await engine.apply(fail('SEV2', 'api'));
    await engine.apply(fail('SEV1', 'web'));
    expect((await store.listOpenIncidents()).map((i) => i.id)).toEqual(['INC-1']);
    expect(await eventsOf(store, 'INC-1')).toEqual(['opened', 'child-failed api', 'child-failed web']);
    expect((await store.getCheckState('api'))?.joinedIncidentId).toBe('INC-1');

    // The streak ends and starts again: recorded again, the entry replaced, not repeated.
    await engine.apply(pass('api'));
    expect((await store.getCheckState('api'))?.joinedIncidentId).toBeUndefined();
    await engine.apply(fail('SEV3', 'api'));
    expect(await eventsOf(store, 'INC-1')).toEqual(['opened', 'child-failed api', 'child-failed web', 'child-failed api']);
    expect((await store.getIncident('INC-1'))?.children?.map((c) => `${c.checkId} ${c.severity}`)).toEqual(['web SEV1', 'api SEV3']);
  });

  it('opens its own incident at its next failing run once the parent was resolved by hand', async () => {
    const { engine } = setup();
    await engine.apply(fail('SEV2', 'edge'));
    await engine.apply(fail('SEV2', 'api'));
    expect((await engine.resolve('INC-1', 'U0AAA')).ok).toBe(true);
    const change = await engine.apply(fail('SEV2', 'api'));
    expect([change?.incident.id, change?.incident.checkId, change?.event?.type]).toEqual(['INC-2', 'api', 'opened']);
  });

  it('writes nothing when the leader lost its lease: the join is fenced like any other commit', async () => {
    let lease: Lease | null = null;
    const { engine, store } = setup({ mode: 'leader-lease', currentLease: () => lease });
    lease = await store.acquireLease('monitor', 'old-leader', 60_000);
    await engine.apply(fail('SEV2', 'edge'), lease as Lease);
    // Another replica takes over while this one still believes it leads.
    await store.releaseLease(lease as Lease);
    expect(await store.acquireLease('monitor', 'new-leader', 60_000)).not.toBeNull();
    expect(await engine.apply(fail('SEV2', 'api'), lease as Lease)).toBeNull();
    expect(await eventsOf(store, 'INC-1')).toEqual(['opened']);
    expect((await store.getIncident('INC-1'))?.revision).toBe(1);
    expect(await store.getCheckState('api')).toBeNull();
  });
});
