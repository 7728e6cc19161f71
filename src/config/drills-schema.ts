import { z } from 'zod';
import type { DrillConfig } from './types.js';
import { cronExpression, duration, httpUrl } from './field-schemas.js';
import { runbookName } from './runbooks-schema.js';
import { strictObject } from './strict-object.js';
import { describeValue } from './describe-value.js';
import { parseDuration } from './parse-duration.js';

// A webhook that answers within the drill's patience: Node timers fire at once past 2^31-1 ms.
const webhookTimeout = duration
  .refine((ms) => ms >= 1_000, { message: 'must be at least 1s' })
  .refine((ms) => ms <= 60 * 60_000, { message: 'must be at most 1h' });

const validateSchema = strictObject({
  webhook: strictObject({ url: httpUrl, timeout: webhookTimeout.default(5 * 60_000) }),
});

// keepFor is a timer in this process (at most a day: a drill resource left longer costs money and
// is better kept by hand). `0s` (delete at once, SPEC §3's example) is the one zero duration allowed.
const keepFor = z
  .string({
    error: (issue) => (issue.input === undefined ? 'required' : `${describeValue(issue.input)} is not a duration (use 0s, 15m, 2h)`),
  })
  .transform((text, ctx) => {
    if (/^0+(ms|s|m|h|d)$/.test(text)) return 0;
    try {
      return parseDuration(text);
    } catch (error) {
      ctx.issues.push({ code: 'custom', message: (error as Error).message, input: text });
      return z.NEVER;
    }
  })
  .refine((ms) => ms <= 86_400_000, { message: 'must be at most 24h' });

export const drillSchema = strictObject({
  restore: runbookName.optional(), // names a restore runbook (drill-rules)
  // SPEC §10's disruptive Multi-AZ drill: accepted here so its refusal can say why (below).
  multiAzFailover: z.unknown().optional(),
  schedule: cronExpression.optional(),
  validate: validateSchema.optional(),
  keepFor: keepFor.default(0),
  rto: duration.optional(),
})
  .superRefine((d, ctx) => {
    if (d.multiAzFailover !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['multiAzFailover'],
        message: 'Multi-AZ failover drills are not supported yet: only restore drills (restore: <restore runbook>) run in this version',
      });
    } else if (d.restore === undefined) {
      ctx.addIssue({ code: 'custom', path: ['restore'], message: 'required: the restore runbook to drill (runbooks.restore.<name>)' });
    }
  })
  .transform(
    (d): DrillConfig => ({
      restore: d.restore ?? '',
      ...(d.schedule !== undefined && { schedule: d.schedule }),
      ...(d.validate !== undefined && { validate: { webhook: { url: d.validate.webhook.url, timeoutMs: d.validate.webhook.timeout } } }),
      keepForMs: d.keepFor,
      ...(d.rto !== undefined && { rtoMs: d.rto }),
    }),
  );

/** Drill names are typed in Slack (`/dr drill orders-restore`): the same rule as runbook names. */
export const drillsSchema = z.record(runbookName, drillSchema);
