import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../../../src/bot/outbox/outbox-entry.js';
import type { OutboxClaim, SlackOutbox } from '../../../../src/bot/outbox/slack-outbox.js';
import { MANUAL_CLOCK_START } from '../../../doubles/manual-clock.js';

/** One outbox under test and how to clean up after it. */
export interface SlackOutboxUnderTest {
  outbox: SlackOutbox;
  /** A second handle on the same outbox, as another replica would have (Redis: another connection). */
  replica: SlackOutbox;
  cleanup(): Promise<void>;
}

const T0 = MANUAL_CLOCK_START;
const LEASE = 30_000; // ms

export function anEntry(lane: string, over: Partial<OutboxEntry> = {}): OutboxEntry {
  return { lane, kind: 'incident.reply', methods: ['chat.postMessage'], data: { text: 'x' }, enqueuedAt: T0, ...over };
}

/** The behaviour every SlackOutbox must have; each implementation's test file runs it. */
export function defineSlackOutboxContract(label: string, create: () => Promise<SlackOutboxUnderTest>): void {
  describe(`${label} Slack outbox contract`, () => {
    let sut: SlackOutboxUnderTest;
    let outbox: SlackOutbox;

    beforeEach(async () => {
      sut = await create();
      outbox = sut.outbox;
    });
    afterEach(async () => {
      await sut.cleanup();
    });

    async function mustClaim(now = T0, o: SlackOutbox = outbox): Promise<OutboxClaim> {
      const claim = await o.claimNext(now, LEASE);
      if (!claim) throw new Error('expected a claim');
      return claim;
    }

    it('an entry is claimed with its id and data, and completing it empties the outbox', async () => {
      expect(await outbox.enqueue('e1', anEntry('incident:INC-1'), T0)).toBe('enqueued');
      expect(await outbox.pendingEntries()).toBe(1);
      const claim = await mustClaim();
      expect(claim).toMatchObject({
        lane: 'incident:INC-1',
        id: 'e1',
        entry: anEntry('incident:INC-1'),
        attempts: 0,
        progress: { done: {} },
      });
      expect(await outbox.complete(claim, T0 + 1)).toBe(true);
      expect(await outbox.claimNext(T0 + 2, LEASE)).toBeNull();
      expect(await outbox.pendingEntries()).toBe(0);
    });

    it('one lane is delivered in order, the next entry only once the head is done; lanes are independent', async () => {
      await outbox.enqueue('a1', anEntry('incident:INC-1', { data: { text: 'first' } }), T0);
      await outbox.enqueue('a2', anEntry('incident:INC-1', { data: { text: 'second' } }), T0);
      await outbox.enqueue('b1', anEntry('incident:INC-2'), T0);
      const first = await mustClaim();
      const other = await mustClaim();
      expect([first.id, other.id].sort()).toEqual(['a1', 'b1']);
      // While INC-1's head is claimed (or waiting for a retry), nothing else of INC-1 is handed out.
      expect(await outbox.claimNext(T0, LEASE)).toBeNull();
      const a1 = first.id === 'a1' ? first : other;
      await outbox.reschedule(a1, T0 + 1_000, 1, { done: {} });
      expect(await outbox.claimNext(T0 + 500, LEASE)).toBeNull();
      const again = await mustClaim(T0 + 1_000);
      expect([again.id, again.attempts]).toEqual(['a1', 1]);
      await outbox.complete(again, T0 + 1_001);
      expect((await mustClaim(T0 + 1_001)).id).toBe('a2');
    });

    it('a claim is exclusive until its lease lapses; then another replica takes it over, with the progress left', async () => {
      await outbox.enqueue('e1', anEntry('incident:INC-1'), T0);
      const first = await mustClaim();
      expect(await sut.replica.claimNext(T0 + LEASE - 1, LEASE)).toBeNull();
      expect(await outbox.saveProgress(first, { done: {}, inFlight: '' }, T0 + LEASE)).toBe(true);
      const taken = await mustClaim(T0 + LEASE, sut.replica);
      expect(taken.progress).toEqual({ done: {}, inFlight: '' });
      // The first holder's claim is gone: it can neither complete, reschedule nor record progress.
      expect(await outbox.complete(first, T0 + LEASE)).toBe(false);
      expect(await outbox.reschedule(first, T0, 1, { done: {} })).toBe(false);
      expect(await outbox.saveProgress(first, { done: {} }, T0 + 2 * LEASE)).toBe(false);
      expect(await sut.replica.complete(taken, T0 + LEASE)).toBe(true);
    });

    it('recording progress extends the lease', async () => {
      await outbox.enqueue('e1', anEntry('incident:INC-1'), T0);
      const claim = await mustClaim();
      await outbox.saveProgress(claim, { done: { '': { channel: 'C1', ts: '1.1' } } }, T0 + 2 * LEASE);
      expect(await sut.replica.claimNext(T0 + LEASE + 1, LEASE)).toBeNull();
      expect((await mustClaim(T0 + 2 * LEASE, sut.replica)).progress).toEqual({ done: { '': { channel: 'C1', ts: '1.1' } } });
    });

    it('two replicas claiming at once never get the same entry', async () => {
      for (let i = 0; i < 10; i++) await outbox.enqueue(`e${i}`, anEntry(`incident:INC-${i}`), T0);
      const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? outbox : sut.replica).claimNext(T0, LEASE)));
      const ids = claims.flatMap((c) => (c ? [c.id] : []));
      expect(ids.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `e${i}`).sort());
    });

    it('a rate-limited method holds every lane whose head may call it, on every replica, until the pause ends', async () => {
      await outbox.enqueue('p1', anEntry('incident:INC-1'), T0);
      await outbox.enqueue('p2', anEntry('incident:INC-2'), T0);
      const claim = await mustClaim();
      const pauseEnd = T0 + 30_000;
      await outbox.reschedule(claim, pauseEnd, 0, { done: {} }, { method: 'chat.postMessage', until: pauseEnd });
      await outbox.enqueue('u1', anEntry('approval:APR-1', { kind: 'approval.message', methods: ['chat.update'] }), T0);
      expect(await sut.replica.pauses(T0)).toEqual([{ method: 'chat.postMessage', until: pauseEnd }]);
      // Only the chat.update lane is handed out meanwhile.
      const during = await sut.replica.claimNext(T0 + 1, LEASE);
      expect(during?.entry?.methods).toEqual(['chat.update']);
      expect(await sut.replica.claimNext(T0 + 29_999, LEASE)).toBeNull();
      const after = [await mustClaim(pauseEnd, sut.replica), await mustClaim(pauseEnd, sut.replica)];
      expect(after.map((c) => c.id).sort()).toEqual(['p1', 'p2']);
      // A shorter pause never shortens a longer one.
      await outbox.reschedule(after[0] as OutboxClaim, pauseEnd, 0, { done: {} }, { method: 'chat.postMessage', until: pauseEnd - 10_000 });
      expect(await outbox.pauses(T0)).toEqual([{ method: 'chat.postMessage', until: pauseEnd }]);
      expect(await outbox.pauses(pauseEnd)).toEqual([]);
    });

    it('coalesces into an unclaimed entry with the same key, replacing its data when asked; never into a claimed one', async () => {
      const update = (mayPost: boolean) =>
        anEntry('incident:INC-1', { kind: 'incident.message', methods: ['chat.update'], coalesceKey: 'message', data: { mayPost } });
      expect(await outbox.enqueue('m1', update(false), T0)).toBe('enqueued');
      expect(await outbox.enqueue('m2', update(false), T0)).toBe('coalesced');
      expect(await outbox.enqueue('m3', update(true), T0, { replace: true })).toBe('coalesced');
      expect(await outbox.pendingEntries()).toBe(1);
      const claim = await mustClaim();
      expect([claim.id, claim.entry?.data]).toEqual(['m1', { mayPost: true }]);
      // It may already have rendered: a change now needs an entry of its own.
      expect(await outbox.enqueue('m4', update(true), T0, { replace: true })).toBe('enqueued');
      expect(await outbox.enqueue('m5', update(false), T0)).toBe('coalesced');
      await outbox.complete(claim, T0);
      expect((await mustClaim()).id).toBe('m4');
    });

    it('a head given back for a retry takes coalesced changes again (it renders anew when retried)', async () => {
      const update = anEntry('incident:INC-1', {
        kind: 'incident.message',
        methods: ['chat.update'],
        coalesceKey: 'message',
        data: { mayPost: false },
      });
      await outbox.enqueue('m1', update, T0);
      await outbox.reschedule(await mustClaim(), T0 + 1_000, 1, { done: {} });
      expect(await outbox.enqueue('m2', { ...update, data: { mayPost: true } }, T0, { replace: true })).toBe('coalesced');
      expect(await outbox.pendingEntries()).toBe(1);
      expect((await mustClaim(T0 + 1_000)).entry?.data).toEqual({ mayPost: true });
    });

    it('an entry with a once-key is enqueued once, whichever replica tries', async () => {
      const outcome = anEntry('approval:APR-1', { data: { text: 'done' } });
      const results = await Promise.all([
        outbox.enqueue('o1', outcome, T0, { onceKey: 'outcome:APR-1' }),
        sut.replica.enqueue('o2', outcome, T0, { onceKey: 'outcome:APR-1' }),
      ]);
      expect(results.sort()).toEqual(['duplicate', 'enqueued']);
      expect(await outbox.pendingEntries()).toBe(1);
    });

    it('an unreadable entry is handed out as null, so it can be dropped rather than block its lane', async () => {
      await outbox.enqueue('bad', { lane: 'incident:INC-1', kind: 'x', methods: [], data: {}, enqueuedAt: T0 }, T0);
      const claim = await mustClaim();
      expect(claim.entry).toBeNull();
      expect(await outbox.complete(claim, T0)).toBe(true);
    });
  });
}
