import type { Clock } from '../../src/core/clock.js';

/** Where a ManualClock starts unless told otherwise; tests assert times relative to it. */
export const MANUAL_CLOCK_START = Date.parse('2026-11-21T12:00:00Z');

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private current = MANUAL_CLOCK_START) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(epochMs: number): void {
    this.current = epochMs;
  }
}
