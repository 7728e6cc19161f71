import { z } from 'zod';
import type { VerifyStep } from './types.js';
import { checkId, duration } from './field-schemas.js';
import { strictObject } from './strict-object.js';

/** How long a verify step waits for its checks by default, ms (SPEC §3: `within: 10m`). */
export const DEFAULT_VERIFY_WITHIN_MS = 10 * 60_000; // 10 minutes

/** The longest a verify step may wait, ms: a run holds its locks meanwhile, and recovery is judged by then. */
export const MAX_VERIFY_WITHIN_MS = 2 * 60 * 60_000; // 2 hours

/**
 * `verify: { checks: [api], within: 10m }` on a failover or restore runbook: the named checks must
 * all pass in one round within `within`, or the run fails. Whether each id names a configured
 * check is a cross-field rule (config-rules).
 */
export const verifyStepSchema = strictObject({
  checks: z
    .array(checkId)
    .min(1, { message: 'name at least one check (e.g. checks: [api])' })
    .refine((ids) => new Set(ids).size === ids.length, { message: 'names a check twice' })
    .describe('Check ids that must all pass before the run counts as recovered'),
  within: duration
    .refine((ms) => ms >= 1_000, { message: 'must be at least 1s' })
    .refine((ms) => ms <= MAX_VERIFY_WITHIN_MS, { message: 'must be at most 2h' })
    .default(DEFAULT_VERIFY_WITHIN_MS)
    .describe('How long the checks have to pass, after the last other step (default 10m, at most 2h)'),
}).transform((v): VerifyStep => ({ checks: v.checks, withinMs: v.within }));
