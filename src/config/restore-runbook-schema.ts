import { z } from 'zod';
import type { RestoreOverrides, RestoreRunbook } from './types.js';
import { awsRegion, text } from './field-schemas.js';
import { strictObject } from './strict-object.js';
import { dnsStepsSchema } from './dns-step-schema.js';
import { verifyStepSchema } from './verify-step-schema.js';
import { hooksSchema } from './hook-step-schema.js';
import { objectivesSchema } from './objectives-schema.js';

/** `db.serverless` is Aurora Serverless v2's class; its capacity comes from `serverless: { min, max }`. */
export const SERVERLESS_CLASS = 'db.serverless';

const instanceClass = z.string().regex(/^db\.(serverless|[a-z0-9-]+\.[a-z0-9-]+)$/, {
  error: (issue) =>
    issue.input === undefined
      ? 'required'
      : `${JSON.stringify(issue.input)} is not an RDS instance class (e.g. db.r6g.large, or db.serverless with serverless: { min, max })`,
});

// ServerlessV2ScalingConfiguration: "You can specify ACU values in half-step increments"; the
// largest "is 256 for recent Aurora versions"; 0 needs an engine that supports auto-pause.
const acu = z
  .number()
  .min(0)
  .max(256)
  .refine((n) => Number.isInteger(n * 2), { error: (issue) => `${String(issue.input)} is not a whole or half ACU (e.g. 0.5, 8, 16.5)` });

const serverlessSchema = strictObject({ min: acu, max: acu }).refine((s) => s.min <= s.max, {
  error: 'min must not be above max',
  path: ['max'],
});

/** Overrides of the source's settings; where the runbook is silent the source's value is carried over. */
const overrideFields = {
  multiAz: z.boolean().optional(),
  deletionProtection: z.boolean().optional(),
  kmsKeyId: text.optional(),
  parameterGroup: text.optional(),
  optionGroup: text.optional(),
  storageType: text.optional(), // gp2 | gp3 | io1 | io2 | standard | aurora | aurora-iopt1
  iops: z.number().int().min(1).optional(),
  storageThroughput: z.number().int().min(1).optional(), // MiB/s
  tags: z.record(z.string().min(1).max(128), z.string().max(256)).optional(),
  copyTagsToSnapshot: z.boolean().optional(),
  iamDatabaseAuthentication: z.boolean().optional(),
};

type Raw = z.infer<z.ZodObject<typeof overrideFields>>;

function overridesOf(raw: Raw): RestoreOverrides {
  return Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined));
}

/** A setting the API of the runbook's restore cannot take, with the reason. */
function misplaced(r: Raw & { dbCluster?: string | undefined }): Array<{ field: keyof Raw; reason: string }> {
  if (r.dbCluster !== undefined) {
    return (['multiAz', 'optionGroup', 'storageThroughput'] as const)
      .filter((field) => r[field] !== undefined)
      .map((field) => ({
        field,
        reason: 'only for dbInstance runbooks (RestoreDBClusterFromSnapshot and RestoreDBClusterToPointInTime take no such setting)',
      }));
  }
  return r.kmsKeyId !== undefined
    ? [{ field: 'kmsKeyId', reason: "only for dbCluster runbooks (an instance restore takes no KmsKeyId: it keeps the source's key)" }]
    : [];
}

export const restoreSchema = strictObject({
  region: awsRegion,
  dbInstance: text.optional(), // exactly one of dbInstance / dbCluster (config-rules)
  dbCluster: text.optional(),
  instanceClass,
  subnetGroup: text.optional(),
  securityGroups: z.array(text).default([]),
  serverless: serverlessSchema.optional(),
  dns: dnsStepsSchema(true).optional(),
  verify: verifyStepSchema.optional(),
  hooks: hooksSchema.optional(), // HTTP steps after the restore
  objectives: objectivesSchema.optional(), // SPEC §10: reported against, never enforced
  ...overrideFields,
})
  .superRefine((r, ctx) => {
    for (const { field, reason } of misplaced(r)) ctx.addIssue({ code: 'custom', path: [field], message: reason });
    if (r.instanceClass === SERVERLESS_CLASS && r.dbInstance !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['instanceClass'], message: 'db.serverless (Aurora Serverless v2) needs a dbCluster runbook' });
    }
    if (r.serverless !== undefined && r.instanceClass !== SERVERLESS_CLASS) {
      ctx.addIssue({ code: 'custom', path: ['serverless'], message: `only with instanceClass: ${SERVERLESS_CLASS}` });
    }
  })
  .transform(
    ({
      region,
      dbInstance,
      dbCluster,
      instanceClass: cls,
      subnetGroup,
      securityGroups,
      serverless,
      dns,
      verify,
      hooks,
      objectives,
      ...overrides
    }): RestoreRunbook => ({
      region,
      ...(dbInstance !== undefined && { dbInstance }),
      ...(dbCluster !== undefined && { dbCluster }),
      instanceClass: cls,
      ...(subnetGroup !== undefined && { subnetGroup }),
      securityGroups,
      ...(serverless !== undefined && { serverless }),
      overrides: overridesOf(overrides),
      ...(dns !== undefined && { dns }),
      ...(verify !== undefined && { verify }),
      ...(hooks !== undefined && hooks.length > 0 && { hooks }),
      ...(objectives !== undefined && { objectives }),
    }),
  );
