import { z } from 'zod';
import type {
  DemoConfig,
  MonitorConfig,
  PagerDutyConfig,
  ReadinessConfig,
  RetentionConfig,
  ServerConfig,
  SlackConfig,
  StatusPageConfig,
} from './types.js';
import { count, duration, port, severity, slackChannel, slackPrincipal, text, textMap } from './field-schemas.js';
import { strictObject } from './strict-object.js';

export const DEFAULT_PORT = 3000;
export const DEFAULT_DEMO_PORT = 3099;

export const serverSchema = strictObject({
  port: port
    .default(DEFAULT_PORT)
    .describe('HTTP port for /healthz, /readyz, /metrics, /slack/events and /status; LIFEBOAT_PORT overrides it'),
}).transform((s): ServerConfig => ({ port: s.port }));

export const slackSchema = strictObject({
  channel: slackChannel
    .optional()
    .describe('Where incidents and approval requests are posted (a channel id, C…); required when SLACK_BOT_TOKEN is set'), // (config-rules)
  command: z
    .string()
    .regex(/^\/[a-z0-9_-]{1,31}$/, {
      error: (issue) => `${JSON.stringify(issue.input)} is not a slash command (a "/" then lowercase letters, digits, - or _, e.g. /dr)`,
    })
    .default('/dr')
    .describe('The slash command name, as in the Slack app manifest'),
  operators: z
    .array(slackPrincipal)
    .optional()
    .describe('Slack user ids (U…) or usergroup ids (S…) who may acknowledge, resolve and request actions; default: the approvers'),
  approvers: z
    .array(slackPrincipal)
    .default([])
    .describe('Slack user ids (U…) or usergroup ids (S…) who may approve requests; at least one when Slack is on'), // (config-rules)
  // distinct approvers besides the requester: the two-person rule needs at least 1
  approvals: z
    .number()
    .int()
    .min(1, { error: (issue) => `${String(issue.input)} would let one person act alone: the two-person rule needs at least 1` })
    .default(1)
    .describe('Distinct approvers needed besides the requester (the two-person rule: at least 1)'),
  approvalTtl: duration.default(15 * 60_000).describe('A request expires this long after it was made'), // 15 minutes
  incidentChannels: severity.optional().describe('Open a dedicated Slack channel for incidents at or above this severity'),
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

/**
 * A dedup_key may be 255 characters (Events API v2); incident ids are short, so 64 leaves room.
 * Visible ASCII only: the key is matched back byte for byte when PagerDuty's webhooks name it.
 */
const dedupPrefix = z.string().regex(/^[\x21-\x7e]{1,64}$/, {
  error: (issue) => `${JSON.stringify(issue.input)} is not a valid dedup prefix (1 to 64 visible ASCII characters, no spaces)`,
});

export const pagerdutySchema = strictObject({
  pageAt: severity.default('SEV2').describe('Page PagerDuty at once for incidents at or above this severity'),
  escalateUnackedAfter: duration.optional().describe('Page a lower-severity incident nobody acknowledged within this time'),
  dedupPrefix: dedupPrefix
    .optional()
    .describe(
      "Prefix of every PagerDuty dedup_key (e.g. 'prod-'), so deployments sharing an integration key never touch each other's alerts",
    ),
}).transform(
  (p): PagerDutyConfig => ({
    pageAt: p.pageAt,
    ...(p.escalateUnackedAfter !== undefined && { escalateUnackedAfterMs: p.escalateUnackedAfter }),
    ...(p.dedupPrefix !== undefined && { dedupPrefix: p.dedupPrefix }),
  }),
);

export const statuspageSchema = strictObject({
  provider: z
    .enum(['builtin', 'atlassian'])
    .default('builtin')
    .describe('builtin serves /status; atlassian posts to Atlassian Statuspage (STATUSPAGE_API_KEY)'),
  pageId: text.optional().describe('Atlassian Statuspage page id; required with provider atlassian'),
  components: textMap.default({}).describe('Status-page component name -> provider component id (checks name a component)'),
  // off: a public page never shows unreviewed incidents unless asked; builtin only (config-rules)
  showMonitorIncidents: z
    .boolean()
    .default(false)
    .describe("builtin only: also show the monitor's own, unreviewed incidents on /status (off for a public page)"),
}).transform(
  (s): StatusPageConfig => ({
    provider: s.provider,
    ...(s.pageId !== undefined && { pageId: s.pageId }),
    components: s.components,
    showMonitorIncidents: s.showMonitorIncidents,
  }),
);

export const monitorSchema = strictObject({
  concurrency: count.default(64).describe('Probes in flight at once'),
  leaseTtl: duration.default(15_000).describe("The monitor leader's lease: a dead leader is replaced within this"), // 15 seconds
}).transform((m): MonitorConfig => ({ concurrency: m.concurrency, leaseTtlMs: m.leaseTtl }));

/**
 * Readiness (SPEC §10): every runbook's pre-flight, evaluated read-only on this cadence. At least a
 * minute: each cycle reads AWS, and drift that matters lasts longer than that.
 */
export const readinessSchema = strictObject({
  every: duration
    .refine((ms) => ms >= 60_000, { message: 'must be at least 1m (each evaluation reads AWS)' })
    // Node timers fire at once past 2^31-1 ms (about 24.8 days).
    .refine((ms) => ms <= 24 * 86_400_000, { message: 'must be at most 24d' })
    .default(30 * 60_000)
    .describe("Evaluate every runbook's pre-flight, read-only, this often (1m to 24d)"), // 30 minutes
  severity: severity.default('SEV3').describe('A runbook that would be refused now opens an incident at this severity'),
}).transform((r): ReadinessConfig => ({ everyMs: r.every, severity: r.severity }));

const DAY_MS = 86_400_000;

const retentionPeriod = duration.refine((ms) => ms >= DAY_MS, {
  message: 'must be at least 1d (records younger than a day are still being read)',
});

/**
 * How long the record is kept. A resolved incident (its detail compacted at resolution) expires
 * `incidents` after it resolved; approval audit entries older than `audit` are trimmed. At least
 * a day: a shorter retention would delete what on-call is still reading.
 */
export const retentionSchema = strictObject({
  incidents: retentionPeriod.default(400 * DAY_MS).describe('A resolved incident expires this long after it resolved (at least 1d)'), // 400 days
  audit: retentionPeriod.default(400 * DAY_MS).describe('Approval audit entries older than this are trimmed (at least 1d)'), // 400 days
}).transform((r): RetentionConfig => ({ incidentsMs: r.incidents, auditMs: r.audit }));

export const demoSchema = strictObject({
  port: port.default(DEFAULT_DEMO_PORT),
  healthyFor: duration.default(30_000).describe('The demo target answers 200 "ok" this long'), // 30 seconds
  failingFor: duration.default(20_000).describe('then 503 this long, repeating'), // 20 seconds
}).transform((d): DemoConfig => ({ port: d.port, healthyForMs: d.healthyFor, failingForMs: d.failingFor }));
