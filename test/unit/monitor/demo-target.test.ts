import { describe, expect, it } from 'vitest';
import { demoTargetFailing } from '../../../src/monitor/demo-target.js';

describe('demoTargetFailing', () => {
  it.each([
    [0, false],
    [14_999, false],
    [15_000, true],
    [39_999, true],
    [40_000, false],
    [55_000, true],
  ])('at %ims into a 15s healthy / 25s failing cycle is failing: %s', (elapsed, failing) => {
    expect(demoTargetFailing(elapsed, 15_000, 25_000)).toBe(failing);
  });
});
