/** Token-shaped strings never appear in an error line, even when pasted into the wrong field. */
const SECRET_SHAPED = /^(xox[abposr]|xapp)-|^[a-z]+:\/\/[^/@\s]*:[^/@\s]+@/i;
const MAX_SHOWN = 60; // characters

/** How a bad value is named in an error line: `"5x"`, `42`, `a list`, `an empty value`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') {
    if (SECRET_SHAPED.test(value)) return 'a secret-looking value (not shown)';
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return `the date ${value.toISOString()}`;
  if (typeof value === 'object') return 'a map';
  return typeof value;
}
