import { z } from 'zod';
import type { DrillConfig, MultiAzDrillConfig, MultiAzFailoverTarget, RestoreDrillConfig } from './types.js';
import { inferRegion, multiAzDatabase, regionSources } from './database-regions.js';
import { awsRegion, cronExpression, duration, httpUrl, text } from './field-schemas.js';
import { verifyStepSchema } from './verify-step-schema.js';
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

/**
 * `{ dbInstance }` (RDS Multi-AZ instance: RebootDBInstance with ForceFailover) or
 * `{ dbCluster, targetInstance? }` (Aurora: FailoverDBCluster).
 */
const multiAzFailoverSchema = strictObject({
  dbInstance: text.optional(),
  dbCluster: text.optional(),
  targetInstance: text.optional(),
})
  .superRefine((m, ctx) => {
    if ((m.dbInstance === undefined) === (m.dbCluster === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'give exactly one of dbInstance (an RDS Multi-AZ instance) or dbCluster (an Aurora cluster)',
      });
    } else if (m.targetInstance !== undefined && m.dbCluster === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['targetInstance'],
        message: 'only an Aurora drill (dbCluster) has a target instance; an RDS Multi-AZ instance fails over to its standby',
      });
    }
  })
  .transform(
    (m): MultiAzFailoverTarget =>
      m.dbInstance !== undefined
        ? { dbInstance: m.dbInstance }
        : { dbCluster: m.dbCluster ?? '', ...(m.targetInstance !== undefined && { targetInstance: m.targetInstance }) },
  );

// Fields of one kind of drill only, with why they do not apply to the other.
const RESTORE_ONLY = ['validate', 'keepFor'] as const;
const MULTI_AZ_ONLY = ['region', 'verify'] as const;

export const drillSchema = strictObject({
  restore: runbookName.optional(), // names a restore runbook (drill-rules)
  multiAzFailover: multiAzFailoverSchema.optional(),
  schedule: cronExpression.optional(),
  validate: validateSchema.optional(),
  keepFor: keepFor.optional(),
  region: awsRegion
    .optional()
    .describe(
      'Multi-AZ failover drills: the AWS region of the database; default: the region of the backup check, replication-lag check or runbook naming it',
    ),
  verify: verifyStepSchema.optional(),
  rto: duration.optional(),
})
  .superRefine((d, ctx) => {
    if (d.multiAzFailover !== undefined) {
      if (d.restore !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['restore'],
          message: 'a drill is either a restore drill (restore) or a Multi-AZ failover drill (multiAzFailover), not both',
        });
      // Disruptive: each run is a real failover of a production database, so a person asks for it
      // and a second one approves it with typed confirmation (SPEC §10); a timetable cannot.
      if (d.schedule !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['schedule'],
          message:
            'a Multi-AZ failover drill is disruptive (writes stop while the database fails over), so it only runs on demand (/dr drill) with two-person approval and typed confirmation: remove schedule',
        });
      for (const field of RESTORE_ONLY)
        if (d[field] !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `only restore drills have ${field}; a Multi-AZ failover drill checks recovery with verify: { checks: [...], within }`,
          });
    } else {
      if (d.restore === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['restore'],
          message: 'required: the restore runbook to drill (runbooks.restore.<name>), or multiAzFailover: { dbInstance | dbCluster }',
        });
      for (const field of MULTI_AZ_ONLY)
        if (d[field] !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `only Multi-AZ failover drills have ${field}; a restore drill takes both from its runbook and checks the restored database with validate`,
          });
    }
  })
  .transform((d): ParsedDrill => {
    if (d.multiAzFailover !== undefined)
      return {
        multiAzFailover: d.multiAzFailover,
        ...(d.region !== undefined && { region: d.region }),
        ...(d.verify !== undefined && { verify: d.verify }),
        ...(d.rto !== undefined && { rtoMs: d.rto }),
      };
    return {
      restore: d.restore ?? '',
      ...(d.schedule !== undefined && { schedule: d.schedule }),
      ...(d.validate !== undefined && { validate: { webhook: { url: d.validate.webhook.url, timeoutMs: d.validate.webhook.timeout } } }),
      keepForMs: d.keepFor ?? 0,
      ...(d.rto !== undefined && { rtoMs: d.rto }),
    };
  });

/** A drill as its own entry says it: a Multi-AZ drill may leave its region to the entries naming its database. */
export type ParsedDrill = RestoreDrillConfig | (Omit<MultiAzDrillConfig, 'region'> & { region?: string });

/**
 * Gives each Multi-AZ drill without `region` the region of the checks and runbooks naming its
 * database (SPEC §3's `orders-multi-az` gives none). When they name none or disagree, drill-rules
 * has refused the config already; '' only keeps the type whole.
 */
export function withDrillRegions(
  drills: Record<string, ParsedDrill>,
  config: { checks: unknown; runbooks: unknown },
): Record<string, DrillConfig> {
  return Object.fromEntries(
    Object.entries(drills).map(([name, drill]): [string, DrillConfig] => {
      if (!('multiAzFailover' in drill)) return [name, drill];
      return [name, { ...drill, region: drill.region ?? inferredRegion(drill.multiAzFailover, config) }];
    }),
  );
}

function inferredRegion(target: MultiAzFailoverTarget, config: { checks: unknown; runbooks: unknown }): string {
  const db = multiAzDatabase(target);
  if (!db) return '';
  const inferred = inferRegion(regionSources(config, db), db);
  return 'region' in inferred ? inferred.region : '';
}

/** Drill names are typed in Slack (`/dr drill orders-restore`): the same rule as runbook names. */
export const drillsSchema = z.record(runbookName, drillSchema);
