import { describe, expect, it } from 'vitest';
import {
  formatAge,
  formatAgeDecimal,
  formatDurationHms,
  formatDurationWords,
  formatUtcMinute,
  formatUtcSecond,
  slackDate,
} from '../../../src/core/format-time.js';

describe('formatDurationHms', () => {
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
    expect(formatDurationHms(ms)).toBe(text);
  });
});

describe('formatAge', () => {
  it.each([
    [-1, '0s'],
    [-5, '0s'],
    [0, '0s'],
    [45_000, '45s'],
    [59_999, '59s'],
    [725_000, '12m'],
    [11_100_000, '3h 5m'],
    [187_200_000, '2d 4h'],
  ])('%i ms -> %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});

describe('formatAgeDecimal', () => {
  it.each([
    [2_700_000, '45m'],
    [95_400_000, '26.5h'],
    [97_200_000, '27h'],
    [362_880_000, '4.2d'],
  ])('%i ms -> %s', (ms, text) => {
    expect(formatAgeDecimal(ms)).toBe(text);
  });
});

describe('formatDurationWords', () => {
  it.each([
    [45_000, '45 s'],
    [725_000, '12 min'],
    [11_100_000, '3 h 5 min'],
    [187_200_000, '2 d 4 h'],
  ])('%i ms -> %s', (ms, text) => {
    expect(formatDurationWords(ms)).toBe(text);
  });
});

describe('instants', () => {
  const at = Date.parse('2026-11-21T06:10:00.750Z');

  it('writes instants in UTC to the second', () => {
    expect(formatUtcSecond(at)).toBe('2026-11-21 06:10:00 UTC');
  });

  it('writes instants in UTC to the minute', () => {
    expect(formatUtcMinute(at + 59_000)).toBe('2026-11-21 06:10 UTC');
    expect(formatUtcMinute(Date.parse('2026-11-21T12:00:00Z') + 59_999)).toBe('2026-11-21 12:00 UTC');
  });

  it('gives Slack a date token in seconds with the UTC minute as fallback', () => {
    expect(slackDate(at)).toBe(`<!date^${Math.floor(at / 1000)}^{date_short_pretty} {time}|2026-11-21 06:10 UTC>`);
  });
});
