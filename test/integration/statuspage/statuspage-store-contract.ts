import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StatusPageStore } from '../../../src/statuspage/statuspage-store.js';
import type { StatusPageUpdate } from '../../../src/statuspage/status-page.js';

/** One status-page store under test, with a way to let lock time pass and to clean up after. */
export interface StatusPageStoreUnderTest {
  store: StatusPageStore;
  /** Moves the lock clock forward: a manual clock for memory, a real wait for Redis. */
  advanceTime(ms: number): Promise<void>;
  cleanup(): Promise<void>;
}

export const T0 = Date.parse('2026-11-21T12:00:00Z');

/** An update for INC-4 with overrides. */
export function anUpdate(overrides: Partial<StatusPageUpdate> = {}): StatusPageUpdate {
  return {
    incidentId: 'INC-4',
    title: 'Elevated API errors',
    status: 'investigating',
    message: 'Some API requests fail.',
    components: { api: 'partial_outage' },
    impact: 'major',
    ...overrides,
  };
}

/** The behaviour every StatusPageStore must have; each implementation's test file runs it. */
export function defineStatusPageStoreContract(label: string, create: () => Promise<StatusPageStoreUnderTest>): void {
  const TTL = 200; // ms: a few Redis round trips before it lapses, short enough to wait out

  describe(`${label} status-page store contract`, () => {
    let sut: StatusPageStoreUnderTest;
    let store: StatusPageStore;

    beforeEach(async () => {
      sut = await create();
      store = sut.store;
    });
    afterEach(async () => {
      await sut.cleanup();
    });

    it('starts empty', async () => {
      expect(await store.listPublished(10)).toEqual([]);
      expect(await store.getComponents()).toEqual({});
      expect(await store.getProviderIncidentId('INC-4')).toBeNull();
    });

    it('the first publish creates the incident, later ones update it, with updates newest first', async () => {
      expect(await store.recordPublished(anUpdate(), T0)).toBe('created');
      expect(
        await store.recordPublished(
          anUpdate({ status: 'identified', title: 'API errors in eu-west-1', message: 'Found it.', components: {} }),
          T0 + 60_000,
        ),
      ).toBe('updated');

      expect(await store.listPublished(10)).toEqual([
        {
          id: 'INC-4',
          title: 'API errors in eu-west-1',
          status: 'identified',
          impact: 'major',
          createdAt: T0,
          updatedAt: T0 + 60_000,
          updates: [
            { status: 'identified', message: 'Found it.', at: T0 + 60_000, components: {} },
            { status: 'investigating', message: 'Some API requests fail.', at: T0, components: { api: 'partial_outage' } },
          ],
        },
      ]);
    });

    it('component statuses follow the latest publish that named them', async () => {
      await store.recordPublished(anUpdate({ components: { api: 'major_outage', web: 'degraded_performance' } }), T0);
      await store.recordPublished(anUpdate({ status: 'resolved', components: { api: 'operational' } }), T0 + 5_000);
      expect(await store.getComponents()).toEqual({
        api: { status: 'operational', updatedAt: T0 + 5_000 },
        web: { status: 'degraded_performance', updatedAt: T0 },
      });
    });

    it('resolved sets resolvedAt; a later non-resolved update clears it; impact is kept when not given', async () => {
      await store.recordPublished(anUpdate(), T0);
      await store.recordPublished(anUpdate({ status: 'resolved', impact: undefined }), T0 + 1_000);
      expect((await store.listPublished(1))[0]).toMatchObject({ status: 'resolved', resolvedAt: T0 + 1_000, impact: 'major' });
      await store.recordPublished(anUpdate({ status: 'investigating', impact: 'critical' }), T0 + 2_000);
      const [reopened] = await store.listPublished(1);
      expect(reopened).toMatchObject({ status: 'investigating', impact: 'critical' });
      expect(reopened).not.toHaveProperty('resolvedAt');
    });

    it('lists incidents newest first, up to the limit', async () => {
      await store.recordPublished(anUpdate({ incidentId: 'INC-1' }), T0);
      await store.recordPublished(anUpdate({ incidentId: 'INC-3' }), T0 + 2_000);
      await store.recordPublished(anUpdate({ incidentId: 'INC-2' }), T0 + 1_000);
      // An update to an old incident does not move it: order is by when it was first published.
      await store.recordPublished(anUpdate({ incidentId: 'INC-1', status: 'monitoring' }), T0 + 3_000);
      expect((await store.listPublished(10)).map((i) => i.id)).toEqual(['INC-3', 'INC-2', 'INC-1']);
      expect((await store.listPublished(2)).map((i) => i.id)).toEqual(['INC-3', 'INC-2']);
      expect(await store.listPublished(0)).toEqual([]);
    });

    it('keeps operator text exactly, markup and all', async () => {
      const message = '<script>alert("x")</script> & "quotes"\nsecond line 🚨';
      await store.recordPublished(anUpdate({ message, title: 'A <b>bold</b> title' }), T0);
      const [incident] = await store.listPublished(1);
      expect(incident?.title).toBe('A <b>bold</b> title');
      expect(incident?.updates[0]?.message).toBe(message);
    });

    it('keeps the provider incident id per Lifeboat incident', async () => {
      await store.saveProviderIncidentId('INC-4', 'p31zjtct2jer');
      expect(await store.getProviderIncidentId('INC-4')).toBe('p31zjtct2jer');
      expect(await store.getProviderIncidentId('INC-5')).toBeNull();
    });

    it('a publish lock is exclusive until released by its holder, or until it lapses', async () => {
      expect(await store.acquirePublishLock('INC-4', 'a', TTL * 10)).toBe(true);
      expect(await store.acquirePublishLock('INC-4', 'b', TTL * 10)).toBe(false);
      expect(await store.acquirePublishLock('INC-5', 'b', TTL * 10)).toBe(true);
      await store.releasePublishLock('INC-4', 'b'); // not b's: no effect
      expect(await store.acquirePublishLock('INC-4', 'b', TTL * 10)).toBe(false);
      await store.releasePublishLock('INC-4', 'a');
      expect(await store.acquirePublishLock('INC-4', 'b', TTL)).toBe(true);
      await sut.advanceTime(TTL * 1.5);
      expect(await store.acquirePublishLock('INC-4', 'c', TTL)).toBe(true);
    });

    it('refuses a lock ttl that is not positive, and a negative list limit', async () => {
      await expect(store.acquirePublishLock('INC-4', 'a', 0)).rejects.toMatchObject({ code: 'LIFEBOAT_STORE_INVALID_ARGUMENT' });
      await expect(store.listPublished(-1)).rejects.toMatchObject({ code: 'LIFEBOAT_STORE_INVALID_ARGUMENT' });
    });
  });
}
