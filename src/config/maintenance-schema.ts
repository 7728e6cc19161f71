import { z } from 'zod';
import { describeValue } from './describe-value.js';
import { checkId, text } from './field-schemas.js';
import { strictObject } from './strict-object.js';
import type { MaintenanceWindow } from './types.js';

/**
 * An ISO-8601 instant with its offset (`2027-01-10T02:00:00Z`), as epoch ms. An unquoted YAML
 * timestamp may arrive as a Date already; a time without an offset is refused, since it would
 * mean a different instant on every replica's time zone.
 */
const isoInstant = z.union([z.string(), z.date()]).transform((value, ctx) => {
  if (value instanceof Date) {
    if (!Number.isNaN(value.getTime())) return value.getTime();
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  ctx.issues.push({
    code: 'custom',
    message: `${describeValue(value)} is not an ISO-8601 time with a zone (e.g. "2027-01-10T02:00:00Z")`,
    input: value,
  });
  return z.NEVER;
});

/** One `maintenance:` entry (SPEC §9); that its checks exist is checked in config-rules. */
const windowSchema = strictObject({
  checks: z.array(checkId).min(1).describe('The check ids silenced during the window'),
  start: isoInstant.describe('When the window opens (ISO-8601 with a zone, e.g. "2027-01-10T02:00:00Z")'),
  end: isoInstant.describe('When it closes: after start'),
  reason: text.max(500).describe('Shown on the incident and in /dr silences'),
})
  .refine((w) => w.end > w.start, { path: ['end'], message: 'must be after start' })
  .transform((w): MaintenanceWindow => ({ checks: w.checks, start: w.start, end: w.end, reason: w.reason }));

/** `maintenance:`: windows during which checks page nobody and post nothing new in Slack. */
export const maintenanceSchema = z.preprocess((value) => value ?? [], z.array(windowSchema));
