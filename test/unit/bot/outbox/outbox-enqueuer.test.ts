import { describe, expect, it, vi } from 'vitest';
import { MemorySlackOutbox } from '../../../../src/backend/memory/memory-slack-outbox.js';
import { OutboxEnqueuer } from '../../../../src/bot/outbox/outbox-enqueuer.js';
import type { SlackOutbox } from '../../../../src/bot/outbox/slack-outbox.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { StoreError } from '../../../../src/store/store-error.js';
import { ManualClock } from '../../../doubles/manual-clock.js';

/** A memory outbox whose writes fail while `down` (as a store that does not answer). */
function flakyOutbox(): { outbox: SlackOutbox; inner: MemorySlackOutbox; setDown(down: boolean): void } {
  const inner = new MemorySlackOutbox();
  let down = false;
  const outbox: SlackOutbox = Object.assign(Object.create(inner) as SlackOutbox, {
    enqueue: (...args: Parameters<SlackOutbox['enqueue']>) =>
      down ? Promise.reject(new StoreError('LIFEBOAT_STORE_UNAVAILABLE', 'Redis is down')) : inner.enqueue(...args),
  });
  return { outbox, inner, setDown: (d) => (down = d) };
}

const reply = (lane: string, text: string) => ({
  lane,
  kind: 'incident.reply',
  methods: ['chat.postMessage'],
  data: { incidentId: lane, text },
});

describe('OutboxEnqueuer', () => {
  it('never throws or waits while the store is down, holds entries in order and writes them when it answers again', async () => {
    const { outbox, inner, setDown } = flakyOutbox();
    const woken = vi.fn();
    const logger = silentLogger();
    const errors = vi.spyOn(logger, 'error');
    const enqueuer = new OutboxEnqueuer({ outbox, clock: new ManualClock(), logger, onEnqueued: woken });
    setDown(true);
    for (const text of ['first', 'second', 'third']) expect(enqueuer.enqueue(reply('incident:INC-1', text))).toBeUndefined();
    await enqueuer.settled(1_000); // returns at once: nothing can be written now
    expect(enqueuer.buffered).toBe(3);
    expect(errors).toHaveBeenCalledTimes(1); // loudly, once per outage
    setDown(false);
    await vi.waitFor(() => expect(enqueuer.buffered).toBe(0), { timeout: 3_000 });
    expect(woken).toHaveBeenCalled();
    const texts: unknown[] = [];
    for (let claim = await inner.claimNext(Date.now() * 2, 1); claim; claim = await inner.claimNext(Date.now() * 2, 1)) {
      texts.push(claim.entry?.data.text);
      await inner.complete(claim, 0);
    }
    expect(texts).toEqual(['first', 'second', 'third']);
  });
});
