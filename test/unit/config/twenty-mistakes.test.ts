import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/parse-config.js';

/** A config an SRE might write on a bad day: 20 distinct mistakes, each marked. */
const TWENTY_MISTAKES = `
server:
  port: 0                        # 1: not a port
slack:
  channel: C0INCIDENTS
  command: dr                    # 2: no leading slash
  approvers: [U0BBB, bob]        # 3: not a Slack id
  approvals: 0                   # 4: breaks the two-person rule
  approvalTtl: 15 minutes        # 5: not a duration
  signingSecret: abc123          # 6: a secret in the file
pagerduty:
  pageAt: SEV5                   # 7: not a severity
statuspage:
  provider: atlassian            # 8: no pageId (9: no STATUSPAGE_API_KEY, below)
  components: { api: cmp_1 }
checks:
  - id: api
    type: http
    url: https://api.example.com/health
    evry: 15s                    # 10: typo
    component: web               # 11: not a listed component
  - id: orders-lag
    type: replication-lag
    region: us-west-2
    metric: ReplicaLag
    dimensions: { DBInstanceIdentifier: orders-replica }
    thresholds: { SEV3: 300s, SEV2: 60s }   # 12: SEV2 below SEV3
  - id: orders-backups
    type: backup
    region: us-east-1
    dbInstance: orders-db
    dbCluster: orders-cluster    # 13: both databases
    maxAge: 26h
    every: 15m
    schedule: "*/15 * * * *"     # 14: both every and schedule
  - id: api                      # 15: duplicate id
    type: htp                    # 16: unknown type
runbooks:
  failover:
    orders:
      region: us-west-2
      promote: { globalCluster: orders-global }       # 17: no targetCluster
      guard: { lagCheck: orders-lagg, maxLag: 300s }  # 18: no such check
  restore:
    orders:
      region: us-east-1
      dbInstance: orders-db
      instanceClass: r6g.large   # 19: not an instance class
`;

const ENV = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
  SLACK_SIGNING_SECRET: 'signing-secret',
  PAGERDUTY_EVENTS_URL: 'http://events.pagerduty.com', // 20: not https
};

describe('a config with 20 distinct mistakes', () => {
  it('reports exactly 20 lines, in file order then environment, each naming the field and the fix', () => {
    const result = parseConfig(TWENTY_MISTAKES, ENV);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors).toStrictEqual([
      'server.port: 0 is not a port (use a whole number 1-65535)',
      'slack.command: "dr" is not a slash command (a "/" then lowercase letters, digits, - or _, e.g. /dr)',
      'slack.approvers[1]: "bob" is not a Slack user id (U…/W…) or usergroup id (S…)',
      'slack.approvals: 0 would let one person act alone: the two-person rule needs at least 1',
      'slack.approvalTtl: "15 minutes" is not a duration (use 500ms, 15s, 5m, 26h)',
      'slack.signingSecret: secrets belong in the environment, not in the config file: remove this and set SLACK_SIGNING_SECRET',
      'pagerduty.pageAt: "SEV5" is not one of SEV1, SEV2, SEV3, SEV4',
      'statuspage.pageId: required when provider is atlassian (the Statuspage page id)',
      'checks[0].id: duplicate check id "api" (also checks[3])',
      'checks[0].evry: unknown field (did you mean "every"?)',
      'checks[0].component: "web" is not in statuspage.components (known: api)',
      'checks[1].thresholds.SEV2: 1m is below the SEV3 threshold (5m): a more severe level needs a higher or equal lag',
      'checks[2].dbCluster: give either dbInstance or dbCluster, not both',
      'checks[2].schedule: set either every or schedule, not both',
      'checks[3].type: "htp" is not one of http, replication-lag, backup',
      'runbooks.failover.orders.promote.targetCluster: required with globalCluster',
      'runbooks.failover.orders.guard.lagCheck: "orders-lagg" is not a check id (replication-lag checks: orders-lag)',
      'runbooks.restore.orders.instanceClass: "r6g.large" is not an RDS instance class (e.g. db.r6g.large, or db.serverless with serverless: { min, max })',
      'env.PAGERDUTY_EVENTS_URL: must be an https URL such as https://events.eu.pagerduty.com, got "http://events.pagerduty.com"',
      'env.STATUSPAGE_API_KEY: required when statuspage.provider is atlassian',
    ]);
  });
});
