import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TimerQueue } from '../../../src/monitor/timer-queue.js';

interface Entry {
  id: string;
  fireAt: number;
  fireIndex: number;
}

const entry = (id: string): Entry => ({ id, fireAt: 0, fireIndex: -1 });

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('TimerQueue', () => {
  it('fires each entry at its time, earliest first, all from one timer', async () => {
    const fired: [string, number][] = [];
    const queue = new TimerQueue<Entry>(
      () => performance.now(),
      (e) => fired.push([e.id, performance.now()]),
    );
    queue.add(entry('b'), 200);
    queue.add(entry('d'), 300);
    queue.add(entry('a'), 100);
    queue.add(entry('c'), 150);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(120);
    expect(fired).toEqual([['a', 100]]);
    await vi.advanceTimersByTimeAsync(500);
    expect(fired).toEqual([
      ['a', 100],
      ['c', 150],
      ['b', 200],
      ['d', 300],
    ]);
    expect(queue.size).toBe(0);
  });

  it('keeps firing later entries when one entry’s handler throws', async () => {
    const fired: string[] = [];
    const queue = new TimerQueue<Entry>(
      () => performance.now(),
      (e) => {
        if (e.id === 'bad') throw new Error('handler failed');
        fired.push(e.id);
      },
    );
    queue.add(entry('bad'), 10);
    queue.add(entry('good'), 50);
    const caught: unknown[] = [];
    try {
      await vi.advanceTimersByTimeAsync(20);
    } catch (err) {
      caught.push(err);
    }
    expect(caught).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(fired).toEqual(['good']);
  });

  it('does not fire an entry removed before its time, and clear() leaves no timer', async () => {
    const fired: string[] = [];
    const queue = new TimerQueue<Entry>(
      () => performance.now(),
      (e) => fired.push(e.id),
    );
    const first = entry('first');
    queue.add(first, 100);
    queue.add(entry('second'), 200);
    queue.remove(first);
    await vi.advanceTimersByTimeAsync(150);
    expect(fired).toEqual([]);
    queue.clear();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(500);
    expect(fired).toEqual([]);
  });
});
