import { describe, expect, it } from 'vitest';
import { parseRetryAfterMs } from '../../../src/core/parse-retry-after.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');

describe('parseRetryAfterMs', () => {
  it.each<[string | null, number | null]>([
    ['7', 7_000],
    [' 0 ', 0],
    ['Sat, 21 Nov 2026 12:00:30 GMT', 30_000],
    ['Sat, 21 Nov 2026 11:59:00 GMT', 0],
    ['soon', null],
    ['-3', null],
    ['1.5', null],
    [null, null],
  ])('Retry-After %j waits %j ms', (header, expected) => {
    expect(parseRetryAfterMs(header, NOW)).toBe(expected);
  });
});
