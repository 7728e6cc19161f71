import { z } from 'zod';
import { SEVERITIES, worstOf, type Severity } from '../core/severity.js';
import type { BackupCheck, CheckBase, CheckType, HttpCheck, ReplicationLagCheck } from './types.js';
import { LAG_METRICS } from './types.js';
import { awsRegion, checkId, count, cronExpression, duration, httpStatus, httpUrl, severity, text, textMap } from './field-schemas.js';
import { strictObject } from './strict-object.js';

/** Interval when a check gives neither `every` nor `schedule`. */
export const DEFAULT_EVERY_MS = 60_000; // 60 seconds

/** Timeout when a check gives none, by type. */
export const DEFAULT_TIMEOUT_MS: Record<CheckType, number> = {
  http: 5_000, // 5 seconds
  'replication-lag': 10_000, // 10 seconds
  backup: 30_000, // 30 seconds
};

/**
 * The timeout of a check that gives none (SPEC §3): its type's default, or 80 % of `every` when
 * that is shorter, so a short `every` alone is a valid check (`every: 500ms` -> 400ms). A cron
 * `schedule` keeps the type default: its gaps vary (`0 9 * * 1-5`), a 5-field cron's shortest is a
 * minute (above every default), and a run still in flight at the next tick skips that tick.
 * Rounded down to whole ms; 0 only for `every: 1ms`, which check-rules refuses.
 */
export function defaultTimeoutMs(type: CheckType, everyMs: number | undefined): number {
  const typeDefault = DEFAULT_TIMEOUT_MS[type];
  return everyMs === undefined ? typeDefault : Math.min(typeDefault, Math.floor((everyMs * 4) / 5));
}

/** Severity of http and backup checks that give none; lag checks default to their worst threshold. */
const DEFAULT_SEVERITY: Severity = 'SEV2';

const MIB = 1024 * 1024;

/** Fields every check type accepts. Relations between them (every vs schedule, timeout < every) are in check-rules. */
const baseShape = {
  id: checkId.describe('Unique check id: lowercase letters, digits, - and _, at most 63'),
  every: duration.optional().describe('How often the check runs (or give schedule); default 60s'),
  schedule: cronExpression.optional().describe('A cron expression (node-cron), instead of every'),
  timeout: duration
    .optional()
    .describe(
      "Deadline of one run; must be shorter than every. Default: the smaller of the type's default (http 5s, replication-lag 10s, backup 30s) and 80% of every (every: 2s -> 1600ms); with a schedule, the type's default",
    ),
  severity: severity.optional().describe('Severity of the incident a failure opens'),
  failAfter: count.default(1).describe('Consecutive failures before an incident opens'),
  recoverAfter: count.default(1).describe('Consecutive successes before it resolves'),
  component: text.optional().describe('The status-page component this check speaks for'),
  dependsOn: z
    .array(checkId)
    .optional()
    .describe("Parent check ids: while one has an open incident, this check's failure joins it instead of opening its own"),
  remindEvery: duration
    .refine((ms) => ms >= 60_000, { message: 'must be at least 1m' })
    // Node timers fire at once past 2^31-1 ms (about 24.8 days); reminders are swept, but a longer gap is no reminder.
    .refine((ms) => ms <= 24 * 86_400_000, { message: 'must be at most 24d' })
    .optional()
    .describe('Re-announce an open incident in its thread this often (at least 1m); once only after it is acknowledged'),
};

type BaseInput = z.output<z.ZodObject<typeof baseShape>>;

function toBase(c: BaseInput, type: CheckType, severityDefault: Severity): CheckBase {
  const everyMs = c.every ?? (c.schedule === undefined ? DEFAULT_EVERY_MS : undefined);
  return {
    id: c.id,
    ...(everyMs !== undefined && { everyMs }),
    ...(c.schedule !== undefined && { schedule: c.schedule }),
    timeoutMs: c.timeout ?? defaultTimeoutMs(type, everyMs),
    severity: c.severity ?? severityDefault,
    failAfter: c.failAfter,
    recoverAfter: c.recoverAfter,
    ...(c.component !== undefined && { component: c.component }),
    ...(c.dependsOn !== undefined && c.dependsOn.length > 0 && { dependsOn: c.dependsOn }),
    ...(c.remindEvery !== undefined && { remindEveryMs: c.remindEvery }),
  };
}

const httpCheckSchema = strictObject({
  ...baseShape,
  type: z.literal('http'),
  url: httpUrl.describe('The http(s) URL probed'),
  method: z.enum(['GET', 'HEAD']).default('GET'),
  expect: strictObject({
    status: z.array(httpStatus).min(1).default([200]),
    bodyContains: text.optional(),
  }).default({ status: [200] }),
  maxBodyBytes: count.default(MIB).describe('Bytes of the body read at most (for bodyContains)'), // 1 MiB
}).transform(
  (c): HttpCheck => ({
    type: 'http',
    ...toBase(c, 'http', DEFAULT_SEVERITY),
    url: c.url,
    method: c.method,
    expect: {
      status: c.expect.status,
      ...(c.expect.bodyContains !== undefined && { bodyContains: c.expect.bodyContains }),
    },
    maxBodyBytes: c.maxBodyBytes,
  }),
);

/** Lag thresholds keyed by severity; ordering between levels is checked in check-rules. */
const thresholdsSchema = strictObject(
  { SEV1: duration.optional(), SEV2: duration.optional(), SEV3: duration.optional(), SEV4: duration.optional() },
  { unknownKey: (key) => `${JSON.stringify(key)} is not a severity (use ${SEVERITIES.join(', ')})` },
).refine((t) => SEVERITIES.some((s) => t[s] !== undefined), {
  error: 'must set at least one severity, e.g. { SEV3: 60s, SEV2: 300s }',
});

const lagCheckSchema = strictObject({
  ...baseShape,
  type: z.literal('replication-lag'),
  region: awsRegion,
  metric: z.enum(LAG_METRICS).describe('The CloudWatch (AWS/RDS) lag metric read'),
  dimensions: textMap.refine((d) => Object.keys(d).length > 0, {
    error: 'must name at least one CloudWatch dimension, e.g. { DBInstanceIdentifier: orders-replica }',
  }),
  thresholds: thresholdsSchema.describe(
    'Lag above a value opens an incident at that severity (worst wins), e.g. { SEV3: 60s, SEV2: 300s }',
  ),
  missingData: z
    .enum([...SEVERITIES, 'ok'])
    .optional()
    .describe("Severity when no datapoint is in the window; default: the least severe threshold's"),
}).transform((c): ReplicationLagCheck => {
  const thresholdsMs: Partial<Record<Severity, number>> = {};
  for (const level of SEVERITIES) {
    const ms = c.thresholds[level];
    if (ms !== undefined) thresholdsMs[level] = ms;
  }
  const levels = SEVERITIES.filter((level) => thresholdsMs[level] !== undefined);
  const [first = 'SEV2', ...rest] = levels;
  const leastSevere = levels[levels.length - 1] ?? 'SEV2';
  return {
    type: 'replication-lag',
    ...toBase(c, 'replication-lag', worstOf(first, ...rest)),
    region: c.region,
    metric: c.metric,
    dimensions: c.dimensions,
    thresholdsMs,
    missingData: c.missingData ?? leastSevere,
  };
});

const backupCheckSchema = strictObject({
  ...baseShape,
  type: z.literal('backup'),
  region: awsRegion,
  dbInstance: text.optional().describe('The RDS instance whose snapshots are checked (or dbCluster)'), // exactly one of dbInstance / dbCluster (check-rules)
  dbCluster: text.optional().describe('The Aurora cluster whose snapshots are checked (or dbInstance)'),
  maxAge: duration.describe('The newest completed snapshot older than this opens an incident'),
  copyRegion: awsRegion.optional().describe('Also require a copy in this region newer than maxAge'),
}).transform(
  (c): BackupCheck => ({
    type: 'backup',
    ...toBase(c, 'backup', DEFAULT_SEVERITY),
    region: c.region,
    ...(c.dbInstance !== undefined && { dbInstance: c.dbInstance }),
    ...(c.dbCluster !== undefined && { dbCluster: c.dbCluster }),
    maxAgeMs: c.maxAge,
    ...(c.copyRegion !== undefined && { copyRegion: c.copyRegion }),
  }),
);

/** One entry of `checks:`, chosen by its `type`. */
export const checkSchema = z.discriminatedUnion('type', [httpCheckSchema, lagCheckSchema, backupCheckSchema]);
