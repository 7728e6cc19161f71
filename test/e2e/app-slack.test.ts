import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import nock from 'nock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config/parse-config.js';
import { silentLogger } from '../../src/observability/logger.js';
import {
  guardNetwork,
  nockAuthTest,
  nockChatUpdate,
  nockPostMessage,
  nockResponseUrl,
  TEST_SLACK_API_URL,
} from '../doubles/slack-api-nock.js';
import { signed, slashCommandBody, TEST_SIGNING_SECRET } from '../doubles/slack-requests.js';
import { nockEnqueue, TEST_PAGERDUTY_EVENTS_URL, TEST_ROUTING_KEY } from '../doubles/pagerduty-events-nock.js';
import { ORDERS_FAILOVER, yamlFlow } from '../doubles/runbook-fixtures.js';

// The whole service with Slack on (HTTP mode): monitor -> incident -> Slack message; signed
// slash commands through the real fastify server to the real handlers.
const network = guardNetwork();
const ENV = { SLACK_BOT_TOKEN: 'xoxb-test-0000-lifeboat', SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_API_URL: TEST_SLACK_API_URL };
const YAML = `
slack:
  channel: C0INCIDENTS
  operators: [U0AAA, U0BBB]
  approvers: [U0BBB]
monitor: { leaseTtl: 1s }
checks:
  - id: payments
    type: http
    url: http://127.0.0.1:1/health
    every: 200ms
    timeout: 100ms
    severity: SEV3
`;

let app: App | null = null;
afterEach(async () => {
  await app?.stop();
  app = null;
  network.reset();
});
afterAll(() => {
  nock.enableNetConnect();
});

async function start(yaml = YAML, env: Record<string, string> = {}): Promise<string> {
  const result = parseConfig(yaml, { ...ENV, ...env });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  app = buildApp({ config: result.config, logger: silentLogger() });
  return app.start(0, '127.0.0.1');
}

async function slash(url: string, text: string, userId: string, responsePath: string): Promise<Response> {
  const request = signed(slashCommandBody(text, { userId, responsePath }), 'application/x-www-form-urlencoded', Date.now());
  return fetch(`${url}/slack/events`, { method: 'POST', headers: request.headers, body: request.body });
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs}ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the service with Slack on', () => {
  it('posts the incident to the channel, and an operator acknowledges it with /dr ack', async () => {
    nockAuthTest(5);
    const posted = nockPostMessage(2); // the incident, then the acknowledgement in its thread
    const updated = nockChatUpdate(10);
    const url = await start();

    await until(() => posted.calls.length === 1, 8000);
    expect(posted.calls[0]?.body).toMatchObject({ channel: 'C0INCIDENTS', text: expect.stringContaining('INC-1') });
    expect(posted.calls[0]?.authorization).toBe(`Bearer ${ENV.SLACK_BOT_TOKEN}`);

    const answer = nockResponseUrl('/commands/T1/1/ack');
    const response = await slash(url, 'ack INC-1', 'U0AAA', '/commands/T1/1/ack');
    expect(response.status).toBe(200);
    await until(() => answer.bodies.length === 1, 5000);
    expect(await app?.store.getIncident('INC-1')).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'U0AAA' });
    await until(() => updated.calls.some((c) => JSON.stringify(c.body).includes('U0AAA')), 5000);
    await until(() => posted.calls.length === 2, 5000);
    expect(posted.calls[1]?.body).toMatchObject({ thread_ts: '1000.000001', text: ':eyes: Acknowledged by <@U0AAA>' });
    // Our own requests to the server on 127.0.0.1 are allowed through and show up as unmatched.
    expect(network.unmatched.filter((r) => !r.includes('//127.0.0.1:'))).toEqual([]);
  });

  it('refuses a forged request with 401 and does nothing', async () => {
    nockAuthTest(5);
    nockPostMessage(1);
    nockChatUpdate(10);
    const url = await start();
    const request = signed(
      slashCommandBody('ack INC-1', { userId: 'U0AAA' }),
      'application/x-www-form-urlencoded',
      Date.now(),
      'not-the-secret',
    );
    const response = await fetch(`${url}/slack/events`, { method: 'POST', headers: request.headers, body: request.body });
    expect(response.status).toBe(401);
    expect((await app?.store.getIncident('INC-1'))?.state).not.toBe('acknowledged');
  });

  it('plans a failover from the lag the monitor measured: /dr failover --dry-run answers with the plan', async () => {
    // Every CloudWatch, RDS and Route 53 client the service creates is intercepted.
    const cloudwatch = mockClient(CloudWatchClient);
    const rds = mockClient(RDSClient);
    const route53 = mockClient(Route53Client);
    try {
      cloudwatch.on(GetMetricDataCommand).callsFake((input: { MetricDataQueries: Array<{ Id: string }> }) => ({
        MetricDataResults: input.MetricDataQueries.map((q) => ({
          Id: q.Id,
          StatusCode: 'Complete',
          Timestamps: [new Date()],
          Values: [12],
        })),
      }));
      rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-replica' }).resolves({
        DBInstances: [
          {
            DBInstanceIdentifier: 'orders-replica',
            DBInstanceStatus: 'available',
            Engine: 'postgres',
            ReadReplicaSourceDBInstanceIdentifier: 'orders-db',
          },
        ],
      });
      route53.on(ListResourceRecordSetsCommand).resolves({
        ResourceRecordSets: [
          {
            Name: 'orders.db.example.com.',
            Type: 'CNAME',
            TTL: 60,
            ResourceRecords: [{ Value: 'orders-db.abc.us-east-1.rds.amazonaws.com' }],
          },
        ],
        IsTruncated: false,
        MaxItems: 20,
      });
      nockAuthTest(5);
      const url = await start(`
slack: { channel: C0INCIDENTS, operators: [U0AAA, U0BBB], approvers: [U0BBB] }
monitor: { leaseTtl: 1s }
checks:
  - id: orders-lag
    type: replication-lag
    region: us-west-2
    metric: ReplicaLag
    dimensions: { DBInstanceIdentifier: orders-replica }
    every: 200ms
    timeout: 150ms
    thresholds: { SEV3: 60s, SEV2: 300s }
runbooks:
  failover:
    orders: ${yamlFlow(ORDERS_FAILOVER)}
`);
      // The guard reads the lag the monitor stored, so wait until the first measurement is in.
      // A passing reading is written with the leader's next batch, at most 5 s after its run.
      await until(async () => Boolean((await app?.store.getCheckState('orders-lag'))?.lastResult), 10_000);

      const answer = nockResponseUrl('/commands/T1/1/plan');
      expect((await slash(url, 'failover orders --dry-run', 'U0AAA', '/commands/T1/1/plan')).status).toBe(200);
      await until(() => answer.bodies.length === 1, 5000);
      const reply = answer.bodies[0] as { text: string; blocks: Array<{ text?: { text: string } }> };
      expect(reply.text).toBe('Dry run: Failover orders: promote orders-replica (us-west-2). Nothing was submitted.');
      const shown = reply.blocks.map((b) => b.text?.text ?? '').join('\n');
      expect(shown).toContain('PromoteReadReplica');
      expect(shown).toMatch(/replica lag \(orders-lag\)\*: lag 12s/);
      expect(await app?.dr?.approvals.listPending()).toEqual([]);
    } finally {
      cloudwatch.restore();
      rds.restore();
      route53.restore();
    }
  });

  it('tells operators once in Slack, and /readyz, when PagerDuty refuses the routing key', async () => {
    nockAuthTest(5);
    const bodies: unknown[] = [];
    nockEnqueue(bodies, { status: 401, body: { status: 'Unauthorized', message: 'Invalid routing key' } });
    const posted = nockPostMessage(5);
    nockChatUpdate(20);
    const url = await start(YAML.replace('severity: SEV3', 'severity: SEV1'), {
      PAGERDUTY_ROUTING_KEY: TEST_ROUTING_KEY,
      PAGERDUTY_EVENTS_URL: TEST_PAGERDUTY_EVENTS_URL,
    });

    await until(() => posted.calls.some((c) => String(c.body.text).includes('PagerDuty')), 8000);
    const notices = posted.calls.filter((c) => String(c.body.text).includes('PagerDuty') && c.body.thread_ts === undefined);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.body).toMatchObject({ channel: 'C0INCIDENTS', text: expect.stringContaining('<@U0AAA>') });
    expect(JSON.stringify(notices[0]?.body)).not.toContain(TEST_ROUTING_KEY);
    expect(bodies).toHaveLength(1); // refused once, not retried forever
    const ready = (await (await fetch(`${url}/readyz`)).json()) as { ready: boolean; checks: Record<string, { ok: boolean }> };
    expect(ready).toMatchObject({ ready: true, checks: { paging: { ok: false } } });
  });

  it('reports Slack in /readyz', async () => {
    nockAuthTest(5);
    nockPostMessage(1);
    nockChatUpdate(10);
    const url = await start();
    const ready = (await (await fetch(`${url}/readyz`)).json()) as { checks: Record<string, { ok: boolean }> };
    expect(ready.checks.slack).toEqual({ ok: true });
  });
});
