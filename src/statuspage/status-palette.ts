import type { ComponentStatus } from '../core/action-request.js';

/** A text colour on its background, as `#rrggbb`. */
export interface ColourPair {
  fg: string;
  bg: string;
}

/**
 * The page's colours. Every pair meets WCAG 2.x AA for normal text (contrast >= 4.5:1; a unit
 * test computes it), and colour is never the only signal: each status is also written out and
 * has its own symbol.
 */
export const PAGE_COLOURS = {
  text: { fg: '#1b1f24', bg: '#ffffff' },
  muted: { fg: '#4a5561', bg: '#ffffff' },
  panel: { fg: '#1b1f24', bg: '#f6f8fa' },
  link: { fg: '#0b57d0', bg: '#ffffff' },
} as const satisfies Record<string, ColourPair>;

export const STATUS_COLOURS: Record<ComponentStatus, ColourPair> = {
  operational: { fg: '#0b6e2e', bg: '#e7f5ec' },
  degraded_performance: { fg: '#7a4a00', bg: '#fff4dc' },
  partial_outage: { fg: '#8f3600', bg: '#ffeadb' },
  major_outage: { fg: '#a3001b', bg: '#fde8eb' },
};

/** A shape per status, so the badges differ for readers who cannot tell the colours apart. */
export const STATUS_SYMBOLS: Record<ComponentStatus, string> = {
  operational: '\u2713', // check mark
  degraded_performance: '\u25D0', // half-filled circle
  partial_outage: '\u25B2', // triangle
  major_outage: '\u2715', // cross
};

/** WCAG 2.x contrast ratio between two `#rrggbb` colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const luminance = (hex: string): number => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const v = parseInt(hex.slice(i, i + 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
