import { describe, expect, it } from 'vitest';
import { FireOrder } from '../../../src/monitor/fire-order.js';
import { seededRandom } from './scheduler-helpers.js';

interface Entry {
  fireAt: number;
  fireIndex: number;
  id: number;
}

const entry = (fireAt: number, id = 0): Entry => ({ fireAt, fireIndex: -1, id });

function drain(order: FireOrder<Entry>): number[] {
  const popped: number[] = [];
  for (let item = order.pop(); item !== undefined; item = order.pop()) popped.push(item.fireAt);
  return popped;
}

describe('FireOrder', () => {
  it('pops entries earliest first, whatever order they were pushed in, ties included', () => {
    const random = seededRandom(3);
    const order = new FireOrder<Entry>();
    const pushed = Array.from({ length: 2_000 }, (_, id) => entry(Math.floor(random() * 500), id));
    for (const item of pushed) order.push(item);
    expect(order.size).toBe(2_000);
    expect(drain(order)).toEqual(pushed.map((p) => p.fireAt).sort((a, b) => a - b));
    expect(order.size).toBe(0);
    expect(pushed.every((p) => p.fireIndex === -1)).toBe(true);
  });

  it('keeps its order when entries are pushed back while popping, as the timer re-queues each slot', () => {
    const order = new FireOrder<Entry>();
    for (const fireAt of [30, 10, 20]) order.push(entry(fireAt));
    const first = order.pop();
    expect(first?.fireAt).toBe(10);
    if (first) order.push({ ...first, fireAt: first.fireAt + 25 }); // 35
    expect(drain(order)).toEqual([20, 30, 35]);
    expect(order.peek()).toBeUndefined();
  });

  it('removes any entry, from the top, the middle or the end, and keeps the rest in order', () => {
    const random = seededRandom(9);
    const order = new FireOrder<Entry>();
    const pushed = Array.from({ length: 500 }, (_, id) => entry(Math.floor(random() * 1_000), id));
    for (const item of pushed) order.push(item);
    const removed = pushed.filter((_, i) => i % 3 === 0);
    for (const item of removed) order.remove(item);
    // Removing again, or removing what was never pushed, changes nothing.
    order.remove(removed[0] as Entry);
    order.remove(entry(5));
    expect(removed.every((r) => r.fireIndex === -1)).toBe(true);
    const kept = pushed.filter((_, i) => i % 3 !== 0);
    expect(drain(order)).toEqual(kept.map((k) => k.fireAt).sort((a, b) => a - b));
  });
});
