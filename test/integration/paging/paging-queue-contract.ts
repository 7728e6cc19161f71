import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboxClaim, PagingQueue } from '../../../src/paging/paging-queue.js';
import { T0, aState, anOutboxEvent } from './paging-fixtures.js';

/** One queue under test and how to clean up after it. */
export interface PagingQueueUnderTest {
  queue: PagingQueue;
  /** A second handle on the same queue, as another replica would have (Redis: another connection). */
  replica: PagingQueue;
  cleanup(): Promise<void>;
}

const LEASE = 30_000; // ms

/** The behaviour every PagingQueue must have; each implementation's test file runs it. */
export function definePagingQueueContract(label: string, create: () => Promise<PagingQueueUnderTest>): void {
  describe(`${label} paging queue contract`, () => {
    let sut: PagingQueueUnderTest;
    let queue: PagingQueue;

    beforeEach(async () => {
      sut = await create();
      queue = sut.queue;
    });
    afterEach(async () => {
      await sut.cleanup();
    });

    async function mustClaim(now = T0, q: PagingQueue = queue): Promise<OutboxClaim> {
      const claim = await q.claimNext(now, LEASE);
      if (!claim) throw new Error('expected a claim');
      return claim;
    }

    it('a queued trigger is claimed with its event and state, and completing it empties the queue', async () => {
      const event = anOutboxEvent('INC-1');
      expect(await queue.enqueueTrigger(event, aState('INC-1', 'queued'), T0)).toBe('enqueued');
      expect(await queue.pendingEvents()).toBe(1);

      const claim = await mustClaim();
      expect(claim).toMatchObject({ incidentId: 'INC-1', event, attempts: 0, state: aState('INC-1', 'queued') });
      expect(await queue.complete(claim, aState('INC-1', 'triggered', T0 + 5), T0 + 5)).toBe(true);

      expect(await queue.claimNext(T0 + 10, LEASE)).toBeNull();
      expect(await queue.pendingEvents()).toBe(0);
      expect(await queue.getState('INC-1')).toEqual(aState('INC-1', 'triggered', T0 + 5));
    });

    it('events of one incident go out in order: the resolve waits until the trigger is done', async () => {
      const trigger = anOutboxEvent('INC-1');
      const resolve = anOutboxEvent('INC-1', 'resolve');
      await queue.enqueueTrigger(trigger, aState('INC-1', 'queued'), T0);
      expect(await queue.enqueueFollowUp(resolve, T0)).toBe('enqueued');

      const first = await mustClaim();
      expect(first.event).toEqual(trigger);
      // While the trigger is claimed (or being retried), nothing else of INC-1 is handed out.
      expect(await queue.claimNext(T0, LEASE)).toBeNull();
      await queue.complete(first, null, T0 + 1);
      expect((await mustClaim(T0 + 1)).event).toEqual(resolve);
    });

    it('different incidents are claimed independently, the longest waiting first', async () => {
      await queue.enqueueTrigger(anOutboxEvent('INC-2'), aState('INC-2', 'queued'), T0 + 1);
      await queue.enqueueTrigger(anOutboxEvent('INC-1'), aState('INC-1', 'queued'), T0);
      expect((await mustClaim(T0 + 1)).incidentId).toBe('INC-1');
      expect((await mustClaim(T0 + 1)).incidentId).toBe('INC-2');
    });

    it('a claim hides the event until its lease lapses; then it is delivered again and the stale claim cannot complete', async () => {
      await queue.enqueueTrigger(anOutboxEvent('INC-1'), aState('INC-1', 'queued'), T0);
      const crashed = await mustClaim();
      expect(await sut.replica.claimNext(T0 + LEASE - 1, LEASE)).toBeNull();

      const again = await mustClaim(T0 + LEASE, sut.replica);
      expect(again.event).toEqual(crashed.event);
      expect(await queue.complete(crashed, aState('INC-1', 'triggered'), T0 + LEASE)).toBe(false);
      expect(await sut.replica.complete(again, aState('INC-1', 'triggered'), T0 + LEASE)).toBe(true);
      expect(await queue.pendingEvents()).toBe(0);
    });

    it('a rescheduled event waits until its retry time and keeps its failure count and state', async () => {
      await queue.enqueueTrigger(anOutboxEvent('INC-1'), aState('INC-1', 'queued'), T0);
      const retrying = aState('INC-1', 'queued', T0, { retrying: { attempts: 1, lastError: 'HTTP 503', nextAttemptAt: T0 + 1_000 } });
      expect(await queue.reschedule(await mustClaim(), T0 + 1_000, 1, retrying)).toBe(true);

      expect(await queue.claimNext(T0 + 999, LEASE)).toBeNull();
      const claim = await mustClaim(T0 + 1_000);
      expect(claim.attempts).toBe(1);
      expect(claim.state).toEqual(retrying);
      expect(await queue.getState('INC-1')).toEqual(retrying);
    });

    it('pausing all sends holds every incident, on every replica, until the pause ends', async () => {
      await queue.enqueueTrigger(anOutboxEvent('INC-1'), aState('INC-1', 'queued'), T0);
      await queue.enqueueTrigger(anOutboxEvent('INC-2'), aState('INC-2', 'queued'), T0);
      await queue.reschedule(await mustClaim(), T0 + 7_000, 1, null, T0 + 7_000);

      expect(await sut.replica.claimNext(T0 + 6_999, LEASE)).toBeNull();
      expect((await mustClaim(T0 + 7_000, sut.replica)).incidentId).toBeDefined();
    });

    it('acknowledge and resolve are queued only for an incident that was paged', async () => {
      expect(await queue.enqueueFollowUp(anOutboxEvent('INC-1', 'acknowledge'), T0)).toBe('skipped');
      expect(await queue.enqueueFollowUp(anOutboxEvent('INC-1', 'resolve'), T0)).toBe('skipped');
      expect(await queue.pendingEvents()).toBe(0);
    });

    it('once resolved, an incident takes no trigger, and a second resolve is not queued', async () => {
      await queue.enqueueTrigger(anOutboxEvent('INC-1'), aState('INC-1', 'queued'), T0);
      expect(await queue.enqueueFollowUp(anOutboxEvent('INC-1', 'resolve'), T0)).toBe('enqueued');
      expect(await queue.enqueueTrigger(anOutboxEvent('INC-1'), aState('INC-1', 'queued'), T0)).toBe('closed');
      expect(await queue.enqueueFollowUp(anOutboxEvent('INC-1', 'resolve'), T0)).toBe('skipped');
      expect(await queue.enqueueFollowUp(anOutboxEvent('INC-1', 'acknowledge'), T0)).toBe('skipped');
      expect(await queue.pendingEvents()).toBe(2);
    });

    it('a repeated trigger keeps the triggered state PagerDuty confirmed', async () => {
      await queue.enqueueTrigger(anOutboxEvent('INC-1'), aState('INC-1', 'queued'), T0);
      await queue.complete(await mustClaim(), aState('INC-1', 'triggered', T0 + 1), T0 + 1);
      await queue.enqueueTrigger(anOutboxEvent('INC-1'), aState('INC-1', 'queued', T0 + 2), T0 + 2);
      expect(await queue.getState('INC-1')).toEqual(aState('INC-1', 'triggered', T0 + 1));
    });

    describe('escalations', () => {
      const DUE = T0 + 15 * 60_000;

      it('a due escalation moves into the outbox with its latest event and fired state, once', async () => {
        const first = anOutboxEvent('INC-1', 'trigger', { reason: 'first' });
        const latest = anOutboxEvent('INC-1', 'trigger', { reason: 'latest' });
        const fired = aState('INC-1', 'queued', DUE);
        expect(await queue.scheduleEscalation(first, DUE, aState('INC-1', 'scheduled', T0, { escalationDueAt: DUE }), fired)).toBe(
          'scheduled',
        );
        // A later change refreshes what will be sent but never moves the due time.
        expect(await queue.scheduleEscalation(latest, DUE + 60_000, aState('INC-1', 'scheduled', T0 + 1), fired)).toBe('refreshed');
        expect(await queue.getState('INC-1')).toEqual(aState('INC-1', 'scheduled', T0, { escalationDueAt: DUE }));

        expect(await queue.promoteDueEscalations(DUE - 1, 10)).toEqual([]);
        expect(await queue.promoteDueEscalations(DUE, 10)).toEqual(['INC-1']);
        expect(await queue.promoteDueEscalations(DUE + 1, 10)).toEqual([]);
        expect(await queue.getState('INC-1')).toEqual(fired);
        const claim = await mustClaim(DUE);
        expect(claim.event).toEqual(latest);
        // Paged now: acknowledge follows, and no new escalation is armed.
        expect(await queue.scheduleEscalation(first, DUE + 1, aState('INC-1', 'scheduled'), fired)).toBe('skipped');
        expect(await queue.enqueueFollowUp(anOutboxEvent('INC-1', 'acknowledge'), DUE)).toBe('enqueued');
      });

      it('acknowledging or resolving before the due time cancels the escalation for good', async () => {
        const fired = aState('INC-1', 'queued', DUE);
        await queue.scheduleEscalation(anOutboxEvent('INC-1'), DUE, aState('INC-1', 'scheduled'), fired);
        await queue.scheduleEscalation(anOutboxEvent('INC-2'), DUE, aState('INC-2', 'scheduled'), aState('INC-2', 'queued', DUE));
        await queue.enqueueFollowUp(anOutboxEvent('INC-1', 'acknowledge'), T0);
        await queue.enqueueFollowUp(anOutboxEvent('INC-2', 'resolve'), T0);

        expect(await queue.scheduleEscalation(anOutboxEvent('INC-1'), DUE, aState('INC-1', 'scheduled'), fired)).toBe('skipped');
        expect(await queue.promoteDueEscalations(DUE, 10)).toEqual([]);
        expect(await queue.pendingEvents()).toBe(0);
        // Never paged, so there is no paging state to show.
        expect(await queue.getState('INC-1')).toBeNull();
        expect(await queue.getState('INC-2')).toBeNull();
      });

      it('a trigger (Page button) before the due time replaces the escalation', async () => {
        await queue.scheduleEscalation(anOutboxEvent('INC-1'), DUE, aState('INC-1', 'scheduled'), aState('INC-1', 'queued', DUE));
        await queue.enqueueTrigger(anOutboxEvent('INC-1'), aState('INC-1', 'queued', T0), T0);
        expect(await queue.promoteDueEscalations(DUE, 10)).toEqual([]);
        expect(await queue.pendingEvents()).toBe(1);
        expect(await queue.getState('INC-1')).toEqual(aState('INC-1', 'queued', T0));
      });

      it('a cancelled escalation (its check was silenced) never fires, and can be armed afresh', async () => {
        const fired = aState('INC-1', 'queued', DUE);
        await queue.scheduleEscalation(anOutboxEvent('INC-1'), DUE, aState('INC-1', 'scheduled'), fired);
        await sut.replica.cancelEscalation('INC-1');
        await queue.cancelEscalation('INC-1'); // again, and on an incident never scheduled: no-ops
        await queue.cancelEscalation('INC-9');
        expect(await queue.getState('INC-1')).toBeNull();
        expect(await queue.promoteDueEscalations(DUE, 10)).toEqual([]);
        expect(await queue.scheduleEscalation(anOutboxEvent('INC-1'), DUE + 1, aState('INC-1', 'scheduled'), fired)).toBe('scheduled');
        expect(await queue.promoteDueEscalations(DUE + 1, 10)).toEqual(['INC-1']);
        // A paged incident's state is not touched.
        await queue.cancelEscalation('INC-1');
        expect(await queue.getState('INC-1')).toEqual(fired);
      });

      it('two replicas promoting the same due escalation at once move it once', async () => {
        await queue.scheduleEscalation(anOutboxEvent('INC-1'), DUE, aState('INC-1', 'scheduled'), aState('INC-1', 'queued', DUE));
        const results = await Promise.all([
          ...Array.from({ length: 5 }, () => queue.promoteDueEscalations(DUE, 10)),
          ...Array.from({ length: 5 }, () => sut.replica.promoteDueEscalations(DUE, 10)),
        ]);
        expect(results.flat()).toEqual(['INC-1']);
        expect(await queue.pendingEvents()).toBe(1);
      });
    });

    it('racing claims from two replicas hand each event to exactly one of them', async () => {
      for (const id of ['INC-1', 'INC-2', 'INC-3']) await queue.enqueueTrigger(anOutboxEvent(id), aState(id, 'queued'), T0);
      const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? queue : sut.replica).claimNext(T0, LEASE)));
      const won = claims.filter((claim) => claim !== null).map((claim) => claim.incidentId);
      expect(won.sort()).toEqual(['INC-1', 'INC-2', 'INC-3']);
    });
  });
}
