import { z } from 'zod';
import type { DemoConfig, MonitorConfig, PagerDutyConfig, RetentionConfig, ServerConfig, SlackConfig, StatusPageConfig } from './types.js';
import { count, duration, port, severity, slackChannel, slackPrincipal, text, textMap } from './field-schemas.js';
import { strictObject } from './strict-object.js';

export const DEFAULT_PORT = 3000;
export const DEFAULT_DEMO_PORT = 3099;

export const serverSchema = strictObject({
  port: port.default(DEFAULT_PORT), // LIFEBOAT_PORT overrides it
}).transform((s): ServerConfig => ({ port: s.port }));

export const slackSchema = strictObject({
  channel: slackChannel.optional(), // required when SLACK_BOT_TOKEN is set (config-rules)
  command: z
    .string()
    .regex(/^\/[a-z0-9_-]{1,31}$/, {
      error: (issue) => `${JSON.stringify(issue.input)} is not a slash command (a "/" then lowercase letters, digits, - or _, e.g. /dr)`,
    })
    .default('/dr'),
  operators: z.array(slackPrincipal).optional(), // default: the approvers
  approvers: z.array(slackPrincipal).default([]), // non-empty when Slack is on (config-rules)
  // distinct approvers besides the requester: the two-person rule needs at least 1
  approvals: z
    .number()
    .int()
    .min(1, { error: (issue) => `${String(issue.input)} would let one person act alone: the two-person rule needs at least 1` })
    .default(1),
  approvalTtl: duration.default(15 * 60_000), // 15 minutes
  incidentChannels: severity.optional(),
}).transform(
  (s): SlackConfig => ({
    ...(s.channel !== undefined && { channel: s.channel }),
    command: s.command,
    operators: s.operators ?? [...s.approvers],
    approvers: s.approvers,
    approvals: s.approvals,
    approvalTtlMs: s.approvalTtl,
    ...(s.incidentChannels !== undefined && { incidentChannels: s.incidentChannels }),
  }),
);

export const pagerdutySchema = strictObject({
  pageAt: severity.default('SEV2'),
  escalateUnackedAfter: duration.optional(),
}).transform(
  (p): PagerDutyConfig => ({
    pageAt: p.pageAt,
    ...(p.escalateUnackedAfter !== undefined && { escalateUnackedAfterMs: p.escalateUnackedAfter }),
  }),
);

export const statuspageSchema = strictObject({
  provider: z.enum(['builtin', 'atlassian']).default('builtin'),
  pageId: text.optional(), // required for atlassian (config-rules)
  components: textMap.default({}), // component name -> provider component id
  // off: a public page never shows unreviewed incidents unless asked; builtin only (config-rules)
  showMonitorIncidents: z.boolean().default(false),
}).transform(
  (s): StatusPageConfig => ({
    provider: s.provider,
    ...(s.pageId !== undefined && { pageId: s.pageId }),
    components: s.components,
    showMonitorIncidents: s.showMonitorIncidents,
  }),
);

export const monitorSchema = strictObject({
  concurrency: count.default(64), // probes in flight at once
  leaseTtl: duration.default(15_000), // 15 seconds: a dead leader is replaced within this
}).transform((m): MonitorConfig => ({ concurrency: m.concurrency, leaseTtlMs: m.leaseTtl }));

const DAY_MS = 86_400_000;

const retentionPeriod = duration.refine((ms) => ms >= DAY_MS, { message: 'must be at least 1d (records younger than a day are still being read)' });

/**
 * How long the record is kept. A resolved incident (its detail compacted at resolution) expires
 * `incidents` after it resolved; approval audit entries older than `audit` are trimmed. At least
 * a day: a shorter retention would delete what on-call is still reading.
 */
export const retentionSchema = strictObject({
  incidents: retentionPeriod.default(400 * DAY_MS), // 400 days after resolution
  audit: retentionPeriod.default(400 * DAY_MS), // 400 days
}).transform((r): RetentionConfig => ({ incidentsMs: r.incidents, auditMs: r.audit }));

export const demoSchema = strictObject({
  port: port.default(DEFAULT_DEMO_PORT),
  healthyFor: duration.default(30_000), // 30 seconds answering 200 "ok"
  failingFor: duration.default(20_000), // 20 seconds answering 503
}).transform((d): DemoConfig => ({ port: d.port, healthyForMs: d.healthyFor, failingForMs: d.failingFor }));
