import { describe, expect, it } from 'vitest';
import { formatConfigDuration } from '../../../src/core/format-time.js';
import { parseDuration } from '../../../src/config/parse-duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['1ms', 1],
    ['15s', 15_000],
    ['5m', 300_000],
    ['26h', 93_600_000],
    ['1d', 86_400_000],
    ['300s', 300_000],
    ['0015s', 15_000],
  ])('reads %s as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['5x', '"5x" is not a duration (use 500ms, 15s, 5m, 26h)'],
    ['', '"" is not a duration (use 500ms, 15s, 5m, 26h)'],
    ['15', '"15" has no unit (use 500ms, 15s, 5m, 26h)'],
    ['1.5h', '"1.5h" is not a duration: whole numbers only (use 90m)'],
    ['0.5s', '"0.5s" is not a duration: whole numbers only (use 500ms)'],
    ['0s', '"0s" must be longer than zero (use 500ms, 15s, 5m, 26h)'],
    ['-5s', '"-5s" is not a duration (use 500ms, 15s, 5m, 26h)'],
    ['15 s', '"15 s" is not a duration (use 500ms, 15s, 5m, 26h)'],
    ['15S', '"15S" is not a duration (use 500ms, 15s, 5m, 26h)'],
    ['1h30m', '"1h30m" is not a duration (use 500ms, 15s, 5m, 26h)'],
    ['15sec', '"15sec" is not a duration (use 500ms, 15s, 5m, 26h)'],
    ['99999999999999999d', '"99999999999999999d" is too long'],
  ])('rejects %j with a message naming it', (text, message) => {
    expect(() => parseDuration(text)).toThrow(new Error(message));
  });
});

describe('formatConfigDuration', () => {
  it.each([
    [500, '500ms'],
    [1_500, '1500ms'],
    [15_000, '15s'],
    [90_000, '90s'],
    [300_000, '5m'],
    [93_600_000, '26h'],
    [86_400_000, '1d'],
    [0, '0ms'],
  ])('writes %i ms as %s', (ms, text) => {
    expect(formatConfigDuration(ms)).toBe(text);
  });

  it.each([1, 999, 15_000, 61_000, 3_600_000, 93_600_000, 172_800_000])('round-trips %i ms through parseDuration', (ms) => {
    expect(parseDuration(formatConfigDuration(ms))).toBe(ms);
  });
});
