import { DescribeDBInstancesCommand, PromoteReadReplicaCommand } from '@aws-sdk/client-rds';
import { ChangeResourceRecordSetsCommand, GetChangeCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ActionPlanner } from '../../../src/actions/action-planner.js';
import { ActionRunner } from '../../../src/actions/action-runner.js';
import { realSleep } from '../../../src/actions/wait-until.js';
import { ApprovalEngine } from '../../../src/approvals/approval-engine.js';
import { RedisApprovalStore } from '../../../src/backend/redis/redis-approval-store.js';
import { systemClock } from '../../../src/core/clock.js';
import { ControlJournal } from '../../../src/dr/control-journal.js';
import { DrService } from '../../../src/dr/dr-service.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { createRedisClient } from '../../../src/backend/redis/redis-connection.js';
import { RedisServerProcess } from '../../doubles/redis-server-process.js';
import { sleep } from '../../doubles/test-redis.js';
import { FakeLagSource, RecordingReporter, cname, commandNames, dbInstance, harness } from './fixtures.js';
import { ORDERS_REPLICA_ENDPOINT } from '../../doubles/runbook-fixtures.js';

// A store outage in the middle of a failover, on a Redis of the test's own that it kills and
// restarts, with the client settings production uses (commands fail after 2 s, one retry).

const NEW = ORDERS_REPLICA_ENDPOINT;
const KEY_PREFIX = 'lifeboat:';
const h = harness();
let server: RedisServerProcess;
let redis: Redis;

/** AWS as the failover sees it: the replica stays `modifying` until the test says the promotion finished. */
function mockFailover(aws: { promoted: boolean; waitPolls: number }) {
  const replica = dbInstance('orders-replica', 'available', { ReadReplicaSourceDBInstanceIdentifier: 'orders-db' });
  h.west.on(DescribeDBInstancesCommand).callsFake(() => {
    const promoting = h.west.commandCalls(PromoteReadReplicaCommand).length > 0;
    if (!promoting) return { DBInstances: [replica] };
    aws.waitPolls += 1;
    return {
      DBInstances: [
        aws.promoted
          ? dbInstance('orders-replica', 'available', { Endpoint: { Address: NEW, Port: 5432 } })
          : dbInstance('orders-replica', 'modifying'),
      ],
    };
  });
  h.west.on(PromoteReadReplicaCommand).resolves({ DBInstance: replica });
  h.r53.on(ListResourceRecordSetsCommand).resolves({
    ResourceRecordSets: [cname('orders.db.example.com.', 'orders-db.abc.us-east-1.rds.amazonaws.com')],
    IsTruncated: false,
    MaxItems: 20,
  });
  h.r53.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() } });
  h.r53.on(GetChangeCommand).resolves({ ChangeInfo: { Id: '/change/C1', Status: 'INSYNC', SubmittedAt: new Date() } });
}

/** One Lifeboat replica on the real clock: engine, planner, runner and the DR service joining them. */
function replica(runLeaseMs: number) {
  const lag = new FakeLagSource();
  lag.set('orders-lag', 4, systemClock.now());
  const live = { rds: h.rds, route53: h.route53, lag, clock: systemClock };
  const journal = new ControlJournal();
  const reporter = new RecordingReporter();
  // AWS polls every 100 ms of real time instead of 5 s.
  const runner = new ActionRunner({ ...live, journal, reporter, logger: silentLogger(), sleep: (_ms, signal) => realSleep(100, signal) });
  const approvals = new ApprovalEngine({
    store: new RedisApprovalStore({ redis, keyPrefix: KEY_PREFIX }),
    clock: systemClock,
    logger: silentLogger(),
    instanceId: 'replica-a',
    runLeaseMs,
    policy: { approvers: ['U0BBB'], requiredApprovals: 1, ttlMs: 15 * 60_000 },
  });
  const planner = new ActionPlanner({ ...live, config: h.config, incidents: { getIncident: async () => null } });
  const dr = new DrService({ planner, runner, approvals, journal, logger: silentLogger() });
  // As app-subscriptions.ts wires it.
  approvals.onExecute(dr.execute);
  return { dr, approvals, reporter };
}

async function approveFailover(a: ReturnType<typeof replica>): Promise<string> {
  const submitted = await a.dr.submit({ kind: 'failover', runbook: 'orders', dryRun: false, allowDataLoss: false }, { userId: 'U0AAA' });
  if (submitted.kind !== 'requested') throw new Error(`not requested: ${JSON.stringify(submitted)}`);
  expect(await a.approvals.approve(submitted.approval.id, 'U0BBB', 'orders')).toMatchObject({ ok: true, executing: true });
  return submitted.approval.id;
}

async function untilTrue(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

beforeAll(async () => {
  server = await RedisServerProcess.start();
});
afterAll(async () => {
  await server.destroy();
});
beforeEach(async () => {
  h.reset();
  if (!server.url) throw new Error('no server');
  redis = createRedisClient(server.url, silentLogger());
  await redis.flushall();
});
afterEach(async () => {
  redis.disconnect();
});

describe('a failover across a store outage', () => {
  it('finishes when Redis comes back within the run lease: the promotion is recorded, DNS is switched once, the run succeeds', async () => {
    const aws = { promoted: false, waitPolls: 0 };
    mockFailover(aws);
    const a = replica(30_000);
    const id = await approveFailover(a);
    await untilTrue(() => aws.waitPolls >= 2, 5_000); // the promotion wait is polling

    await server.kill();
    aws.promoted = true; // the promotion finishes in AWS while Redis is down
    await untilTrue(() => a.reporter.trace().includes('step-done:wait-promoted') || aws.waitPolls >= 3, 5_000);
    await sleep(3_000); // the step-done write fails (2 s timeout) and is retried meanwhile
    expect(h.r53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0); // nothing further while unrecorded
    await server.restart();
    await a.approvals.whenIdle();

    const done = await a.approvals.get(id);
    expect(done?.state).toBe('succeeded');
    expect(done?.run?.steps.map((s) => s.stepId)).toEqual(['promote', 'wait-promoted', 'dns-upsert', 'dns-insync']);
    expect(h.west.commandCalls(PromoteReadReplicaCommand)).toHaveLength(1);
    expect(h.r53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(1);
    // Each transition is audited once, however many times its write was retried.
    const audit = (await a.approvals.readAudit({ limit: 100 })).map((e) => `${e.type}:${e.detail?.split(':')[0] ?? ''}`);
    expect(audit.filter((e) => e.startsWith('step-done'))).toEqual([
      'step-done:promote',
      'step-done:wait-promoted',
      'step-done:dns-upsert',
      'step-done:dns-insync',
    ]);
    expect(audit.at(-1)).toMatch(/^succeeded:/);
    expect(a.reporter.trace().at(-1)).toBe('finished:succeeded');
    expect(await redis.keys(`${KEY_PREFIX}approval-lock:*`)).toEqual([]);
  }, 30_000);

  it('stops when Redis stays down past the run lease: nothing further is attempted, and the run is reported interrupted with its locks kept', async () => {
    const aws = { promoted: false, waitPolls: 0 };
    mockFailover(aws);
    const a = replica(4_000);
    const id = await approveFailover(a);
    await untilTrue(() => aws.waitPolls >= 2, 5_000);

    await server.kill();
    aws.promoted = true;
    await a.approvals.whenIdle(); // the runner gives up once the lease has run out
    expect(a.reporter.trace().at(-1)).toBe('finished:interrupted');
    const finished = a.reporter.events.at(-1);
    expect(finished?.type === 'finished' && finished.outcome.error).toMatchObject({
      stepId: 'wait-promoted',
      code: 'LIFEBOAT_RUN_ABORTED',
      message: expect.stringContaining('was done in AWS, but the run was stopped'),
    });
    expect(commandNames(h.r53).filter((n) => n !== 'ListResourceRecordSetsCommand')).toEqual([]);

    await server.restart();
    // The sweep (any replica's, this one's too) finds the lapsed lease and reports the run interrupted.
    await untilTrue(async () => (await a.approvals.recoverInterruptedRuns().catch(() => [])).length > 0, 10_000);
    const interrupted = await a.approvals.get(id);
    expect(interrupted?.state).toBe('interrupted');
    expect(interrupted?.locksReleased).toBeUndefined();
    expect((await redis.keys(`${KEY_PREFIX}approval-lock:*`)).length).toBeGreaterThan(0);
    const audit = await a.approvals.readAudit({ limit: 100 });
    expect(audit.at(-1)).toMatchObject({ type: 'interrupted', detail: 'during step wait-promoted' });
    expect(h.r53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
    // The runbook stays held: a new failover names the interrupted run instead of planning.
    const again = await a.dr.submit({ kind: 'failover', runbook: 'orders', dryRun: false, allowDataLoss: false }, { userId: 'U0AAA' });
    expect(again).toMatchObject({
      kind: 'refused',
      message: expect.stringMatching(new RegExp(`^${id} \\(.*\\) was interrupted and still holds`)),
    });
  }, 30_000);
});
