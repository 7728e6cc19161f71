import { z } from 'zod';
import type { FailoverRunbook, PromoteTarget, RunbooksConfig } from './types.js';
import { restoreSchema } from './restore-runbook-schema.js';
import { awsRegion, checkId, duration, text } from './field-schemas.js';
import { strictObject } from './strict-object.js';
import { hooksSchema } from './hook-step-schema.js';

/** Runbook names are typed in Slack (`/dr failover orders`) and in confirmation modals. */
const runbookName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not a valid runbook name (lowercase letters, digits, - and _, starting with a letter or digit)`,
});

/** `{ dbInstance }` or `{ globalCluster, targetCluster }`; which one is given is checked in config-rules. */
const promoteSchema = strictObject({
  dbInstance: text.optional(), // RDS PromoteReadReplica
  globalCluster: text.optional(), // Aurora global database: SwitchoverGlobalCluster
  targetCluster: text.optional(),
}).transform(
  (p): PromoteTarget =>
    p.dbInstance !== undefined
      ? { dbInstance: p.dbInstance }
      : { globalCluster: p.globalCluster ?? '', targetCluster: p.targetCluster ?? '' },
);

const dnsSchema = strictObject({
  hostedZoneId: text,
  name: text,
  type: z.enum(['CNAME', 'A', 'AAAA']),
  value: text,
  ttl: z.number().int().min(0).max(2_147_483_647).default(60), // seconds
});

const guardSchema = strictObject({
  lagCheck: checkId, // must name a replication-lag check (config-rules)
  maxLag: duration,
}).transform((g) => ({ lagCheck: g.lagCheck, maxLagMs: g.maxLag }));

const failoverSchema = strictObject({
  region: awsRegion,
  promote: promoteSchema,
  dns: dnsSchema.optional(),
  guard: guardSchema.optional(),
  hooks: hooksSchema.optional(), // HTTP steps after promote and DNS
}).transform(
  (f): FailoverRunbook => ({
    region: f.region,
    promote: f.promote,
    ...(f.dns !== undefined && { dns: f.dns }),
    ...(f.guard !== undefined && { guard: f.guard }),
    ...(f.hooks !== undefined && f.hooks.length > 0 && { hooks: f.hooks }),
  }),
);

const orEmpty = (value: unknown): unknown => value ?? {};

export const runbooksSchema = strictObject({
  failover: z.preprocess(orEmpty, z.record(runbookName, failoverSchema)),
  restore: z.preprocess(orEmpty, z.record(runbookName, restoreSchema)),
}).transform((r): RunbooksConfig => ({ failover: r.failover, restore: r.restore }));
