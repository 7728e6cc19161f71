import { describe, expect, it } from 'vitest';
import { formatDuration, formatInstant } from '../../../src/actions/format-duration.js';

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [400, '0s'],
    [45_000, '45s'],
    [60_000, '1m'],
    [432_000, '7m 12s'],
    [3_600_000, '1h'],
    [7_500_000, '2h 5m'],
    [-5_000, '0s'],
  ])('%i ms -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('writes instants in UTC to the second', () => {
    expect(formatInstant(Date.parse('2026-11-21T06:10:00.750Z'))).toBe('2026-11-21 06:10:00 UTC');
  });
});
