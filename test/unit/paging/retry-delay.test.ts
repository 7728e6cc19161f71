import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, retryDelayMs } from '../../../src/paging/retry-delay.js';
import { parseRetryAfterMs } from '../../../src/core/parse-retry-after.js';

const low = () => 0;
const high = () => 0.999999;

describe('retryDelayMs', () => {
  it.each([
    [1, 500, 1_000],
    [2, 1_000, 2_000],
    [3, 2_000, 4_000],
    [5, 8_000, 16_000],
    [6, 15_000, 30_000],
    [20, 15_000, 30_000],
  ])('after %i failures waits between %i and %i ms (equal jitter, capped at 30 s)', (failures, min, max) => {
    expect(retryDelayMs(failures, low)).toBe(min);
    expect(retryDelayMs(failures, high)).toBe(max);
  });

  it('never waits less than Retry-After', () => {
    expect(retryDelayMs(1, high, 7_000)).toBe(7_000);
    expect(retryDelayMs(6, high, 7_000)).toBe(30_000);
  });

  it('caps an absurd Retry-After at ten minutes', () => {
    expect(retryDelayMs(1, low, 86_400_000)).toBe(DEFAULT_RETRY_POLICY.maxRetryAfterMs);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-11-21T12:00:00Z');
  it.each<[string | null, number | null]>([
    ['7', 7_000],
    [' 0 ', 0],
    ['Sat, 21 Nov 2026 12:00:30 GMT', 30_000],
    ['Sat, 21 Nov 2026 11:00:00 GMT', 0],
    ['soon', null],
    [null, null],
  ])('%j -> %j ms', (header, expected) => {
    expect(parseRetryAfterMs(header, now)).toBe(expected);
  });
});
