import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncidentMessageRefs } from '../../../src/bot/incident-message-refs.js';
import type { SeenDeliveries } from '../../../src/bot/seen-deliveries.js';

/** One pair of bot state stores under test, sharing a notion of time. */
export interface BotStateUnderTest {
  seen: SeenDeliveries;
  refs: IncidentMessageRefs;
  /** Lets time pass for TTLs: a manual clock for memory, a real wait for Redis. */
  advanceTime(ms: number): Promise<void>;
  cleanup(): Promise<void>;
}

/** The behaviour both implementations (Redis, memory) must have. */
export function defineBotStateContract(label: string, create: () => Promise<BotStateUnderTest>): void {
  describe(`${label} bot state contract`, () => {
    let sut: BotStateUnderTest;
    beforeEach(async () => {
      sut = await create();
    });
    afterEach(async () => {
      await sut.cleanup();
    });

    it('a delivery is first seen once; repeats within the ttl are not', async () => {
      expect(await sut.seen.firstSeen('d1', 10_000)).toBe(true);
      expect(await sut.seen.firstSeen('d1', 10_000)).toBe(false);
      expect(await sut.seen.firstSeen('d2', 10_000)).toBe(true);
    });

    it('a delivery is forgotten after its ttl', async () => {
      expect(await sut.seen.firstSeen('d3', 150)).toBe(true);
      await sut.advanceTime(300);
      expect(await sut.seen.firstSeen('d3', 150)).toBe(true);
    });

    it('an incident message ref is absent, then claimed, then kept by later claims', async () => {
      expect(await sut.refs.get('INC-1')).toBeNull();
      expect(await sut.refs.claim('INC-1', { channel: 'C1', ts: '1.1' })).toEqual({ channel: 'C1', ts: '1.1' });
      expect(await sut.refs.claim('INC-1', { channel: 'C1', ts: '2.2' })).toEqual({ channel: 'C1', ts: '1.1' });
      expect(await sut.refs.get('INC-1')).toEqual({ channel: 'C1', ts: '1.1' });
    });

    it('save overwrites the ref, adding the incident channel', async () => {
      await sut.refs.claim('INC-2', { channel: 'C1', ts: '1.1' });
      await sut.refs.save('INC-2', { channel: 'C1', ts: '1.1', incidentChannelId: 'CINC' });
      expect(await sut.refs.get('INC-2')).toEqual({ channel: 'C1', ts: '1.1', incidentChannelId: 'CINC' });
    });
  });
}
