import { describe, expect, it } from 'vitest';
import { FireOrder } from '../../../src/monitor/fire-order.js';
import { seededRandom } from './scheduler-helpers.js';

describe('FireOrder', () => {
  it('pops entries earliest first, whatever order they were pushed in, ties included', () => {
    const random = seededRandom(3);
    const order = new FireOrder<{ fireAt: number; id: number }>();
    const pushed = Array.from({ length: 2_000 }, (_, id) => ({ fireAt: Math.floor(random() * 500), id }));
    for (const item of pushed) order.push(item);
    expect(order.size).toBe(2_000);
    const popped: number[] = [];
    for (let item = order.pop(); item !== undefined; item = order.pop()) popped.push(item.fireAt);
    expect(popped).toEqual(pushed.map((p) => p.fireAt).sort((a, b) => a - b));
    expect(order.size).toBe(0);
  });

  it('keeps its order when entries are pushed back while popping, as the timer re-queues each slot', () => {
    const order = new FireOrder<{ fireAt: number }>();
    for (const fireAt of [30, 10, 20]) order.push({ fireAt });
    const first = order.pop();
    expect(first?.fireAt).toBe(10);
    if (first) order.push({ fireAt: first.fireAt + 25 }); // 35
    expect([order.pop(), order.pop(), order.pop(), order.pop()].map((e) => e?.fireAt)).toEqual([20, 30, 35, undefined]);
    expect(order.peek()).toBeUndefined();
  });
});
