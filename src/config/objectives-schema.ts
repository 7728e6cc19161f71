import type { PostureConfig, RecoveryObjectives } from './types.js';
import { cronExpression, duration } from './field-schemas.js';
import { strictObject } from './strict-object.js';

/**
 * A runbook's `objectives: { rto, rpo }` (SPEC §3, §10): targets the DR posture reports against,
 * never enforced. An empty `objectives: {}` is refused: it would read as targets set when none are.
 */
export const objectivesSchema = strictObject({
  rto: duration.optional().describe('Longest acceptable time to recovery; drills and runs are judged against it'),
  rpo: duration.optional().describe('Most data that may be lost; the current RPO (restorable window, replica lag) is judged against it'),
})
  .refine((o) => o.rto !== undefined || o.rpo !== undefined, { message: 'give rto, rpo or both (e.g. { rto: 15m, rpo: 5m })' })
  .transform(
    (o): RecoveryObjectives => ({
      ...(o.rto !== undefined && { rtoMs: o.rto }),
      ...(o.rpo !== undefined && { rpoMs: o.rpo }),
    }),
  );

/** Top-level `posture:` (SPEC §3): when the leader posts the DR posture report to `slack.channel`. */
export const postureSchema = strictObject({
  schedule: cronExpression.describe(
    'Post the DR posture report to slack.channel on this cron (node-cron, UTC); with Slack off, not posted (a warning at start)',
  ),
}).transform((p): PostureConfig => ({ schedule: p.schedule }));
