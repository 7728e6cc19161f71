import type { Config } from '../config/types.js';
import { drillCheckId } from '../drills/drill-result.js';

/**
 * The check ids `/dr silence` takes (SPEC §9): every configured check, and each drill's
 * `drill:<name>`, whose incidents are raised like a check's. One list for the parser and the store.
 */
export function silenceableCheckIds(config: Pick<Config, 'checks' | 'drills'>): string[] {
  return [...config.checks.map((c) => c.id), ...Object.keys(config.drills ?? {}).map(drillCheckId)];
}
