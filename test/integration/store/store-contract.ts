import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Severity } from '../../../src/core/severity.js';
import { UNFENCED, type Lease, type Store } from '../../../src/store/store.js';
import { defineCheckStatesContract } from './check-states-contract.js';
import { aCheckState, anEvent, anIncident } from './fixtures.js';

/** One store instance under test, with a way to let lease time pass and to clean up after. */
export interface StoreUnderTest {
  store: Store;
  /** Moves the store's lease clock forward: a manual clock for memory, a real wait for Redis. */
  advanceTime(ms: number): Promise<void>;
  cleanup(): Promise<void>;
}

/** The behaviour every Store implementation must have; each implementation's test file runs it. */
export function defineStoreContract(label: string, create: () => Promise<StoreUnderTest>): void {
  // Long enough to call a few commands against Redis before it expires, short enough to wait out.
  const TTL = 200; // ms

  describe(`${label} store contract`, () => {
    let sut: StoreUnderTest;
    let store: Store;

    beforeEach(async () => {
      sut = await create();
      store = sut.store;
    });
    afterEach(async () => {
      await sut.cleanup();
    });

    describe('leases', () => {
      it('a free lease is acquired, and another holder is refused while it is held', async () => {
        const lease = await store.acquireLease('monitor', 'a', TTL);
        expect(lease).toEqual({ name: 'monitor', holder: 'a', token: expect.any(Number) });
        expect(await store.acquireLease('monitor', 'b', TTL)).toBeNull();
        // Leases are independent by name.
        expect(await store.acquireLease('other', 'b', TTL)).not.toBeNull();
      });

      it('renewing keeps the lease past its original ttl; once it lapses another holder takes it', async () => {
        const a = await mustAcquire(store, 'monitor', 'a', TTL);
        await sut.advanceTime(TTL * 0.6);
        expect(await store.renewLease(a, TTL)).toBe(true);
        await sut.advanceTime(TTL * 0.6);
        expect(await store.acquireLease('monitor', 'b', TTL)).toBeNull();

        await sut.advanceTime(TTL * 1.5);
        const b = await mustAcquire(store, 'monitor', 'b', TTL);
        expect(b.token).toBeGreaterThan(a.token);
        expect(await store.renewLease(a, TTL)).toBe(false);
      });

      it('an expired lease cannot be renewed, even when nobody took it', async () => {
        const a = await mustAcquire(store, 'monitor', 'a', TTL);
        await sut.advanceTime(TTL * 1.5);
        expect(await store.renewLease(a, TTL)).toBe(false);
      });

      it('release frees the lease only for the holder and token that hold it', async () => {
        const a = await mustAcquire(store, 'monitor', 'a', TTL * 10);
        await store.releaseLease({ ...a, token: a.token + 1 });
        await store.releaseLease({ ...a, holder: 'b' });
        expect(await store.acquireLease('monitor', 'b', TTL)).toBeNull();

        await store.releaseLease(a);
        expect(await store.acquireLease('monitor', 'b', TTL)).not.toBeNull();
        expect(await store.renewLease(a, TTL)).toBe(false);
      });

      it('fencing tokens strictly increase across acquisitions by any holder', async () => {
        const tokens: number[] = [];
        for (const holder of ['a', 'b', 'a', 'c']) {
          const lease = await mustAcquire(store, 'monitor', holder, TTL * 10);
          tokens.push(lease.token);
          await store.releaseLease(lease);
        }
        const expired = await mustAcquire(store, 'monitor', 'd', TTL);
        await sut.advanceTime(TTL * 1.5);
        const next = await mustAcquire(store, 'monitor', 'e', TTL);
        tokens.push(expired.token, next.token);
        expect([...tokens].sort((x, y) => x - y)).toEqual(tokens);
        expect(new Set(tokens).size).toBe(tokens.length);
      });

      it('a holder re-acquiring its own lease gets a fresh token and its old term is fenced off', async () => {
        const first = await mustAcquire(store, 'monitor', 'a', TTL * 10);
        const second = await mustAcquire(store, 'monitor', 'a', TTL * 10);
        expect(second.token).toBeGreaterThan(first.token);
        expect(await store.renewLease(first, TTL * 10)).toBe(false);
        expect(await store.commitEvaluation({ fence: first, checkState: aCheckState() })).toBe('fenced');
        expect(await store.commitEvaluation({ fence: second, checkState: aCheckState() })).toBe('committed');
      });

      it('refuses a non-positive ttl', async () => {
        await expect(store.acquireLease('monitor', 'a', 0)).rejects.toThrow(/ttlMs/);
      });
    });

    describe('fenced commits', () => {
      it('a commit with a stale fence is refused and writes nothing', async () => {
        const stale = await mustAcquire(store, 'monitor', 'a', TTL);
        await sut.advanceTime(TTL * 1.5);
        const current = await mustAcquire(store, 'monitor', 'b', TTL * 10);
        const incident = anIncident('INC-1');

        const outcome = await store.commitEvaluation({
          fence: stale,
          checkState: aCheckState('api', 'INC-1'),
          incident,
          event: anEvent(incident, 'opened'),
        });

        expect(outcome).toBe('fenced');
        expect(await store.getCheckState('api')).toBeNull();
        expect(await store.getIncident('INC-1')).toBeNull();
        expect(await store.getIncidentEvents('INC-1')).toEqual([]);
        expect(await store.listOpenIncidents()).toEqual([]);
        expect(await store.listRecentIncidents(10)).toEqual([]);
        expect(await store.commitEvaluation({ fence: current, checkState: aCheckState() })).toBe('committed');
      });

      it('a commit fenced by a released lease is refused', async () => {
        const lease = await mustAcquire(store, 'monitor', 'a', TTL * 10);
        await store.releaseLease(lease);
        expect(await store.commitEvaluation({ fence: lease, checkState: aCheckState() })).toBe('fenced');
        expect(await store.getCheckState('api')).toBeNull();
      });
    });

    describe('incidents', () => {
      it('open, update and resolve show in every query, with events in order', async () => {
        const opened = anIncident('INC-1', 0);
        await commit(store, opened, 'opened');
        expect(await store.getIncident('INC-1')).toEqual(opened);
        expect(await store.listOpenIncidents()).toEqual([opened]);

        const escalated = { ...opened, severity: 'SEV1' as const, peakSeverity: 'SEV1' as const, updatedAt: opened.openedAt + 60_000 };
        await commit(store, escalated, 'escalated');
        expect(await store.listOpenIncidents()).toEqual([escalated]);

        const resolvedAt = opened.openedAt + 120_000;
        const resolved = { ...escalated, state: 'resolved' as const, updatedAt: resolvedAt, resolvedAt };
        await commit(store, resolved, 'resolved');

        expect(await store.getIncident('INC-1')).toEqual(resolved);
        expect(await store.listOpenIncidents()).toEqual([]);
        expect(await store.listRecentIncidents(10)).toEqual([resolved]);
        const events = await store.getIncidentEvents('INC-1');
        expect(events.map((e) => e.type)).toEqual(['opened', 'escalated', 'resolved']);
        expect(events.map((e) => e.severity)).toEqual(['SEV2', 'SEV1', 'SEV1']);
      });

      it('lists open incidents oldest first and recent ones newest first, up to the limit', async () => {
        await commit(store, anIncident('INC-1', 0), 'opened');
        await commit(store, anIncident('INC-3', 20, { checkId: 'db' }), 'opened');
        await commit(store, anIncident('INC-2', 10, { checkId: 'dns', state: 'acknowledged', acknowledgedBy: 'U1' }), 'acknowledged');
        await commit(store, anIncident('INC-1', 0, { state: 'resolved', resolvedAt: 1 }), 'resolved');

        expect((await store.listOpenIncidents()).map((i) => i.id)).toEqual(['INC-2', 'INC-3']);
        expect((await store.listRecentIncidents(10)).map((i) => i.id)).toEqual(['INC-3', 'INC-2', 'INC-1']);
        expect((await store.listRecentIncidents(2)).map((i) => i.id)).toEqual(['INC-3', 'INC-2']);
        expect(await store.listRecentIncidents(0)).toEqual([]);
      });

      it('open incidents by severity match the listed ones through opening, escalating, acknowledging and resolving', async () => {
        const expectOpen = async (expected: Severity[]) => {
          const sorted = [...expected].sort();
          expect((await store.listOpenIncidents()).map((i) => i.severity).sort()).toEqual(sorted);
          expect([...(await store.openIncidentSeverities())].sort()).toEqual(sorted);
        };
        await expectOpen([]);
        const api = anIncident('INC-1', 0);
        const db = anIncident('INC-2', 1, { checkId: 'db', severity: 'SEV3', peakSeverity: 'SEV3' });
        const dns = anIncident('INC-3', 2, { checkId: 'dns', severity: 'SEV1', peakSeverity: 'SEV1' });
        for (const incident of [api, db, dns]) await commit(store, incident, 'opened');
        await expectOpen(['SEV2', 'SEV3', 'SEV1']);

        await commit(store, { ...api, revision: 2, severity: 'SEV1', peakSeverity: 'SEV1' }, 'escalated');
        await expectOpen(['SEV1', 'SEV3', 'SEV1']);

        const acked = { ...db, revision: 2, state: 'acknowledged' as const, acknowledgedBy: 'U0BBB' };
        expect(await store.updateIncident({ incident: acked, event: anEvent(acked, 'acknowledged'), expectedRevision: 1 })).toBe(
          'committed',
        );
        await expectOpen(['SEV1', 'SEV3', 'SEV1']);

        await commit(store, { ...dns, revision: 2, state: 'resolved', resolvedAt: dns.openedAt + 1 }, 'resolved');
        await expectOpen(['SEV1', 'SEV3']);

        const resolved = { ...acked, revision: 3, state: 'resolved' as const, resolvedAt: db.openedAt + 2, resolvedBy: 'U0BBB' };
        expect(await store.updateIncident({ incident: resolved, event: anEvent(resolved, 'resolved'), expectedRevision: 2 })).toBe(
          'committed',
        );
        await expectOpen(['SEV1']);
      });

      it('unknown incidents read as null and no events', async () => {
        expect(await store.getIncident('INC-404')).toBeNull();
        expect(await store.getIncidentEvents('INC-404')).toEqual([]);
      });

      it('a commit expecting a revision that changed meanwhile is refused as a conflict and writes nothing', async () => {
        const opened = anIncident('INC-1', 0);
        expect(
          await store.commitEvaluation({
            fence: UNFENCED,
            checkState: aCheckState('api', 'INC-1'),
            incident: opened,
            event: anEvent(opened, 'opened'),
            expectedRevision: 0,
          }),
        ).toBe('committed');
        // A second "open" of the same incident (two writers both saw none) conflicts.
        expect(
          await store.commitEvaluation({ fence: UNFENCED, checkState: aCheckState('api', 'INC-1'), incident: opened, expectedRevision: 0 }),
        ).toBe('conflict');

        const acked = { ...opened, revision: 2, state: 'acknowledged' as const, acknowledgedBy: 'U0BBB' };
        expect(await store.updateIncident({ incident: acked, event: anEvent(acked, 'acknowledged'), expectedRevision: 1 })).toBe(
          'committed',
        );

        // The monitor read revision 1 before the acknowledgement: its write must not undo it.
        const stale = { ...opened, revision: 2, summary: 'HTTP 500' };
        const staleState = { ...aCheckState('api', 'INC-1'), consecutiveFailures: 9 };
        expect(await store.commitEvaluation({ fence: UNFENCED, checkState: staleState, incident: stale, expectedRevision: 1 })).toBe(
          'conflict',
        );
        expect(await store.updateIncident({ incident: stale, event: anEvent(stale, 'escalated'), expectedRevision: 1 })).toBe('conflict');

        expect(await store.getIncident('INC-1')).toEqual(acked);
        expect((await store.getCheckState('api'))?.consecutiveFailures).not.toBe(9);
        expect((await store.getIncidentEvents('INC-1')).map((e) => e.type)).toEqual(['opened', 'acknowledged']);
      });

      it('updateIncident keeps the open index in step: resolving by hand removes it from the open list', async () => {
        const opened = anIncident('INC-7', 0);
        await commit(store, opened, 'opened');
        const resolved = { ...opened, revision: 2, state: 'resolved' as const, resolvedAt: opened.openedAt + 1, resolvedBy: 'U0CCC' };
        expect(await store.updateIncident({ incident: resolved, event: anEvent(resolved, 'resolved'), expectedRevision: 1 })).toBe(
          'committed',
        );
        expect(await store.listOpenIncidents()).toEqual([]);
        expect(await store.listRecentIncidents(5)).toEqual([resolved]);
      });

      it('refuses a commit whose event belongs to another incident', async () => {
        const incident = anIncident('INC-1');
        const event = anEvent(anIncident('INC-2'), 'opened');
        await expect(store.commitEvaluation({ fence: UNFENCED, checkState: aCheckState(), incident, event })).rejects.toThrow(/INC-2/);
        expect(await store.getIncident('INC-1')).toBeNull();
      });
    });

    describe('check state and sequence', () => {
      it('check state round-trips and is replaced by the next commit', async () => {
        expect(await store.getCheckState('api')).toBeNull();
        const first = aCheckState('api', 'INC-1');
        expect(await store.commitEvaluation({ fence: UNFENCED, checkState: first })).toBe('committed');
        expect(await store.getCheckState('api')).toEqual(first);

        const second = { ...first, consecutiveFailures: 0, consecutiveSuccesses: 1, openIncidentId: null };
        await store.commitEvaluation({ fence: UNFENCED, checkState: second });
        expect(await store.getCheckState('api')).toEqual(second);
        expect(await store.listRecentIncidents(10)).toEqual([]);
      });

      it('the incident sequence counts from 1 and never repeats', async () => {
        const numbers = [];
        for (let i = 0; i < 5; i += 1) numbers.push(await store.nextIncidentSequence());
        expect(numbers).toEqual([1, 2, 3, 4, 5]);
      });
    });

    defineCheckStatesContract(() => store);

    it('values are copied: mutating what was passed in or read out does not change the store', async () => {
      const incident = anIncident('INC-1');
      const checkState = aCheckState('api', 'INC-1');
      const event = anEvent(incident, 'opened');
      await store.commitEvaluation({ fence: UNFENCED, checkState, incident, event });
      incident.summary = 'mutated after commit';
      checkState.lastResult!.summary = 'mutated after commit';
      event.summary = 'mutated after commit';

      const read = await mustGet(store, 'INC-1');
      read.state = 'resolved';
      (await store.listOpenIncidents())[0]!.summary = 'mutated list item';
      const readState = await store.getCheckState('api');
      readState!.lastResult!.measurement = { kind: 'demo', note: 'mutated' };
      (await store.getIncidentEvents('INC-1'))[0]!.summary = 'mutated event';

      expect(await store.getIncident('INC-1')).toEqual(anIncident('INC-1'));
      expect(await store.getCheckState('api')).toEqual(aCheckState('api', 'INC-1'));
      expect((await store.getIncidentEvents('INC-1'))[0]!.summary).toBe('HTTP 503');
    });

    it('ping resolves while the store is up', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}

async function mustAcquire(store: Store, name: string, holder: string, ttlMs: number): Promise<Lease> {
  const lease = await store.acquireLease(name, holder, ttlMs);
  if (!lease) throw new Error(`expected ${holder} to acquire ${name}`);
  return lease;
}

async function mustGet(store: Store, id: string) {
  const incident = await store.getIncident(id);
  if (!incident) throw new Error(`expected ${id} to exist`);
  return incident;
}

async function commit(store: Store, incident: ReturnType<typeof anIncident>, type: Parameters<typeof anEvent>[1]) {
  const checkState = aCheckState(incident.checkId, incident.state === 'resolved' ? null : incident.id);
  const outcome = await store.commitEvaluation({ fence: UNFENCED, checkState, incident, event: anEvent(incident, type) });
  expect(outcome).toBe('committed');
}
