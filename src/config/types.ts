import type { Severity } from '../core/severity.js';

/** The whole validated configuration: the YAML file plus the environment. Durations are milliseconds. */
export interface Config {
  server: ServerConfig;
  slack: SlackConfig;
  pagerduty: PagerDutyConfig;
  statuspage: StatusPageConfig;
  monitor: MonitorConfig;
  retention: RetentionConfig;
  readiness: ReadinessConfig;
  /** Local-mode demo target that fails and recovers on a schedule; absent unless `demo:` is in the file. */
  demo?: DemoConfig;
  checks: CheckConfig[];
  runbooks: RunbooksConfig;
  /** Restore drills (SPEC §10) by name; absent when none are configured. */
  drills?: Record<string, DrillConfig>;
  /** Maintenance windows (SPEC §9): the checks are silenced from start to end; absent when none. */
  maintenance?: MaintenanceWindow[];
  /** The DR posture report's schedule (SPEC §10); absent: only `/dr status` shows it. */
  posture?: PostureConfig;
  env: EnvConfig;
}

export interface PostureConfig {
  /** node-cron expression (UTC): the leader posts the posture report to `slack.channel`. */
  schedule: string;
}

/** A runbook's recovery targets (SPEC §3 `objectives`), reported against in the DR posture. */
export interface RecoveryObjectives {
  /** Longest acceptable time to recovery, ms: a drill's or run's measured time is judged against it. */
  rtoMs?: number;
  /** Most data that may be lost, ms: the current RPO (now minus the latest restorable time, or the lag) is judged against it. */
  rpoMs?: number;
}

export interface MaintenanceWindow {
  checks: string[];
  /** Epoch ms. */
  start: number;
  /** Epoch ms, after start. */
  end: number;
  reason: string;
}

/** Result of parsing a config: the typed config, or one `path.to.field: what is wrong` line per problem. */
export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

export interface ServerConfig {
  /** HTTP port; LIFEBOAT_PORT overrides it. */
  port: number;
}

export interface SlackConfig {
  /** Channel id (C…) or name where incidents and approval requests are posted. Required when Slack is on. */
  channel?: string;
  /** Slash command name, starting with `/`. */
  command: string;
  /** Slack user or usergroup ids that may ack, resolve and request actions (default: the approvers). */
  operators: string[];
  /** Slack user or usergroup ids that may approve requests. */
  approvers: string[];
  /** Distinct approvers needed besides the requester (>= 1). */
  approvals: number;
  approvalTtlMs: number;
  /** Open a dedicated channel for incidents at or above this severity. */
  incidentChannels?: Severity;
  /** A resolved incident's dedicated channel is archived this long after; the schema sets 24 h when unset. */
  archiveChannelsAfterMs?: number;
}

export interface PagerDutyConfig {
  /** Page automatically at this severity and above. */
  pageAt: Severity;
  /** Page a lower-severity incident nobody acknowledged within this time. */
  escalateUnackedAfterMs?: number;
  /** Prefixes every dedup_key, so deployments sharing an integration key never touch each other's alerts. */
  dedupPrefix?: string;
}

export type StatusPageProvider = 'builtin' | 'atlassian';

export interface StatusPageConfig {
  provider: StatusPageProvider;
  /** Atlassian Statuspage page id (required for atlassian). */
  pageId?: string;
  /** Component name -> provider component id. */
  components: Record<string, string>;
  /**
   * builtin only (a config error with atlassian): the built-in page also shows the monitor's own
   * incidents, unreviewed and labelled so, and components follow them. Default false, so a public
   * page shows only what an approved `statuspage` request published.
   */
  showMonitorIncidents: boolean;
}

export interface MonitorConfig {
  /** Probes running at the same time. */
  concurrency: number;
  /** Leader lease lifetime. */
  leaseTtlMs: number;
}

/** How long incidents and the audit log are kept (Redis store). */
/** Readiness (SPEC §10): how often every runbook's pre-flight is evaluated, and at what severity a refusal opens an incident. */
export interface ReadinessConfig {
  everyMs: number;
  severity: Severity;
}

/** A drill (SPEC §10): a restore drill, or a Multi-AZ failover drill (`'multiAzFailover' in drill`). */
export type DrillConfig = RestoreDrillConfig | MultiAzDrillConfig;

/**
 * A restore drill (SPEC §10): restore `restore`'s latest restorable time into a temporary,
 * tagged instance, check it, measure it, delete it. Only the restore part of the runbook is used.
 */
export interface RestoreDrillConfig {
  /** A restore runbook's name. */
  restore: string;
  /** node-cron expression; absent: on demand only (`/dr drill <name>`). */
  schedule?: string;
  /** POSTed {endpoint, port, engine, drill, runId} once the endpoint accepts TCP; 2xx means valid. */
  validate?: { webhook: { url: string; timeoutMs: number } };
  /** How long the temporary resources are kept after validation before they are deleted. */
  keepForMs: number;
  /** Target for the measured restore time (start to available). */
  rtoMs?: number;
}

/**
 * What a Multi-AZ failover drill fails over: an RDS Multi-AZ instance (RebootDBInstance with
 * ForceFailover) or an Aurora cluster (FailoverDBCluster to `targetInstance`, or to a reader the
 * plan picks and shows).
 */
export type MultiAzFailoverTarget = { dbInstance: string } | { dbCluster: string; targetInstance?: string };

/**
 * A Multi-AZ failover drill (SPEC §10): disruptive, so it never runs on a schedule; `/dr drill`
 * makes a two-person approval request with typed confirmation, like a failover.
 */
export interface MultiAzDrillConfig {
  multiAzFailover: MultiAzFailoverTarget;
  region: string;
  /** Checks that must all pass after the failover, within `withinMs`. */
  verify?: VerifyStep;
  /** Target for the measured failover time (the call to recovered). */
  rtoMs?: number;
}

export interface RetentionConfig {
  /** A resolved incident (and its events and paging record) expires this long after it resolved. */
  incidentsMs: number;
  /** Audit log entries (approvals, incident transitions, pages) older than this are trimmed. */
  auditMs: number;
}

export interface DemoConfig {
  port: number;
  healthyForMs: number;
  failingForMs: number;
}

export type CheckType = CheckConfig['type'];
export type CheckConfig = HttpCheck | ReplicationLagCheck | BackupCheck;

export interface CheckBase {
  /** `[a-z0-9][a-z0-9-_]{0,62}`, unique among checks. */
  id: string;
  /** Interval between runs; set unless `schedule` is. */
  everyMs?: number;
  /** node-cron expression; set instead of `everyMs`. */
  schedule?: string;
  timeoutMs: number;
  severity: Severity;
  /** Consecutive failures before an incident opens. */
  failAfter: number;
  /** Consecutive successes before it resolves. */
  recoverAfter: number;
  /** Status-page component this check speaks for. */
  component?: string;
  /** Parent checks (SPEC §9): while one has an open incident, this check's failure joins it. */
  dependsOn?: string[];
  /** Re-announce an open incident in its thread this often (SPEC §9). */
  remindEveryMs?: number;
}

export type HttpMethod = 'GET' | 'HEAD';

export interface HttpCheck extends CheckBase {
  type: 'http';
  url: string;
  method: HttpMethod;
  expect: { status: number[]; bodyContains?: string };
  maxBodyBytes: number;
}

export const LAG_METRICS = ['ReplicaLag', 'AuroraReplicaLag', 'AuroraGlobalDBReplicationLag', 'AuroraGlobalDBRPOLag'] as const;
export type LagMetric = (typeof LAG_METRICS)[number];

export interface ReplicationLagCheck extends CheckBase {
  type: 'replication-lag';
  region: string;
  metric: LagMetric;
  /** CloudWatch dimensions, at least one. */
  dimensions: Record<string, string>;
  /** Lag above a value -> that severity (worst wins). */
  thresholdsMs: Partial<Record<Severity, number>>;
  /** Severity when no datapoint is in the window, or `ok` to ignore gaps. */
  missingData: Severity | 'ok';
}

export interface BackupCheck extends CheckBase {
  type: 'backup';
  region: string;
  /** Exactly one of dbInstance / dbCluster. */
  dbInstance?: string;
  dbCluster?: string;
  /** Newest completed snapshot older than this -> incident. */
  maxAgeMs: number;
  /** Also require a copy in this region newer than maxAge. */
  copyRegion?: string;
}

export interface RunbooksConfig {
  failover: Record<string, FailoverRunbook>;
  restore: Record<string, RestoreRunbook>;
}

/**
 * What a failover promotes: an RDS read replica instance (PromoteReadReplica), a cross-region
 * Aurora read replica cluster (PromoteReadReplicaDBCluster), an Aurora global database's
 * secondary (SwitchoverGlobalCluster / FailoverGlobalCluster), or an in-region Aurora reader
 * (FailoverDBCluster).
 */
export type PromoteTarget =
  | { dbInstance: string }
  | { dbCluster: string }
  | { globalCluster: string; targetCluster: string }
  | { failoverCluster: string; targetInstance: string };

export type DnsRecordType = 'CNAME' | 'A' | 'AAAA';

/** Where an alias record points (Route 53 AliasTarget): a load balancer, another record, ... */
export interface DnsAlias {
  hostedZoneId: string;
  dnsName: string;
  evaluateTargetHealth: boolean;
}

/**
 * One record a `dns` step writes (SPEC §3). Plain records carry `value` and `ttl`; alias records
 * `alias` (and no TTL: Route 53 takes an alias's TTL from its target). A routing-policy record is
 * addressed by `setIdentifier` and carries `weight` or `failover`. On a restore runbook a plain
 * CNAME may omit `value`: it then points at the restored database's endpoint.
 */
export interface DnsStep {
  hostedZoneId: string;
  name: string;
  type: DnsRecordType;
  value?: string;
  /** Seconds; plain records only. */
  ttl?: number;
  alias?: DnsAlias;
  setIdentifier?: string;
  /** Weighted routing: 0..255. */
  weight?: number;
  /** Failover routing. */
  failover?: 'PRIMARY' | 'SECONDARY';
}

export interface FailoverRunbook {
  region: string;
  /** Absent: the runbook moves DNS (and hooks) only. */
  promote?: PromoteTarget;
  /** Days of automated backups set on the promoted instance or cluster (1..35); not with failoverCluster. */
  backupRetention?: number;
  /** Applied in order, as one Route 53 change batch (all records in one hosted zone). */
  dns?: DnsStep[];
  /** Refuse to fail over while the named replication-lag check reads above maxLagMs (RPO guard). */
  guard?: { lagCheck: string; maxLagMs: number };
  /** Checks that must pass before the run counts as recovered (the last step). */
  verify?: VerifyStep;
  /** HTTP steps after promote and DNS, in order. */
  hooks?: HookStep[];
  /** Recovery targets the DR posture judges this runbook against. */
  objectives?: RecoveryObjectives;
}

/** A runbook's last step: every check in `checks` passes in one round within `withinMs`. */
export interface VerifyStep {
  /** Configured check ids (config-rules). */
  checks: string[];
  withinMs: number;
}

/** Any JSON value (a hook's body). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type HookMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'GET';

/** One HTTP step of a runbook (SPEC §3 `hooks:`); its bearer token is LIFEBOAT_HOOK_<NAME>_TOKEN. */
export interface HookStep {
  /** `[a-z0-9][a-z0-9_-]{0,62}`, unique within the runbook. */
  name: string;
  /** https, or http to a loopback host only. */
  url: string;
  method: HookMethod;
  /** Sent as JSON; absent: no body. */
  body?: JsonValue;
  /** Statuses that count as done. */
  expectStatus: number[];
  /** Hard deadline for the whole exchange, ms. */
  timeoutMs: number;
}

export interface RestoreRunbook {
  region: string;
  /** Exactly one of dbInstance / dbCluster. */
  dbInstance?: string;
  dbCluster?: string;
  instanceClass: string;
  subnetGroup?: string;
  securityGroups: string[];
  /** Aurora Serverless v2 capacity in ACUs, with instanceClass `db.serverless`; absent: the source's. */
  serverless?: { min: number; max: number };
  /** Settings that replace the source's; every other one is carried over from the source. */
  overrides: RestoreOverrides;
  /** Records pointed at the restored database (a CNAME without `value` gets its endpoint). */
  dns?: DnsStep[];
  /** Checks that must pass before the run counts as recovered (the last step). */
  verify?: VerifyStep;
  /** HTTP steps after the restore (and its DNS), in order. */
  hooks?: HookStep[];
  /** Recovery targets the DR posture judges this runbook against. */
  objectives?: RecoveryObjectives;
}

/** A restore runbook's replacements for the source's settings (SPEC §3 `restore:`). */
export interface RestoreOverrides {
  multiAz?: boolean;
  deletionProtection?: boolean;
  /** Cluster restores only: an instance restore keeps its source's key. */
  kmsKeyId?: string;
  /** DB parameter group (instance) or DB cluster parameter group (cluster). */
  parameterGroup?: string;
  optionGroup?: string;
  storageType?: string;
  iops?: number;
  /** MiB/s (gp3). */
  storageThroughput?: number;
  /** Added to the source's tags; a key given here replaces the source's value. */
  tags?: Record<string, string>;
  copyTagsToSnapshot?: boolean;
  iamDatabaseAuthentication?: boolean;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** `json`: one JSON object per line (machines); `pretty`: coloured lines for a person at a terminal. */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Secrets and endpoints, from the environment only. */
export interface EnvConfig {
  slackBotToken?: string;
  slackSigningSecret?: string;
  slackAppToken?: string;
  /** Always ends with `/`. */
  slackApiUrl: string;
  pagerdutyRoutingKey?: string;
  /** Signs PagerDuty V3 webhooks; absent: POST /pagerduty/webhook is off. */
  pagerdutyWebhookSecret?: string;
  /** LIFEBOAT_API_TOKEN: bearer token of GET /incidents/<id>/timeline.md; absent: the route is off. */
  apiToken?: string;
  /** https, no trailing slash; `/v2/enqueue` is appended by the client. */
  pagerdutyEventsUrl: string;
  statuspageApiKey?: string;
  /** No trailing slash. */
  statuspageApiUrl: string;
  redisUrl?: string;
  logLevel: LogLevel;
  /** LOG_FORMAT; absent: pretty when stdout is a terminal, JSON otherwise. */
  logFormat?: LogFormat;
  /**
   * The bearer tokens of the runbooks' hooks, by variable (LIFEBOAT_HOOK_<NAME>_TOKEN), trimmed;
   * `''` when the variable is set but empty (a pre-flight failure), absent when it is not set.
   */
  hookTokens?: Record<string, string>;
  /** The drills' validation-webhook bearer tokens, by variable (LIFEBOAT_DRILL_<NAME>_TOKEN), read as `hookTokens`. */
  drillTokens?: Record<string, string>;
}
