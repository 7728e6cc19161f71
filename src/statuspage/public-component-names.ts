import type { Config } from '../config/types.js';

/**
 * The components a status page shows: the keys of `statuspage.components` in config order, then
 * any other component a check speaks for (`checks[].component`), in check order, once each.
 */
export function publicComponentNames(config: Pick<Config, 'statuspage' | 'checks'>): string[] {
  const names = new Set(Object.keys(config.statuspage.components));
  for (const check of config.checks) {
    if (check.component !== undefined) names.add(check.component);
  }
  return [...names];
}
