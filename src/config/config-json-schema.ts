import { z } from 'zod';
import { duration } from './field-schemas.js';
import { formatConfigDuration } from '../core/format-time.js';
import { configFileSchema } from './schema.js';

/** Where the generated schema is kept for editors (`# yaml-language-server: $schema=…`). */
export const CONFIG_SCHEMA_PATH = 'deploy/lifeboat.schema.json';

const DURATION_PATTERN = '^[1-9][0-9]*(ms|s|m|h|d)$';

/**
 * The config file's JSON Schema (draft 2020-12), generated from the zod schema that validates it
 * (zod 4's own `toJSONSchema`, input side: what a person writes), so editors complete and check
 * `lifeboat.yaml` with the same rules `check-config` applies. Relations between fields (every vs
 * timeout, runbooks naming checks) stay in config-rules: JSON Schema cannot say them, so
 * check-config remains the authority.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configFileSchema, {
    target: 'draft-2020-12',
    io: 'input',
    // Refinements (a cron expression node-cron accepts, an http(s) URL) cannot be expressed; the
    // field's type still is.
    unrepresentable: 'any',
    override: (ctx) => {
      const json = ctx.jsonSchema as Record<string, unknown>;
      const def = ctx.zodSchema._zod.def;
      if (def.type === 'object') {
        // strictObject refuses unknown keys through a catchall that always fails.
        if (def.catchall?._zod.def.type === 'custom') json.additionalProperties = false;
        // A key may be left out when its schema accepts nothing there (a preprocessed section
        // reads an absent `slack:` as {}): only the others are required.
        const required = Object.entries(def.shape ?? {})
          .filter(([, field]) => !z.safeParse(field, undefined).success)
          .map(([key]) => key);
        if (required.length > 0) json.required = required;
        else delete json.required;
      }
      // The default of a duration is kept as milliseconds: show it as a person writes it.
      if (def.type === 'default' && typeof def.defaultValue === 'number' && def.innerType === duration) {
        json.default = formatConfigDuration(def.defaultValue);
      }
      if (ctx.zodSchema === duration) {
        json.pattern = DURATION_PATTERN;
        json.description ??= 'A duration: a whole number and one unit, ms, s, m, h or d (500ms, 15s, 5m, 26h, 1d).';
      }
    },
  }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    title: 'Lifeboat config (lifeboat.yaml)',
    description:
      'Lifeboat: disaster-recovery ChatOps for Slack. Secrets never go here: they come from the environment. `lifeboat check-config` checks what this schema cannot (relations between fields).',
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
  };
}
