import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/parse-config.js';

function errorsOf(yaml: string, env: Record<string, string | undefined> = {}): string[] {
  const result = parseConfig(yaml, env);
  return result.ok ? [] : result.errors;
}

const HTTP = 'type: http, url: "https://api.example.com/health"';
const LAG = 'type: replication-lag, region: us-west-2, metric: ReplicaLag, dimensions: { DBInstanceIdentifier: r }';
const SLACK_ON = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'signing-secret-value' };

interface Case {
  rule: string;
  yaml: string;
  env?: Record<string, string>;
  lines: string[];
}

const CASES: Case[] = [
  // the file itself
  {
    rule: 'a YAML syntax error is one line with its position',
    yaml: 'server:\n  port: 3000\n   extra: 1\n',
    lines: ['config: YAML syntax error at line 2, column 9: Nested mappings are not allowed in compact mappings'],
  },
  {
    rule: 'a repeated key is a YAML error',
    yaml: 'server: {}\nserver: {}\n',
    lines: ['config: YAML syntax error at line 2, column 1: Map keys must be unique'],
  },
  {
    rule: 'an empty file is refused',
    yaml: '# nothing here\n',
    lines: ['config: the file is empty; expected sections such as server:, slack:, checks: (see examples/lifeboat.yaml)'],
  },
  {
    rule: 'the top level must be a map',
    yaml: '- server\n',
    lines: ['config: expected a map of sections (server:, slack:, checks:, ...) at the top level, got a list'],
  },
  // unknown keys and secrets
  {
    rule: 'an unknown field suggests the closest known one',
    yaml: `checks:\n  - { id: api, ${HTTP}, evry: 15s }`,
    lines: ['checks[0].evry: unknown field (did you mean "every"?)'],
  },
  {
    rule: 'an unknown field with no close match lists the known ones',
    yaml: 'monitor: { workers: 4 }',
    lines: ['monitor.workers: unknown field (known: concurrency, leaseTtl)'],
  },
  { rule: 'an unknown section suggests the closest one', yaml: 'check: []', lines: ['check: unknown field (did you mean "checks"?)'] },
  {
    rule: 'a Slack token in the file points to SLACK_BOT_TOKEN',
    yaml: 'slack: { token: xoxb-1-2-abc }',
    lines: ['slack.token: secrets belong in the environment, not in the config file: remove this and set SLACK_BOT_TOKEN'],
  },
  {
    rule: 'a signing secret in the file points to SLACK_SIGNING_SECRET',
    yaml: 'slack: { signingSecret: abc }',
    lines: ['slack.signingSecret: secrets belong in the environment, not in the config file: remove this and set SLACK_SIGNING_SECRET'],
  },
  {
    rule: 'a routing key in the file points to PAGERDUTY_ROUTING_KEY',
    yaml: 'pagerduty: { routingKey: abc }',
    lines: ['pagerduty.routingKey: secrets belong in the environment, not in the config file: remove this and set PAGERDUTY_ROUTING_KEY'],
  },
  {
    rule: 'an API key in the file points to STATUSPAGE_API_KEY',
    yaml: 'statuspage: { apiKey: abc }',
    lines: ['statuspage.apiKey: secrets belong in the environment, not in the config file: remove this and set STATUSPAGE_API_KEY'],
  },
  {
    rule: 'a token elsewhere is still refused as a secret',
    yaml: `checks:\n  - { id: api, ${HTTP}, token: abc }`,
    lines: ['checks[0].token: secrets belong in the environment, not in the config file: remove this'],
  },
  // checks: fields
  {
    rule: 'a bad duration names the value and the accepted forms',
    yaml: `checks:\n  - { id: api, ${HTTP}, every: 15s, timeout: 5x }`,
    lines: ['checks[0].timeout: "5x" is not a duration (use 500ms, 15s, 5m, 26h)'],
  },
  {
    rule: 'a number is not a duration',
    yaml: `checks:\n  - { id: api, ${HTTP}, every: 15 }`,
    lines: ['checks[0].every: 15 is not a duration (use 500ms, 15s, 5m, 26h)'],
  },
  {
    rule: 'an unknown check type lists the types',
    yaml: 'checks:\n  - { id: api, type: ping }',
    lines: ['checks[0].type: "ping" is not one of http, replication-lag, backup'],
  },
  {
    rule: 'a check without a type lists the types',
    yaml: 'checks:\n  - { id: api }',
    lines: ['checks[0].type: required (one of http, replication-lag, backup)'],
  },
  {
    rule: 'a check id must be lowercase',
    yaml: `checks:\n  - { id: API, ${HTTP} }`,
    lines: [
      'checks[0].id: "API" is not a valid check id (lowercase letters, digits, - and _, at most 63, starting with a letter or digit)',
    ],
  },
  { rule: 'a required field says so', yaml: 'checks:\n  - { id: api, type: http }', lines: ['checks[0].url: required'] },
  {
    rule: 'an http check needs an http(s) URL',
    yaml: 'checks:\n  - { id: api, type: http, url: "ftp://example.com" }',
    lines: ['checks[0].url: "ftp://example.com" is not an http(s) URL (e.g. https://api.example.com/health)'],
  },
  {
    rule: 'the method is GET or HEAD',
    yaml: `checks:\n  - { id: api, ${HTTP}, method: POST }`,
    lines: ['checks[0].method: "POST" is not one of GET, HEAD'],
  },
  {
    rule: 'expected statuses are HTTP status codes',
    yaml: `checks:\n  - { id: api, ${HTTP}, expect: { status: [200, 99] } }`,
    lines: ['checks[0].expect.status[1]: 99 is not an HTTP status code (100-599)'],
  },
  {
    rule: 'a severity is SEV1 to SEV4',
    yaml: `checks:\n  - { id: api, ${HTTP}, severity: critical }`,
    lines: ['checks[0].severity: "critical" is not one of SEV1, SEV2, SEV3, SEV4'],
  },
  {
    rule: 'failAfter is a whole number',
    yaml: `checks:\n  - { id: api, ${HTTP}, failAfter: 1.5 }`,
    lines: ['checks[0].failAfter: 1.5 is not a whole number'],
  },
  {
    rule: 'a cron schedule is validated with node-cron',
    yaml: `checks:\n  - { id: api, ${HTTP}, schedule: "*/15 * * *" }`,
    lines: ['checks[0].schedule: "*/15 * * *" is not a cron expression (5 fields, or 6 with seconds; e.g. "*/15 * * * *")'],
  },
  {
    rule: 'a region must look like an AWS region',
    yaml: 'checks:\n  - { id: b, type: backup, region: virginia, dbInstance: db, maxAge: 26h }',
    lines: ['checks[0].region: "virginia" is not an AWS region (e.g. us-east-1)'],
  },
  // checks: relations
  {
    rule: 'check ids are unique',
    yaml: `checks:\n  - { id: api, ${HTTP} }\n  - { id: web, ${HTTP} }\n  - { id: db, ${HTTP} }\n  - { id: api, ${HTTP} }`,
    lines: ['checks[0].id: duplicate check id "api" (also checks[3])'],
  },
  {
    rule: 'every and schedule are exclusive',
    yaml: `checks:\n  - { id: api, ${HTTP}, every: 15s, schedule: "* * * * *" }`,
    lines: ['checks[0].schedule: set either every or schedule, not both'],
  },
  {
    rule: 'the timeout must be shorter than every',
    yaml: `checks:\n  - { id: api, ${HTTP}, every: 15s, timeout: 15s }`,
    lines: ['checks[0].timeout: 15s must be shorter than every (15s)'],
  },
  {
    rule: 'the timeout must be shorter than the default every',
    yaml: `checks:\n  - { id: api, ${HTTP}, timeout: 2m }`,
    lines: ['checks[0].timeout: 2m must be shorter than every (1m, the default)'],
  },
  {
    rule: 'an every with no whole millisecond for its default timeout is refused',
    yaml: `checks:\n  - { id: api, ${HTTP}, every: 1ms }`,
    lines: ['checks[0].every: 1ms is too short to leave a timeout (80 % of every); use at least 2ms'],
  },
  {
    rule: 'an explicit timeout still must be shorter than a short every',
    yaml: `checks:\n  - { id: api, ${HTTP}, every: 2s, timeout: 5s }`,
    lines: ['checks[0].timeout: 5s must be shorter than every (2s)'],
  },
  {
    rule: 'HEAD cannot check a body',
    yaml: `checks:\n  - { id: api, ${HTTP}, method: HEAD, expect: { bodyContains: ok } }`,
    lines: ['checks[0].expect.bodyContains: cannot be checked with method HEAD (a HEAD response has no body); use GET'],
  },
  {
    rule: 'a lag check needs at least one threshold',
    yaml: `checks:\n  - { id: lag, ${LAG}, thresholds: {} }`,
    lines: ['checks[0].thresholds: must set at least one severity, e.g. { SEV3: 60s, SEV2: 300s }'],
  },
  {
    rule: 'threshold keys are severities',
    yaml: `checks:\n  - { id: lag, ${LAG}, thresholds: { SEV5: 60s } }`,
    lines: ['checks[0].thresholds.SEV5: "SEV5" is not a severity (use SEV1, SEV2, SEV3, SEV4)'],
  },
  {
    rule: 'a more severe threshold cannot be lower',
    yaml: `checks:\n  - { id: lag, ${LAG}, thresholds: { SEV3: 300s, SEV2: 60s } }`,
    lines: ['checks[0].thresholds.SEV2: 1m is below the SEV3 threshold (5m): a more severe level needs a higher or equal lag'],
  },
  {
    rule: 'a lag check needs a dimension',
    yaml: 'checks:\n  - { id: lag, type: replication-lag, region: us-west-2, metric: ReplicaLag, dimensions: {}, thresholds: { SEV2: 60s } }',
    lines: ['checks[0].dimensions: must name at least one CloudWatch dimension, e.g. { DBInstanceIdentifier: orders-replica }'],
  },
  {
    rule: 'the metric is one of the RDS lag metrics',
    yaml: `checks:\n  - { id: lag, ${LAG.replace('ReplicaLag', 'Lag')}, thresholds: { SEV2: 60s } }`,
    lines: ['checks[0].metric: "Lag" is not one of ReplicaLag, AuroraReplicaLag, AuroraGlobalDBReplicationLag, AuroraGlobalDBRPOLag'],
  },
  {
    rule: 'a backup check needs a database',
    yaml: 'checks:\n  - { id: b, type: backup, region: us-east-1, maxAge: 26h }',
    lines: ['checks[0].dbInstance: required: give dbInstance (an RDS instance) or dbCluster (an Aurora cluster)'],
  },
  {
    rule: 'a backup check watches one database',
    yaml: 'checks:\n  - { id: b, type: backup, region: us-east-1, dbInstance: a, dbCluster: b, maxAge: 26h }',
    lines: ['checks[0].dbCluster: give either dbInstance or dbCluster, not both'],
  },
  {
    rule: 'a backup copy must be in another region',
    yaml: 'checks:\n  - { id: b, type: backup, region: us-east-1, dbInstance: a, maxAge: 26h, copyRegion: us-east-1 }',
    lines: [`checks[0].copyRegion: "us-east-1" is the check's own region; a copy must be in another region`],
  },
  // slack, pagerduty, statuspage
  {
    rule: 'the slash command starts with /',
    yaml: 'slack: { command: dr }',
    lines: ['slack.command: "dr" is not a slash command (a "/" then lowercase letters, digits, - or _, e.g. /dr)'],
  },
  {
    rule: 'approvers are Slack user or usergroup ids',
    yaml: 'slack: { approvers: [U0BBB, bob] }',
    lines: ['slack.approvers[1]: "bob" is not a Slack user id (U…/W…) or usergroup id (S…)'],
  },
  {
    rule: 'approvals below 1 would break the two-person rule',
    yaml: 'slack: { approvers: [U0BBB], approvals: 0 }',
    lines: ['slack.approvals: 0 would let one person act alone: the two-person rule needs at least 1'],
  },
  {
    rule: 'approvals cannot exceed the listed approvers',
    yaml: 'slack: { approvers: [U0BBB, U0CCC], approvals: 3 }',
    lines: ['slack.approvals: 3 can never be reached: only 2 approvers are listed in slack.approvers'],
  },
  {
    rule: 'Slack on needs a channel and approvers',
    yaml: 'slack: { command: /dr }',
    env: SLACK_ON,
    lines: [
      'slack.channel: required when SLACK_BOT_TOKEN is set: the channel for incidents and approval requests (e.g. C0INCIDENTS)',
      'slack.approvers: required when SLACK_BOT_TOKEN is set: at least one Slack user id (U…) or usergroup id (S…) who may approve',
    ],
  },
  {
    rule: 'pageAt is a severity',
    yaml: 'pagerduty: { pageAt: high }',
    lines: ['pagerduty.pageAt: "high" is not one of SEV1, SEV2, SEV3, SEV4'],
  },
  {
    rule: 'atlassian needs a page id and an API key',
    yaml: 'statuspage: { provider: atlassian }',
    lines: [
      'statuspage.pageId: required when provider is atlassian (the Statuspage page id)',
      'env.STATUSPAGE_API_KEY: required when statuspage.provider is atlassian',
    ],
  },
  {
    rule: 'with atlassian a check speaks only for a listed component',
    yaml: `statuspage: { provider: atlassian, pageId: p, components: { api: c1 } }\nchecks:\n  - { id: web, ${HTTP}, component: web }`,
    env: { STATUSPAGE_API_KEY: 'k' },
    lines: ['checks[0].component: "web" is not in statuspage.components (known: api)'],
  },
  {
    rule: 'the provider is builtin or atlassian',
    yaml: 'statuspage: { provider: statuspage-io }',
    lines: ['statuspage.provider: "statuspage-io" is not one of builtin, atlassian'],
  },
  {
    rule: 'unreviewed monitor incidents are never sent to Atlassian Statuspage',
    yaml: 'statuspage: { provider: atlassian, pageId: p, showMonitorIncidents: true }',
    env: { STATUSPAGE_API_KEY: 'k' },
    lines: [
      'statuspage.showMonitorIncidents: works with provider builtin only: Atlassian Statuspage gets nothing but what an approved statuspage request posts (remove this line, or use provider: builtin)',
    ],
  },
  {
    rule: 'the monitor-incidents refusal is reported with the other atlassian problems (a missing field sits at its section)',
    yaml: 'statuspage:\n  showMonitorIncidents: true\n  provider: atlassian',
    lines: [
      'statuspage.pageId: required when provider is atlassian (the Statuspage page id)',
      'statuspage.showMonitorIncidents: works with provider builtin only: Atlassian Statuspage gets nothing but what an approved statuspage request posts (remove this line, or use provider: builtin)',
      'env.STATUSPAGE_API_KEY: required when statuspage.provider is atlassian',
    ],
  },
  {
    rule: 'showMonitorIncidents is true or false',
    yaml: 'statuspage: { showMonitorIncidents: yes }',
    lines: ['statuspage.showMonitorIncidents: expected true or false, got "yes"'],
  },
  {
    rule: 'a misspelt showMonitorIncidents suggests the right name',
    yaml: 'statuspage: { showMonitorIncident: true }',
    lines: ['statuspage.showMonitorIncident: unknown field (did you mean "showMonitorIncidents"?)'],
  },
  // runbooks
  {
    rule: 'a guard names an existing check',
    yaml: `checks:\n  - { id: lag, ${LAG}, thresholds: { SEV2: 60s } }\nrunbooks:\n  failover:\n    orders: { region: us-west-2, promote: { dbInstance: r }, guard: { lagCheck: orders-lag, maxLag: 300s } }`,
    lines: ['runbooks.failover.orders.guard.lagCheck: "orders-lag" is not a check id (replication-lag checks: lag)'],
  },
  {
    rule: 'a guard names a replication-lag check',
    yaml: `checks:\n  - { id: api, ${HTTP} }\nrunbooks:\n  failover:\n    orders: { region: us-west-2, promote: { dbInstance: r }, guard: { lagCheck: api, maxLag: 300s } }`,
    lines: [
      'runbooks.failover.orders.guard.lagCheck: "api" is an http check; the guard needs a replication-lag check (there are no replication-lag checks)',
    ],
  },
  {
    rule: 'promote names one target',
    yaml: 'runbooks:\n  failover:\n    orders: { region: us-west-2, promote: { dbInstance: r, globalCluster: g, targetCluster: t } }',
    lines: ['runbooks.failover.orders.promote: give one kind of promotion, not dbInstance and globalCluster + targetCluster'],
  },
  {
    rule: 'promote needs a target',
    yaml: 'runbooks:\n  failover:\n    orders: { region: us-west-2, promote: {} }',
    lines: [
      'runbooks.failover.orders.promote: required: dbInstance (an RDS read replica), dbCluster (a cross-region Aurora read replica cluster), globalCluster + targetCluster (an Aurora global database), failoverCluster + targetInstance (an in-region Aurora writer move)',
    ],
  },
  {
    rule: 'a writer move needs its target instance',
    yaml: 'runbooks:\n  failover:\n    orders: { region: us-west-2, promote: { failoverCluster: c } }',
    lines: ['runbooks.failover.orders.promote.targetInstance: required with failoverCluster'],
  },
  {
    rule: 'promote names one cluster kind',
    yaml: 'runbooks:\n  failover:\n    orders: { region: us-west-2, promote: { dbCluster: c, failoverCluster: c, targetInstance: i } }',
    lines: ['runbooks.failover.orders.promote: give one kind of promotion, not dbCluster and failoverCluster + targetInstance'],
  },
  {
    rule: 'a runbook with neither promote nor dns does nothing',
    yaml: 'runbooks:\n  failover:\n    orders: { region: us-west-2 }',
    lines: [
      'runbooks.failover.orders: does nothing: give promote (dbInstance (an RDS read replica), dbCluster (a cross-region Aurora read replica cluster), globalCluster + targetCluster (an Aurora global database), failoverCluster + targetInstance (an in-region Aurora writer move)) or dns, or both',
    ],
  },
  {
    rule: 'backupRetention does not apply to a writer move',
    yaml: 'runbooks:\n  failover:\n    orders: { region: us-west-2, promote: { failoverCluster: c, targetInstance: i }, backupRetention: 7 }',
    lines: [
      'runbooks.failover.orders.backupRetention: does not apply to failoverCluster: moving the writer inside one cluster keeps the cluster and its settings, backup retention included (remove backupRetention)',
    ],
  },
  {
    rule: 'backupRetention needs something promoted',
    yaml: 'runbooks:\n  failover:\n    orders: { region: us-west-2, backupRetention: 7, dns: { hostedZoneId: Z1, name: a.example.com, type: CNAME, value: b.example.com } }',
    lines: [
      'runbooks.failover.orders.backupRetention: needs promote: it is set on the promoted instance or cluster, and this runbook promotes nothing',
    ],
  },
  {
    rule: 'backupRetention is 1 to 35 days',
    yaml: 'runbooks:\n  failover:\n    orders: { region: us-west-2, promote: { dbInstance: r }, backupRetention: 36 }',
    lines: ['runbooks.failover.orders.backupRetention: 36 is too big (maximum 35)'],
  },
  {
    rule: 'backupRetention is whole days',
    yaml: 'runbooks:\n  failover:\n    orders: { region: us-west-2, promote: { dbCluster: c }, backupRetention: 1.5 }',
    lines: ['runbooks.failover.orders.backupRetention: 1.5 is not a whole number'],
  },
  {
    rule: 'a global cluster needs its target cluster',
    yaml: 'runbooks:\n  failover:\n    orders: { region: us-west-2, promote: { globalCluster: g } }',
    lines: ['runbooks.failover.orders.promote.targetCluster: required with globalCluster'],
  },
  {
    rule: 'a DNS record type is CNAME, A or AAAA',
    yaml: 'runbooks:\n  failover:\n    orders: { region: us-west-2, promote: { dbInstance: r }, dns: { hostedZoneId: Z1, name: a.example.com, type: MX, value: b } }',
    lines: ['runbooks.failover.orders.dns.type: "MX" is not one of CNAME, A, AAAA'],
  },
  {
    rule: 'a restore names one database',
    yaml: 'runbooks:\n  restore:\n    orders: { region: us-east-1, instanceClass: db.r6g.large }',
    lines: ['runbooks.restore.orders.dbInstance: required: give dbInstance (an RDS instance) or dbCluster (an Aurora cluster)'],
  },
  {
    rule: 'a restore needs an RDS instance class',
    yaml: 'runbooks:\n  restore:\n    orders: { region: us-east-1, dbInstance: db, instanceClass: large }',
    lines: [
      'runbooks.restore.orders.instanceClass: "large" is not an RDS instance class (e.g. db.r6g.large, or db.serverless with serverless: { min, max })',
    ],
  },
  {
    rule: 'db.serverless is Aurora Serverless v2: a cluster restore only',
    yaml: 'runbooks:\n  restore:\n    orders: { region: us-east-1, dbInstance: db, instanceClass: db.serverless }',
    lines: ['runbooks.restore.orders.instanceClass: db.serverless (Aurora Serverless v2) needs a dbCluster runbook'],
  },
  {
    rule: 'serverless capacity goes with db.serverless, in half ACUs, min not above max',
    yaml: 'runbooks:\n  restore:\n    a: { region: us-east-1, dbCluster: c, instanceClass: db.r6g.large, serverless: { min: 1, max: 2 } }\n    b: { region: us-east-1, dbCluster: c, instanceClass: db.serverless, serverless: { min: 0.3, max: 2 } }\n    c: { region: us-east-1, dbCluster: c, instanceClass: db.serverless, serverless: { min: 8, max: 4 } }',
    lines: [
      'runbooks.restore.a.serverless: only with instanceClass: db.serverless',
      'runbooks.restore.b.serverless.min: 0.3 is not a whole or half ACU (e.g. 0.5, 8, 16.5)',
      'runbooks.restore.c.serverless.max: min must not be above max',
    ],
  },
  {
    rule: 'a restore override the restore call cannot take is refused with the reason',
    yaml: 'runbooks:\n  restore:\n    i: { region: us-east-1, dbInstance: db, instanceClass: db.r6g.large, kmsKeyId: alias/x }\n    c: { region: us-east-1, dbCluster: c, instanceClass: db.r6g.large, multiAz: true }',
    lines: [
      "runbooks.restore.i.kmsKeyId: only for dbCluster runbooks (an instance restore takes no KmsKeyId: it keeps the source's key)",
      'runbooks.restore.c.multiAz: only for dbInstance runbooks (RestoreDBClusterFromSnapshot and RestoreDBClusterToPointInTime take no such setting)',
    ],
  },
  {
    rule: 'runbook names are typed in Slack, so they are simple',
    yaml: 'runbooks:\n  restore:\n    orders.eu: { region: us-east-1, dbInstance: db, instanceClass: db.t3.micro }',
    lines: [
      'runbooks.restore["orders.eu"]: "orders.eu" is not a valid runbook name (lowercase letters, digits, - and _, starting with a letter or digit)',
    ],
  },
  // server and demo
  { rule: 'a port is 1-65535', yaml: 'server: { port: 70000 }', lines: ['server.port: 70000 is not a port (use a whole number 1-65535)'] },
  {
    rule: 'the demo target cannot take the server port',
    yaml: 'server: { port: 3099 }\ndemo:',
    lines: ['demo.port: 3099 is already the server port (server.port); pick another'],
  },
  {
    rule: 'the demo target cannot take LIFEBOAT_PORT',
    yaml: 'demo: { port: 8080 }',
    env: { LIFEBOAT_PORT: '8080' },
    lines: ['demo.port: 8080 is already the server port (LIFEBOAT_PORT); pick another'],
  },
  { rule: 'a section given as a scalar says what it expected', yaml: 'slack: yes', lines: ['slack: expected a map, got "yes"'] },
];

describe('parseConfig error lines', () => {
  it.each(CASES)('$rule', ({ yaml, env, lines }) => {
    expect(errorsOf(yaml, env)).toStrictEqual(lines);
  });
});
