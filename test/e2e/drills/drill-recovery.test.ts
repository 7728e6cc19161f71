import { createServer, type AddressInfo, type Server } from 'node:net';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sleeper } from '../../../src/actions/wait-until.js';
import { AwsClients, type AwsClientsOptions } from '../../../src/aws/aws-clients.js';
import { httpAwsClients } from '../../doubles/aws-http.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { nockRdsForDrills, type RdsDrillFake } from '../../doubles/rds-drill-fake.js';
import { nockChatUpdate, nockPostMessage } from '../../doubles/slack-api-nock.js';
import { deleteKeys } from '../../doubles/test-redis.js';
import { untilLeader } from '../../doubles/until-leader.js';
import { startServiceFlow } from '../approval-flow/approval-flow-harness.js';
import { slash } from '../approval-flow/flow-requests.js';
import { until } from '../../doubles/until.js';

/*
 * Through the wiring users run (buildApp, real Redis, RDS at the HTTP layer, signed slash
 * commands): a restore request made while a drill holds the runbook is refused naming the drill,
 * and accepted once it ended; a drill whose replica died is cleaned up by the next leader.
 */

const TARGET = 'orders-db-drill-20261121-120000';
const KEEP_FOR_MS = 10 * 60_000;
const RECOVERY = { liveness: { leaseMs: 300, everyMs: 100 }, sweepMs: 100 };

let tcp: Server;
let endpoint: { address: string; port: number };
const closers: Array<() => Promise<void>> = [];

beforeEach(async () => {
  tcp = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  endpoint = { address: '127.0.0.1', port: (tcp.address() as AddressInfo).port };
});

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  nock.cleanAll();
  await new Promise((resolve) => tcp.close(resolve));
});

function ordersDb(creatingFor: number): RdsDrillFake {
  return nockRdsForDrills(
    { id: 'orders-db', status: 'available', engine: 'postgres', tags: [], latestRestorableTime: new Date(MANUAL_CLOCK_START - 60_000) },
    { endpoint, creatingFor },
  );
}

describe('restore requests while a drill runs', () => {
  it('/dr restore orders is refused naming the drill run while the drill holds the runbook, and accepted after it ended', async () => {
    let keeping = false;
    let endKeep: () => void = () => undefined;
    const kept = new Promise<void>((resolve) => {
      endKeep = resolve;
    });
    // The drill's keepFor wait lasts until the test ends it; every other wait moves the clock.
    const runSleep =
      (clock: { advance(ms: number): void }): Sleeper =>
      async (ms) => {
        if (ms === KEEP_FOR_MS) {
          keeping = true;
          await kept;
        }
        clock.advance(ms);
      };
    const flow = await startServiceFlow(
      { drills: { 'orders-restore': { restore: 'orders', keepFor: '10m' } }, runSleep, drillRecovery: RECOVERY },
      httpAwsClients(),
    );
    closers.push(() => flow.close());
    const rds = ordersDb(1);
    nockPostMessage(30);
    nockChatUpdate(5);

    expect(JSON.stringify(await slash(flow, 'drill orders-restore'))).toContain('started as DRL-1');
    await until(() => keeping, 'the drill to keep its copy', 10_000);

    const refused = await slash(flow, 'restore orders --latest');
    expect(JSON.stringify(refused)).toContain(
      'runbook:restore:orders is held by drill run DRL-1 (drill orders-restore), which is restoring a temporary copy of it; try again when it ends.',
    );
    expect(await flow.approvals.listPending()).toEqual([]);
    expect(rds.actions.filter((a) => a === 'RestoreDBInstanceToPointInTime')).toHaveLength(1); // the drill's own

    endKeep();
    await flow.app.drills?.service.settled();
    expect((await flow.app.backend.drills.history('orders-restore', 1)).map((o) => o.result)).toEqual(['passed']);

    await slash(flow, 'restore orders --latest');
    const pending = await flow.approvals.listPending();
    expect(pending.map((a) => [a.plan.request.kind, a.plan.resources.includes('runbook:restore:orders')])).toEqual([['restore', true]]);
    // And the drill cannot start now: the request holds the runbook (the reverse, named as a request).
    expect(JSON.stringify(await slash(flow, 'drill orders-restore'))).toContain(`is held by request ${pending[0]?.id}`);
  });
});

/**
 * AWS clients as httpAwsClients builds them, whose every request hangs for good after `die()`:
 * the replica can no longer reach AWS, as after kill -9, so nothing it still runs deletes anything.
 */
function mortalAwsClients(): { clients: AwsClients; die: () => void } {
  let dead = false;
  const inner = httpAwsClients().rds('us-east-1').config.requestHandler;
  const handler = new Proxy(inner, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        dead ? new Promise<never>(() => undefined) : (value as (...a: unknown[]) => unknown).apply(target, args);
    },
  });
  const clients = new AwsClients({
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    requestHandler: handler as AwsClientsOptions['requestHandler'],
  });
  return {
    clients,
    die: () => {
      dead = true;
    },
  };
}

describe('a drill whose replica died', () => {
  it('is cleaned up by the next leader: its tagged copy deleted, interrupted in history, audited, counted and posted', async () => {
    const drills = { 'orders-restore': { restore: 'orders', keepFor: '0s' } };
    const aws = mortalAwsClients();
    const a = await startServiceFlow({ drills, drillRecovery: RECOVERY }, aws.clients);
    let aStopped = false;
    closers.push(async () => {
      if (!aStopped) await a.app.stop();
      await deleteKeys(a.redis, a.keyPrefix);
      await a.redis.quit();
    });
    const b = await startServiceFlow({ drills, drillRecovery: RECOVERY, replicaOf: a }, httpAwsClients());
    closers.push(() => b.close());
    const rds = ordersDb(20);
    const posts = nockPostMessage(40);
    const updates = nockChatUpdate(5);

    expect(JSON.stringify(await slash(a, 'drill orders-restore'))).toContain('started as DRL-1');
    await until(() => rds.instances.has(TARGET), 'the restore to be sent', 10_000);
    // A loses AWS mid-restore and exits: its drill can neither clean up nor record anything, and
    // its liveness stops once the shutdown budget is spent; its leader lease is released.
    aws.die();
    await a.app.stop();
    aStopped = true;

    await untilLeader(b.app, 10_000);
    await until(async () => (await b.app.backend.drills.history('orders-restore', 1)).length > 0, 'the recovery to record it', 10_000);

    // Deleted once, by the leader: had A cleaned up itself, its own outcome would be recorded instead.
    expect(rds.deleted).toEqual([TARGET]);
    const [outcome] = await b.app.backend.drills.history('orders-restore', 1);
    expect(outcome).toMatchObject({ runId: 'DRL-1', result: 'interrupted', target: TARGET });
    expect(outcome?.cleanup.map((s) => `${s.resource}:${s.result}`)).toEqual([`${TARGET}:deleted`]);
    const audit = await b.app.backend.auditLog.newest({ limit: 10 });
    expect(audit.filter((e) => 'drillRunId' in e).map((e) => `${e.type}:${e.drillRunId}`)).toEqual([
      'drill-finished:DRL-1',
      'drill-started:DRL-1',
    ]);
    const metrics = (await b.server.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('lifeboat_drill_runs_total{drill="orders-restore",outcome="interrupted"} 1');
    await until(
      () => posts.calls.some((c) => String(c.body.text).startsWith('Drill orders-restore was interrupted')),
      'the report',
      10_000,
    );
    const report = posts.calls.find((c) => String(c.body.text).startsWith('Drill orders-restore was interrupted'))?.body;
    // In the thread of the message A posted (its ref is in Redis), and that message updated with it.
    const started = posts.calls.find((c) => String(c.body.text).includes('Drill orders-restore (DRL-1) is running'));
    expect(started?.body.thread_ts).toBeUndefined();
    expect(report).toMatchObject({ channel: 'C0INCIDENTS', thread_ts: '1000.000001' });
    await until(() => updates.calls.length > 0, 'the message updated', 10_000);
    expect(updates.calls.map((c) => c.body)).toEqual([
      expect.objectContaining({ ts: '1000.000001', text: expect.stringMatching(/^Drill orders-restore was interrupted/) }),
    ]);
    // The claim is freed: a restore may be requested again.
    expect(await b.app.backend.approvals.lockHolder(['runbook:restore:orders', 'rds:us-east-1:instance:orders-db'])).toBeNull();
    expect(JSON.stringify(await slash(b, 'drills'))).toContain('last: *interrupted* DRL-1');
  });
});
