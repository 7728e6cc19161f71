import { describe, expect, it } from 'vitest';
import { contrastRatio, PAGE_COLOURS, STATUS_COLOURS, STATUS_SYMBOLS } from '../../../src/statuspage/status-palette.js';

describe('status page colours', () => {
  it('computes WCAG contrast ratios (black on white is 21:1, a colour on itself 1:1)', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#777777')).toBeCloseTo(1, 5);
  });

  it.each(Object.entries({ ...PAGE_COLOURS, ...STATUS_COLOURS }))('%s text meets WCAG AA contrast (4.5:1)', (_name, pair) => {
    expect(contrastRatio(pair.fg, pair.bg)).toBeGreaterThanOrEqual(4.5);
  });

  it('every status has its own symbol, so colour is not the only signal', () => {
    const symbols = Object.values(STATUS_SYMBOLS);
    expect(new Set(symbols).size).toBe(symbols.length);
  });
});
