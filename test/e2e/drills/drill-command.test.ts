import { createServer, type AddressInfo, type Server } from 'node:net';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { httpAwsClients } from '../../doubles/aws-http.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { nockRdsForDrills } from '../../doubles/rds-drill-fake.js';
import { nockChatUpdate, nockPostMessage } from '../../doubles/slack-api-nock.js';
import { startServiceFlow, type ServiceFlow } from '../approval-flow/approval-flow-harness.js';
import { slash } from '../approval-flow/flow-requests.js';

/*
 * `/dr drill` through the wiring users run (buildApp): a signed slash command, the drill against
 * RDS answered at the HTTP layer, a real TCP listener as the restored database, its message and
 * thread in slack.channel, its metrics, audit entries and `/dr drills` listing.
 */

const TARGET = 'orders-db-drill-20261121-120000';
let tcp: Server;
let port: number;
let flow: ServiceFlow;

beforeEach(async () => {
  tcp = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  port = (tcp.address() as AddressInfo).port;
  flow = await startServiceFlow({ drills: { 'orders-restore': { restore: 'orders', rto: '30m', keepFor: '0s' } } }, httpAwsClients());
});

afterEach(async () => {
  await flow.close();
  nock.cleanAll();
  await new Promise((resolve) => tcp.close(resolve));
});

/** Every section of a message fits Block Kit: at most 50 blocks, section text at most 3,000 characters. */
function fitsBlockKit(blocks: unknown): void {
  const list = blocks as Array<{ type: string; text?: { text: string } }>;
  expect(list.length).toBeGreaterThan(0);
  expect(list.length).toBeLessThanOrEqual(50);
  for (const block of list) expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(3_000);
}

describe('/dr drill through buildApp', () => {
  it('starts a drill for an operator, answers ephemerally, and posts, measures, audits and lists it', async () => {
    const rds = nockRdsForDrills(
      { id: 'orders-db', status: 'available', engine: 'postgres', tags: [], latestRestorableTime: new Date(MANUAL_CLOCK_START - 60_000) },
      { endpoint: { address: '127.0.0.1', port }, creatingFor: 2 },
    );
    const posts = nockPostMessage(20);
    const updates = nockChatUpdate(2);

    const replies = await slash(flow, 'drill orders-restore');
    expect(replies).toEqual([
      expect.objectContaining({ text: 'Drill orders-restore started as DRL-1: its progress and result are posted in <#C0INCIDENTS>.' }),
    ]);
    expect(replies[0]).not.toMatchObject({ response_type: 'in_channel' });
    await flow.app.drills?.service.settled();
    // Its posts go through the Slack outbox: delivered in order by the worker.
    await flow.idle();

    expect(rds.deleted).toEqual([TARGET]);
    const [first, ...thread] = posts.calls.map((c) => c.body);
    expect(first).toMatchObject({ channel: 'C0INCIDENTS', text: expect.stringContaining('Drill orders-restore (DRL-1) is running') });
    expect(first?.thread_ts).toBeUndefined();
    expect(thread.length).toBeGreaterThan(0);
    for (const reply of thread) expect(reply).toMatchObject({ channel: 'C0INCIDENTS', thread_ts: '1000.000001' });
    expect(thread.at(-1)?.text).toMatch(/^Drill orders-restore passed\. Restored in/);
    expect(updates.calls.map((c) => c.body)).toEqual([
      expect.objectContaining({ ts: '1000.000001', text: expect.stringMatching(/^Drill orders-restore passed/) }),
    ]);
    for (const body of [first, ...thread, ...updates.calls.map((c) => c.body)]) fitsBlockKit(body?.blocks);

    const metrics = (await flow.server.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('lifeboat_drill_runs_total{drill="orders-restore",outcome="passed"} 1');
    expect(metrics).toContain('lifeboat_drill_runs_total{drill="orders-restore",outcome="failed"} 0');
    expect(metrics).toMatch(/lifeboat_drill_duration_seconds_count\{drill="orders-restore"\} 1/);
    expect(metrics).toMatch(/lifeboat_drill_last_success_timestamp_seconds\{drill="orders-restore"\} \d+/);

    const audit = await flow.app.backend.auditLog.newest({ limit: 10 });
    expect(audit.filter((e) => 'drillRunId' in e).map((e) => [e.type, e.actor])).toEqual([
      ['drill-finished', undefined],
      ['drill-started', 'U0AAA'],
    ]);

    const listing = await slash(flow, 'drills', 'U0ZZZ'); // anyone may read
    expect(JSON.stringify(listing)).toContain('last: *passed* DRL-1');
  });

  it('refuses a non-operator, and a drill whose runbook a request holds, without touching AWS', async () => {
    const refused = await slash(flow, 'drill orders-restore', 'U0ZZZ');
    expect(JSON.stringify(refused)).toMatch(/operators/);
    expect(flow.app.drills?.service).toBeDefined();
    // A pending restore request holds runbook:restore:orders.
    await flow.app.backend.approvals.create({
      plan: {
        id: 'plan-x',
        request: { kind: 'restore', runbook: 'orders', dryRun: false, source: { type: 'latest' } },
        title: 'Restore orders',
        subject: 'orders',
        calls: [],
        preflight: [],
        resources: ['runbook:restore:orders'],
        destructive: false,
        warnings: [],
        createdAt: MANUAL_CLOCK_START,
      },
      requester: 'U0BBB',
      requiredApprovals: 1,
      createdAt: MANUAL_CLOCK_START,
      expiresAt: MANUAL_CLOCK_START + 60_000,
    });
    const replies = await slash(flow, 'drill orders-restore');
    expect(replies).toEqual([
      expect.objectContaining({
        text: 'Drill orders-restore was not started: runbook:restore:orders is held by request APR-1; a drill never overlaps a request, run or another drill on it.',
      }),
    ]);
  });
});
