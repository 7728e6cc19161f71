import { describe, expect, it } from 'vitest';
import { formatAge, utcText } from '../../../../src/bot/blocks/format-time.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');

describe('formatting', () => {
  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [12 * 60_000, '12m'],
    [3 * 3600_000 + 5 * 60_000, '3h 5m'],
    [2 * 86_400_000 + 4 * 3600_000, '2d 4h'],
    [-5, '0s'],
  ])('formatAge(%d) = %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });

  it('utcText shows minutes in UTC', () => {
    expect(utcText(NOW + 59_999)).toBe('2026-11-21 12:00 UTC');
  });
});
