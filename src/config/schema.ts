import { z } from 'zod';
import type { Config } from './types.js';
import { checkSchema } from './checks-schema.js';
import { drillsSchema, withDrillRegions } from './drills-schema.js';
import { maintenanceSchema } from './maintenance-schema.js';
import { postureSchema } from './objectives-schema.js';
import { runbooksSchema } from './runbooks-schema.js';
import {
  demoSchema,
  monitorSchema,
  readinessSchema,
  retentionSchema,
  pagerdutySchema,
  serverSchema,
  slackSchema,
  statuspageSchema,
} from './sections-schema.js';
import { strictObject } from './strict-object.js';

/** An empty section (`slack:` with nothing under it) reads as YAML null: treat it as `{}`. */
function section<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => value ?? {}, schema);
}

/**
 * The config file, field by field: shapes, formats, defaults (with units) and unknown keys.
 * Relations between fields and with the environment are checked by config-rules.
 */
export const configFileSchema = strictObject({
  server: section(serverSchema).describe('The HTTP server'),
  slack: section(slackSchema).describe('The Slack bot: channel, command, who may act and approve (tokens come from the environment)'),
  pagerduty: section(pagerdutySchema).describe('Paging policy (PAGERDUTY_ROUTING_KEY comes from the environment)'),
  statuspage: section(statuspageSchema).describe('The public status page'),
  monitor: section(monitorSchema).describe('The monitor loop'),
  retention: section(retentionSchema).describe('How long resolved incidents and audit entries are kept in Redis'),
  readiness: section(readinessSchema).describe("Scheduled read-only evaluation of every runbook's pre-flight"),
  // absent: no demo target; `demo:` alone: the demo target with its defaults
  demo: z
    .preprocess((value) => (value === null ? {} : value), demoSchema.optional())
    .describe('A built-in target that fails and recovers on a schedule (local mode)'),
  checks: z
    .preprocess((value) => value ?? [], z.array(checkSchema))
    .describe('What the monitor probes: http, replication-lag and backup checks'),
  runbooks: section(runbooksSchema).describe('Failover and restore runbooks, run only through two-person approval'),
  drills: z
    .preprocess((value) => value ?? {}, drillsSchema)
    .describe("Restore drills: restore a runbook's latest restorable time into a temporary tagged instance, check it, delete it"),
  maintenance: maintenanceSchema.describe('Maintenance windows: their checks page nobody and post nothing new in Slack meanwhile'),
  posture: postureSchema.optional().describe('Post the DR posture report (what /dr status shows) to slack.channel on a schedule'),
}).transform(
  (c): Omit<Config, 'env'> => ({
    server: c.server,
    slack: c.slack,
    pagerduty: c.pagerduty,
    statuspage: c.statuspage,
    monitor: c.monitor,
    retention: c.retention,
    readiness: c.readiness,
    ...(c.demo !== undefined && { demo: c.demo }),
    checks: c.checks,
    runbooks: c.runbooks,
    ...(Object.keys(c.drills).length > 0 && { drills: withDrillRegions(c.drills, c) }),
    ...(c.maintenance.length > 0 && { maintenance: c.maintenance }),
    ...(c.posture !== undefined && { posture: c.posture }),
  }),
);

export type ConfigFile = z.output<typeof configFileSchema>;
