import { z } from 'zod';
import type { FailoverRunbook, PromoteTarget, RunbooksConfig } from './types.js';
import { restoreSchema } from './restore-runbook-schema.js';
import { awsRegion, checkId, duration, text } from './field-schemas.js';
import { strictObject } from './strict-object.js';
import { dnsStepsSchema } from './dns-step-schema.js';
import { verifyStepSchema } from './verify-step-schema.js';
import { hooksSchema } from './hook-step-schema.js';
import { objectivesSchema } from './objectives-schema.js';

/** Runbook names are typed in Slack (`/dr failover orders`) and in confirmation modals. */
export const runbookName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not a valid runbook name (lowercase letters, digits, - and _, starting with a letter or digit)`,
});

/**
 * `{ dbInstance }`, `{ dbCluster }`, `{ globalCluster, targetCluster }` or
 * `{ failoverCluster, targetInstance }`; that exactly one is given is checked in config-rules.
 */
const promoteSchema = strictObject({
  dbInstance: text.optional(), // RDS PromoteReadReplica
  dbCluster: text.optional(), // cross-region Aurora read replica cluster: PromoteReadReplicaDBCluster
  globalCluster: text.optional(), // Aurora global database: SwitchoverGlobalCluster
  targetCluster: text.optional(),
  failoverCluster: text.optional(), // in-region Aurora writer move: FailoverDBCluster
  targetInstance: text.optional(),
}).transform((p): PromoteTarget => {
  if (p.dbInstance !== undefined) return { dbInstance: p.dbInstance };
  if (p.dbCluster !== undefined) return { dbCluster: p.dbCluster };
  if (p.failoverCluster !== undefined) return { failoverCluster: p.failoverCluster, targetInstance: p.targetInstance ?? '' };
  return { globalCluster: p.globalCluster ?? '', targetCluster: p.targetCluster ?? '' };
});

/**
 * Days of automated backups. 1..35: ModifyDBCluster's BackupRetentionPeriod "Must be a value from
 * 1 to 35" (ModifyDBInstance and PromoteReadReplica take 0 to 35; 0 turns backups off, which a
 * new primary must not).
 */
const backupRetention = z.number().int().min(1).max(35);

const guardSchema = strictObject({
  lagCheck: checkId, // must name a replication-lag check (config-rules)
  maxLag: duration,
}).transform((g) => ({ lagCheck: g.lagCheck, maxLagMs: g.maxLag }));

const failoverSchema = strictObject({
  region: awsRegion,
  promote: promoteSchema.optional(),
  backupRetention: backupRetention.optional(),
  dns: dnsStepsSchema(false).optional(),
  guard: guardSchema.optional(),
  verify: verifyStepSchema.optional(),
  hooks: hooksSchema.optional(), // HTTP steps after promote and DNS
  objectives: objectivesSchema.optional(), // SPEC §10: reported against, never enforced
}).transform(
  (f): FailoverRunbook => ({
    region: f.region,
    ...(f.promote !== undefined && { promote: f.promote }),
    ...(f.backupRetention !== undefined && { backupRetention: f.backupRetention }),
    ...(f.dns !== undefined && { dns: f.dns }),
    ...(f.guard !== undefined && { guard: f.guard }),
    ...(f.verify !== undefined && { verify: f.verify }),
    ...(f.hooks !== undefined && f.hooks.length > 0 && { hooks: f.hooks }),
    ...(f.objectives !== undefined && { objectives: f.objectives }),
  }),
);

const orEmpty = (value: unknown): unknown => value ?? {};

export const runbooksSchema = strictObject({
  failover: z.preprocess(orEmpty, z.record(runbookName, failoverSchema)),
  restore: z.preprocess(orEmpty, z.record(runbookName, restoreSchema)),
}).transform((r): RunbooksConfig => ({ failover: r.failover, restore: r.restore }));
