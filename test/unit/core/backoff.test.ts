import { describe, expect, it } from 'vitest';
import { backoffDelayMs, equalJitterMs, exponentialDelayMs } from '../../../src/core/backoff.js';

const low = () => 0;
const high = () => 0.999999;

describe('exponentialDelayMs', () => {
  it.each([
    [0, 1_000],
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [6, 30_000],
    [10_000, 30_000],
  ])('after %i failures waits %i ms (doubling from 1 s, capped at 30 s)', (failures, expected) => {
    expect(exponentialDelayMs(failures, { baseMs: 1_000, maxMs: 30_000 })).toBe(expected);
  });

  it('grows by the given factor', () => {
    const backoff = { baseMs: 5_000, maxMs: 60_000, factor: 3 };
    expect([1, 2, 3, 4].map((n) => exponentialDelayMs(n, backoff))).toEqual([5_000, 15_000, 45_000, 60_000]);
  });
});

describe('equalJitterMs', () => {
  it('keeps half of the wait fixed and randomises the other half', () => {
    expect(equalJitterMs(4_000, low)).toBe(2_000);
    expect(equalJitterMs(4_000, () => 0.5)).toBe(3_000);
    expect(equalJitterMs(4_000, high)).toBe(4_000);
  });
});

describe('backoffDelayMs', () => {
  it('jitters the capped exponential wait', () => {
    const backoff = { baseMs: 250, maxMs: 3_000 };
    expect(backoffDelayMs(1, backoff, low)).toBe(125);
    expect(backoffDelayMs(3, backoff, high)).toBe(1_000);
    expect(backoffDelayMs(9, backoff, low)).toBe(1_500);
  });
});
