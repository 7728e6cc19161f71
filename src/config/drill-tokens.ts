import type { DrillConfig } from './types.js';

/** The variable whose value a drill's validation webhook gets as `Authorization: Bearer …`: `orders-restore` -> LIFEBOAT_DRILL_ORDERS_RESTORE_TOKEN. */
export function drillTokenVariable(drill: string): string {
  return `LIFEBOAT_DRILL_${drill.toUpperCase().replace(/-/g, '_')}_TOKEN`;
}

/**
 * The validation webhooks' bearer tokens, by variable, trimmed, read as the hooks' are
 * (hook-tokens.ts): a variable set but empty is kept as `''` (most likely a secret that failed to
 * mount; the drill refuses to start rather than call without it), one not set is absent (the
 * webhook is called without an Authorization header).
 */
export function readDrillTokens(
  drills: Record<string, DrillConfig> | undefined,
  env: Record<string, string | undefined>,
): Record<string, string> {
  const tokens: Record<string, string> = {};
  for (const [name, drill] of Object.entries(drills ?? {})) {
    // Only a restore drill calls a validation webhook.
    if (!('validate' in drill) || !drill.validate) continue;
    const variable = drillTokenVariable(name);
    const value = env[variable];
    if (value !== undefined) tokens[variable] = value.trim();
  }
  return tokens;
}
