import { hookTokenVariable } from './hook-step-schema.js';
import type { RunbooksConfig } from './types.js';

/**
 * The bearer tokens the runbooks' hooks read, by variable (LIFEBOAT_HOOK_<NAME>_TOKEN), trimmed (a
 * secret mounted from a file often ends in a newline). Unlike the other variables, a set but empty
 * one is kept as `''`: it is most likely a secret that failed to mount, and the hook's pre-flight
 * refuses it rather than calling without the token. A variable not set is absent: that hook sends
 * no Authorization header, and its plan says so.
 */
export function readHookTokens(runbooks: RunbooksConfig, env: Record<string, string | undefined>): Record<string, string> {
  const tokens: Record<string, string> = {};
  const hooks = [...Object.values(runbooks.failover), ...Object.values(runbooks.restore)].flatMap((r) => r.hooks ?? []);
  for (const { name } of hooks) {
    const variable = hookTokenVariable(name);
    const value = env[variable];
    if (value !== undefined) tokens[variable] = value.trim();
  }
  return tokens;
}
