/**
 * A copy of parsed YAML in which every string owns its characters. The `yaml` parser returns
 * scalars as slices of the file's text, and V8 keeps a sliced string's whole parent alive: one
 * check id or URL held by the running monitor kept the entire config file in the heap (3.4 MiB
 * at 20,000 checks) for the life of the process. Only strings are copied; numbers, booleans,
 * null, and anything that is not a plain array or object are kept as they are. What YAML aliases
 * share stays shared (and a recursive alias does not recurse forever).
 */
export function detachStrings(value: unknown): unknown {
  return detach(value, new Map(), new Map());
}

/**
 * `strings` holds one copy of each distinct string: a config of 20,000 checks repeats `GET`,
 * `SEV2` and its `bodyContains` text 20,000 times, each its own string once sliced or copied.
 */
function detach(value: unknown, copies: Map<object, unknown>, strings: Map<string, string>): unknown {
  if (typeof value === 'string') {
    let copy = strings.get(value);
    if (copy === undefined) {
      copy = ownCopy(value);
      strings.set(copy, copy);
    }
    return copy;
  }
  if (value === null || typeof value !== 'object') return value;
  const done = copies.get(value);
  if (done !== undefined) return done;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    copies.set(value, copy);
    for (const item of value) copy.push(detach(item, copies, strings));
    return copy;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const copy: Record<string, unknown> = {};
  copies.set(value, copy);
  for (const [key, inner] of Object.entries(value)) {
    // Defined, not assigned: a `__proto__` key stays a key, as the parser made it.
    Object.defineProperty(copy, key, { value: detach(inner, copies, strings), enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

// V8 copies substrings shorter than 13 characters (SlicedString::kMinLength) instead of slicing,
// so only longer ones can hold a parent. A UTF-16 round trip makes a new flat string with the
// same code units, lone surrogates included (UTF-8 would replace those).
const MIN_SLICED_LENGTH = 13;

function ownCopy(text: string): string {
  return text.length < MIN_SLICED_LENGTH ? text : Buffer.from(text, 'utf16le').toString('utf16le');
}
