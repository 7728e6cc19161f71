import { DURATION_UNITS_MS, formatConfigDuration } from '../core/format-time.js';

function unitMs(unit: string): number {
  return DURATION_UNITS_MS.find(([name]) => name === unit)?.[1] ?? 1;
}

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const HINT = '(use 500ms, 15s, 5m, 26h)';

/**
 * Parses a config duration (`500ms`, `15s`, `5m`, `26h`, `1d`) into milliseconds.
 * Whole positive numbers with exactly one unit; throws an Error naming the bad text otherwise.
 */
export function parseDuration(text: string): number {
  const quoted = JSON.stringify(text);
  const match = DURATION.exec(text);
  if (!match) {
    if (/^\d+$/.test(text)) throw new Error(`${quoted} has no unit ${HINT}`);
    const fraction = /^(\d*\.\d+)(ms|s|m|h|d)$/.exec(text);
    const exactMs = fraction ? Number(fraction[1]) * unitMs(fraction[2] ?? '') : NaN;
    if (Number.isInteger(exactMs) && exactMs > 0) {
      throw new Error(`${quoted} is not a duration: whole numbers only (use ${formatConfigDuration(exactMs)})`);
    }
    throw new Error(`${quoted} is not a duration ${HINT}`);
  }
  const amount = Number(match[1]);
  const ms = amount * unitMs(match[2] ?? '');
  if (ms === 0) throw new Error(`${quoted} must be longer than zero ${HINT}`);
  if (!Number.isSafeInteger(ms)) throw new Error(`${quoted} is too long`);
  return ms;
}
