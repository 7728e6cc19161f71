import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null | undefined;

/**
 * Runs one full (mark-compact) garbage collection, if this V8 lets us; returns whether it ran.
 *
 * Why: V8 sizes the old generation's next collection from the heap it last saw. Parsing a large
 * config (20,000 checks: ~70 MiB of YAML document, ~200 MiB of transient parser tokens) leaves
 * the heap hundreds of MiB large with no full collection yet, and V8 then lets garbage pile up to
 * about twice that before its first one: at 20,000 checks RSS peaked near 900 MiB although the live
 * heap was ~120 MiB. One collection once start-up is done resets that limit to the live set.
 *
 * `--expose-gc` is set for this isolate only to obtain V8's `gc` function in a fresh context (the
 * same way jest's leak detector does); it changes nothing else about the process. Where the flag
 * cannot be set, this is a no-op and returns false.
 */
export function collectGarbageNow(): boolean {
  if (collect === undefined) collect = obtainGc();
  if (collect === null) return false;
  collect();
  return true;
}

function obtainGc(): (() => void) | null {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}
