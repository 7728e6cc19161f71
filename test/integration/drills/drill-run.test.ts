import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionRunner } from '../../../src/actions/action-runner.js';
import { SdkRdsGateway } from '../../../src/aws/rds-gateway-sdk.js';
import { SdkRoute53Gateway } from '../../../src/aws/route53-gateway-sdk.js';
import type { DrillConfig, RestoreRunbook } from '../../../src/config/types.js';
import { runDrill, type DrillRunDeps } from '../../../src/drills/drill-run.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { httpAwsClients } from '../../doubles/aws-http.js';
import { MANUAL_CLOCK_START, ManualClock } from '../../doubles/manual-clock.js';
import { nockRdsForDrills, type FakeInstance } from '../../doubles/rds-drill-fake.js';
import { nockAuroraForDrills } from '../../doubles/aurora-drill-fake.js';
import { ORDERS_RESTORE } from '../../doubles/runbook-fixtures.js';
import { FakeLagSource, MemoryRunJournal, RecordingReporter } from '../actions/fixtures.js';

/*
 * A restore drill against RDS answered at the HTTP layer (the SDK's real requests), a real TCP
 * listener standing in for the restored database, and a real HTTP server as the validation webhook.
 */

const TARGET = 'orders-db-drill-20261121-120000';
const RUNBOOK: RestoreRunbook = {
  ...ORDERS_RESTORE,
  overrides: {},
  // A drill must never touch these: they point production at the copy.
  dns: [{ hostedZoneId: 'Z123', name: 'orders.db.example.com', type: 'CNAME', ttl: 60 }],
  verify: { checks: ['api'], withinMs: 600_000 },
};

let tcp: Server;
let tcpPort: number;
let webhook: HttpServer;
let webhookUrl: string;
let webhookAnswer: number;
let webhookBodies: unknown[];
let webhookAuth: Array<string | undefined>;

function source(): FakeInstance {
  return {
    id: 'orders-db',
    status: 'available',
    engine: 'postgres',
    tags: [{ Key: 'team', Value: 'orders' }],
    latestRestorableTime: new Date(MANUAL_CLOCK_START - 5 * 60_000),
  };
}

function deps(clock: ManualClock, progress: string[]): DrillRunDeps {
  const clients = httpAwsClients();
  const rds = new SdkRdsGateway(clients);
  const route53 = new SdkRoute53Gateway((kind) => clients.route53(kind));
  const lag = new FakeLagSource();
  const sleep = async (ms: number) => clock.advance(ms);
  const runner = new ActionRunner({
    rds,
    route53,
    lag,
    clock,
    journal: new MemoryRunJournal(),
    reporter: new RecordingReporter(),
    logger: silentLogger(),
    sleep,
    backoff: { initialMs: 30_000, maxMs: 30_000, factor: 1 },
  });
  return {
    planning: { rds, route53, lag, clock, newId: () => 'plan-1' },
    runner,
    sleep,
    logger: silentLogger(),
    tcpTimeoutMs: 2_000,
    progress: async (_runId, text) => {
      progress.push(text);
    },
  };
}

const DRILL: DrillConfig = { restore: 'orders', keepForMs: 0, rtoMs: 30 * 60_000 };

beforeEach(async () => {
  tcp = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  tcpPort = (tcp.address() as AddressInfo).port;
  webhookAnswer = 200;
  webhookBodies = [];
  webhookAuth = [];
  webhook = createHttpServer((req, res) => {
    webhookAuth.push(req.headers.authorization);
    let body = '';
    req.on('data', (chunk) => {
      body += String(chunk);
    });
    req.on('end', () => {
      webhookBodies.push(JSON.parse(body));
      res.writeHead(webhookAnswer).end(webhookAnswer === 200 ? 'ok' : 'row count 0 in orders');
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/validate`;
});

afterEach(async () => {
  nock.cleanAll();
  await new Promise((resolve) => tcp.close(resolve));
  await new Promise((resolve) => webhook.close(resolve));
});

describe('a restore drill', () => {
  it('restores the latest restorable time into a tagged copy, validates it, measures it and deletes only that copy', async () => {
    const clock = new ManualClock();
    const rds = nockRdsForDrills(source(), { endpoint: { address: '127.0.0.1', port: tcpPort }, creatingFor: 2 });
    const progress: string[] = [];
    const drill: DrillConfig = { ...DRILL, validate: { webhook: { url: webhookUrl, timeoutMs: 5_000 } }, keepForMs: 10 * 60_000 };

    const outcome = await runDrill(deps(clock, progress), { name: 'orders-restore', drill, runbook: RUNBOOK, runId: 'DRL-1' });

    expect(outcome).toMatchObject({ result: 'passed', target: TARGET, endpoint: `127.0.0.1:${tcpPort}`, rtoMs: 1_800_000 });
    expect(outcome.restoreMs).toBeGreaterThan(0);
    expect(outcome.restoreMs).toBeLessThanOrEqual(outcome.rtoMs ?? 0);
    const restore = rds.sent.find((s) => s.action === 'RestoreDBInstanceToPointInTime')?.params ?? {};
    expect(restore).toMatchObject({
      SourceDBInstanceIdentifier: 'orders-db',
      TargetDBInstanceIdentifier: TARGET,
      UseLatestRestorableTime: 'true',
      DeletionProtection: 'false',
      'Tags.Tag.1.Key': 'team',
      'Tags.Tag.2.Key': 'lifeboat:drill',
      'Tags.Tag.2.Value': 'DRL-1',
    });
    expect(webhookBodies).toEqual([{ endpoint: '127.0.0.1', port: tcpPort, engine: 'postgres', drill: 'orders-restore', runId: 'DRL-1' }]);
    // Only the drill's own copy, once, with no final snapshot; the source is never a target.
    expect(rds.deleted).toEqual([TARGET]);
    expect(rds.sent.find((s) => s.action === 'DeleteDBInstance')?.params).toMatchObject({
      DBInstanceIdentifier: TARGET,
      SkipFinalSnapshot: 'true',
    });
    expect(rds.actions.filter((a) => !/^Describe|^RestoreDBInstanceToPointInTime$|^DeleteDBInstance$/.test(a))).toEqual([]);
    expect(outcome.cleanup).toEqual([{ resource: TARGET, kind: 'instance', result: 'deleted', message: `${TARGET} is deleting` }]);
    expect(progress.some((p) => p.includes('Keeping') && p.includes('10m'))).toBe(true);
    expect(outcome.summary).toMatch(
      /^Drill orders-restore passed\. Restored in .* \(rto 30m\)\. Deleted: orders-db-drill-20261121-120000\.$/,
    );
  });

  it('never deletes a copy it cannot prove is its own: no drill tag read back, no delete sent, reported', async () => {
    const clock = new ManualClock();
    const rds = nockRdsForDrills(source(), { endpoint: { address: '127.0.0.1', port: tcpPort }, tags: 'drop' });

    const outcome = await runDrill(deps(clock, []), { name: 'orders-restore', drill: DRILL, runbook: RUNBOOK, runId: 'DRL-2' });

    expect(outcome.result).toBe('passed');
    expect(rds.actions).not.toContain('DeleteDBInstance');
    expect(rds.instances.get(TARGET)?.status).toBe('available');
    expect(outcome.cleanup).toEqual([
      {
        resource: TARGET,
        kind: 'instance',
        result: 'refused',
        message: `${TARGET} was not deleted: it carries no lifeboat:drill tag, not lifeboat:drill=DRL-2`,
      },
    ]);
    expect(outcome.summary).toContain('Left behind:');
  });

  it("reports a validation failure with the webhook's answer, and still cleans up", async () => {
    const clock = new ManualClock();
    const rds = nockRdsForDrills(source(), { endpoint: { address: '127.0.0.1', port: tcpPort } });
    webhookAnswer = 422;
    const drill: DrillConfig = { ...DRILL, validate: { webhook: { url: webhookUrl, timeoutMs: 5_000 } } };

    const outcome = await runDrill(deps(clock, []), { name: 'orders-restore', drill, runbook: RUNBOOK, runId: 'DRL-3' });

    expect(outcome.result).toBe('invalid');
    expect(outcome.reason).toBe('the validation webhook answered 422: row count 0 in orders');
    expect(webhookBodies).toHaveLength(1); // never retried
    expect(rds.deleted).toEqual([TARGET]);
  });

  it('sends LIFEBOAT_DRILL_<NAME>_TOKEN to the webhook as a bearer token, and none when it is not set', async () => {
    const drill: DrillConfig = { ...DRILL, validate: { webhook: { url: webhookUrl, timeoutMs: 5_000 } } };
    nockRdsForDrills(source(), { endpoint: { address: '127.0.0.1', port: tcpPort } });
    const request = { name: 'orders-restore', drill, runbook: RUNBOOK, runId: 'DRL-6' };
    expect((await runDrill(deps(new ManualClock(), []), { ...request, webhookToken: 'drill-s3cret' })).result).toBe('passed');
    nock.cleanAll();
    nockRdsForDrills(source(), { endpoint: { address: '127.0.0.1', port: tcpPort } });
    expect((await runDrill(deps(new ManualClock(), []), { ...request, runId: 'DRL-7' })).result).toBe('passed');

    expect(webhookAuth).toEqual(['Bearer drill-s3cret', undefined]);
  });

  it('refuses to start, creating nothing, when the token variable is set but empty', async () => {
    const drill: DrillConfig = { ...DRILL, validate: { webhook: { url: webhookUrl, timeoutMs: 5_000 } } };
    const rds = nockRdsForDrills(source(), { endpoint: { address: '127.0.0.1', port: tcpPort } });

    const outcome = await runDrill(deps(new ManualClock(), []), {
      name: 'orders-restore',
      drill,
      runbook: RUNBOOK,
      runId: 'DRL-8',
      webhookToken: '',
    });

    expect(outcome).toMatchObject({
      result: 'failed',
      reason:
        'LIFEBOAT_DRILL_ORDERS_RESTORE_TOKEN is set but empty (a secret that did not mount?): the validation webhook would be called without its token',
      cleanup: [],
    });
    expect(rds.sent).toEqual([]);
    expect(webhookBodies).toEqual([]);
  });

  it('reports an endpoint that refuses TCP as invalid', async () => {
    const clock = new ManualClock();
    await new Promise((resolve) => tcp.close(resolve));
    tcp = createServer();
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    nockRdsForDrills(source(), { endpoint: { address: '127.0.0.1', port: tcpPort } }); // the old, closed port

    const outcome = await runDrill(deps(clock, []), { name: 'orders-restore', drill: DRILL, runbook: RUNBOOK, runId: 'DRL-4' });

    expect(outcome.result).toBe('invalid');
    expect(outcome.reason).toBe(`the endpoint did not accept a TCP connection: 127.0.0.1:${tcpPort}: ECONNREFUSED`);
  });

  it('measures against rto: a restore slower than rto missed it', async () => {
    const clock = new ManualClock();
    nockRdsForDrills(source(), { endpoint: { address: '127.0.0.1', port: tcpPort }, creatingFor: 4 });

    const outcome = await runDrill(deps(clock, []), {
      name: 'orders-restore',
      drill: { ...DRILL, rtoMs: 60_000 },
      runbook: RUNBOOK,
      runId: 'DRL-5',
    });

    expect(outcome.result).toBe('missed-rto');
    expect(outcome.reason).toMatch(/^restored in .*, over the rto of 1m$/);
  });

  it('drills an Aurora runbook: cluster plus writer, tagged; deletes the writer, waits until it is gone, then the cluster', async () => {
    const clock = new ManualClock();
    const cluster = 'orders-east-drill-20261121-120000';
    const aurora = nockAuroraForDrills('orders-east', new Date(MANUAL_CLOCK_START - 60_000), { address: '127.0.0.1', port: tcpPort });
    const runbook: RestoreRunbook = {
      region: 'us-east-1',
      dbCluster: 'orders-east',
      instanceClass: 'db.r6g.large',
      securityGroups: [],
      overrides: {},
    };

    const outcome = await runDrill(
      { ...deps(clock, []), cleanup: { pollMs: 1_000, writerGoneMs: 10_000 } },
      { name: 'east', drill: DRILL, runbook, runId: 'DRL-6' },
    );

    expect(outcome).toMatchObject({ result: 'passed', target: cluster, endpoint: `127.0.0.1:${tcpPort}` });
    expect(aurora.actions).toContain('CreateDBInstance');
    expect(aurora.deleted).toEqual([`instance:${cluster}-w`, `cluster:${cluster}`]);
    expect(outcome.cleanup.map((s) => `${s.kind}:${s.resource}:${s.result}`)).toEqual([
      `instance:${cluster}-w:deleted`,
      `cluster:${cluster}:deleted`,
    ]);
    expect(aurora.clusters.has('orders-east')).toBe(true);
  });
});
