import { DescribeDBInstancesCommand, PromoteReadReplicaCommand, RDSClient } from '@aws-sdk/client-rds';
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import nock from 'nock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RedisApprovalStore } from '../../src/backend/redis/redis-approval-store.js';
import { buildApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config/parse-config.js';
import { silentLogger } from '../../src/observability/logger.js';
import { guardNetwork, nockAuthTest, nockChatUpdate, nockPostMessage, TEST_SLACK_API_URL } from '../doubles/slack-api-nock.js';
import { TEST_SIGNING_SECRET } from '../doubles/slack-requests.js';
import { newRedisClient } from '../doubles/test-redis.js';
import { useRedisPrefix } from '../doubles/redis-prefix.js';
import { systemClock } from '../../src/core/clock.js';
import { testBackend } from '../doubles/test-backend.js';
import { ORDERS_FAILOVER_UNGUARDED, yamlFlow } from '../doubles/runbook-fixtures.js';

// SIGTERM while a failover waits on its promotion: stop() hands the run back at once instead of
// leaving it "Running" until its lease lapses on another replica.
const network = guardNetwork();
const ENV = { SLACK_BOT_TOKEN: 'xoxb-test-0000-lifeboat', SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_API_URL: TEST_SLACK_API_URL };
const YAML = `
slack: { channel: C0INCIDENTS, operators: [U0AAA, U0BBB], approvers: [U0BBB] }
runbooks:
  failover:
    orders: ${yamlFlow(ORDERS_FAILOVER_UNGUARDED)}
`;

const db = useRedisPrefix('app-stop-run');
const rds = mockClient(RDSClient);
const route53 = mockClient(Route53Client);
let app: App | null = null;

afterEach(async () => {
  await app?.stop();
  app = null;
  network.reset();
});
afterAll(async () => {
  rds.restore();
  route53.restore();
  nock.enableNetConnect();
});

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs}ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('stopping a replica that is running a failover', () => {
  it('marks the run interrupted at once, with the step it stopped in, keeps its locks and starts no further AWS call', async () => {
    const replica = {
      DBInstanceIdentifier: 'orders-replica',
      DBInstanceStatus: 'available',
      Engine: 'postgres',
      ReadReplicaSourceDBInstanceIdentifier: 'orders-db',
    };
    rds.on(DescribeDBInstancesCommand).callsFake(() => ({
      // Once promoted, the replica stays `modifying`: the run waits until stopped.
      DBInstances: [rds.commandCalls(PromoteReadReplicaCommand).length > 0 ? { ...replica, DBInstanceStatus: 'modifying' } : replica],
    }));
    rds.on(PromoteReadReplicaCommand).resolves({ DBInstance: replica });
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
    const posts = nockPostMessage(10);
    const updates = nockChatUpdate(10);
    const parsed = parseConfig(YAML, ENV);
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const redis = newRedisClient();
    const holderId = 'replica-stopping';
    app = buildApp({
      config: parsed.config,
      logger: silentLogger(),
      backend: testBackend(redis, db.prefix, systemClock, true),
      holderId,
    });
    await app.start(0, '127.0.0.1');
    const dr = app.dr;
    if (!dr) throw new Error('DR is off');

    // Requested as /dr failover does, so the approval message is posted and later updated.
    const replies: unknown[] = [];
    await app.slack?.approvalUi.submitAction(
      { kind: 'failover', runbook: 'orders', dryRun: false, allowDataLoss: false },
      { userId: 'U0AAA' },
      async (answer) => {
        replies.push(answer);
      },
    );
    await until(() => posts.calls.length === 1, 5_000);
    const [pending] = await dr.approvals.listPending();
    if (!pending) throw new Error(`not requested: ${JSON.stringify(replies)}`);
    const id = pending.id;
    expect(await dr.approvals.approve(id, 'U0BBB', 'orders')).toMatchObject({ ok: true, executing: true });
    const promotedAt = () => rds.commandCalls(DescribeDBInstancesCommand).length;
    await until(() => rds.commandCalls(PromoteReadReplicaCommand).length === 1, 5_000);
    const beforeWait = promotedAt();
    await until(() => promotedAt() > beforeWait, 5_000); // the promotion wait is polling

    const stopping = Date.now();
    await app.stop();
    const stopMs = Date.now() - stopping;
    app = null;

    expect(stopMs).toBeLessThan(10_000); // the SIGTERM budget
    const store = new RedisApprovalStore({ redis: db.redis, keyPrefix: db.prefix });
    const interrupted = await store.get(id);
    expect(interrupted).toMatchObject({ state: 'interrupted', run: { interruptedBy: holderId } });
    expect(interrupted?.locksReleased).toBeUndefined();
    expect(await db.redis.get(`${db.prefix}approval-lock:runbook:failover:orders`)).toBe(id);
    const audit = await store.readAudit({ limit: 50 });
    const last = audit.at(-1);
    expect(last).toMatchObject({ type: 'interrupted', actor: holderId, detail: 'during step wait-promoted (this replica was stopping)' });
    // Marked at once, not when a lease lapsed (30 s): within the stop itself. Times come from
    // Redis's clock (RedisSyncedClock), a few ms off this process's.
    expect(Math.abs((last?.at ?? 0) - stopping)).toBeLessThan(stopMs + 1_000);
    // Slack's approval message was updated to say so before the process ended, and its thread says where it stopped.
    expect(JSON.stringify(updates.calls.at(-1)?.body)).toMatch(/nterrupted/);
    expect(posts.calls.map((c) => String(c.body.text)).filter((t) => /nterrupted/.test(t))).not.toEqual([]);
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
    const polls = promotedAt();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(promotedAt()).toBe(polls); // the wait stopped with the process
  }, 30_000);
});
