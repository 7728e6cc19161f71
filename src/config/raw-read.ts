import { parseDuration } from './parse-duration.js';

// Readers for the raw YAML value, used by the relation rules. Each returns undefined for anything
// malformed: the field schema reports that, and a rule never reports the same mistake twice.

/** A YAML map, or undefined. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A YAML list, or undefined. */
export function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** A non-empty string, or undefined. */
export function asText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A whole number, or undefined. */
export function asInteger(value: unknown): number | undefined {
  return Number.isInteger(value) ? (value as number) : undefined;
}

/** A valid duration string in milliseconds, or undefined. */
export function asDurationMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return parseDuration(value);
  } catch {
    return undefined;
  }
}

/** True when the key is present with a value (YAML `key:` with nothing after it is null). */
export function isGiven(value: unknown): boolean {
  return value !== undefined && value !== null;
}
