import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../../src/core/incident.js';
import { httpAwsClients } from '../../doubles/aws-http.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { nockRdsForDrills } from '../../doubles/rds-drill-fake.js';
import { startSlackFake, type SlackFake } from '../../doubles/slack-fake.js';
import { startServiceFlow, type ServiceFlow } from '../approval-flow/approval-flow-harness.js';
import { slash } from '../approval-flow/flow-requests.js';

/*
 * A drill that does not pass opens an incident through the engine users run (buildApp, real
 * Redis): `drill:<name>` at readiness.severity, posted in slack.channel like any incident; the
 * next drill of that name that passes resolves it.
 */

let tcp: Server;
let webhook: HttpServer;
let webhookAnswers: number[];
let flow: ServiceFlow;
let fake: SlackFake;

beforeEach(async () => {
  tcp = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  webhookAnswers = [];
  webhook = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const status = webhookAnswers.shift() ?? 200;
      res.writeHead(status).end(status === 200 ? 'ok' : 'row count 0 in orders');
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  const hook = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/validate`;
  flow = await startServiceFlow(
    {
      drills: { 'orders-restore': { restore: 'orders', rto: '30m', keepFor: '0s', validate: { webhook: { url: hook, timeout: '5s' } } } },
      readiness: { severity: 'SEV2' },
    },
    httpAwsClients(),
  );
  fake = startSlackFake({ clock: flow.clock });
});

afterEach(async () => {
  await flow.close();
  fake.stop();
  nock.cleanAll();
  await new Promise((resolve) => tcp.close(resolve));
  await new Promise((resolve) => webhook.close(resolve));
});

/** Runs `/dr drill orders-restore` to its end, and delivers what it and its incident post. */
async function drill(): Promise<void> {
  await slash(flow, 'drill orders-restore');
  await flow.app.drills?.service.settled();
  await flow.idle();
}

/** The drill's incidents, as the store keeps them, once `done` says so (the engine writes just after the drill ends). */
async function drillIncidents(done: (incidents: Incident[]) => boolean): Promise<Incident[]> {
  const deadline = Date.now() + 10_000; // generous: the engine's write runs late on a busy machine
  for (;;) {
    const open = await flow.app.store.listOpenIncidents();
    const incidents = open.filter((i) => i.checkId === 'drill:orders-restore');
    if (done(incidents) || Date.now() > deadline) return incidents;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('an incident for a drill that does not pass', () => {
  it('opens drill:<name> at readiness.severity when the webhook says invalid, posts it, and resolves it on the next pass', async () => {
    nockRdsForDrills(
      { id: 'orders-db', status: 'available', engine: 'postgres', tags: [], latestRestorableTime: new Date(MANUAL_CLOCK_START - 60_000) },
      { endpoint: { address: '127.0.0.1', port: (tcp.address() as AddressInfo).port }, creatingFor: 2 },
    );
    webhookAnswers.push(422);

    await drill();
    const [incident, ...more] = await drillIncidents((found) => found.length > 0);
    expect(more).toEqual([]);
    expect(incident).toMatchObject({
      checkId: 'drill:orders-restore',
      severity: 'SEV2',
      state: 'open',
      measurement: { kind: 'drill', drill: 'orders-restore', runId: 'DRL-1', result: 'invalid' },
    });
    expect(incident?.summary).toMatch(/^drill orders-restore invalid \(DRL-1\): .*422.*row count 0 in orders/);
    // Posted in slack.channel like any incident, beside the drill's own message (updated with its outcome).
    await flow.idle();
    expect(
      fake
        .messagesIn('C0INCIDENTS')
        .filter((m) => m.threadTs === undefined)
        .map((m) => m.text),
    ).toEqual([
      expect.stringMatching(/^Drill orders-restore restored but did not validate\./),
      `SEV2 ${incident?.id} drill:orders-restore: ${incident?.summary} (open)`,
    ]);

    // The next drill passes (the webhook answers 200): the incident resolves.
    flow.clock.advance(60 * 60_000);
    await drill();
    expect(await drillIncidents((found) => found.length === 0)).toEqual([]);
    const resolved = await flow.app.store.getIncident(incident?.id ?? '');
    expect(resolved?.state).toBe('resolved');
    expect(await flow.app.drills?.service.list()).toEqual([
      expect.objectContaining({ last: expect.objectContaining({ runId: 'DRL-2', result: 'passed' }) }),
    ]);
  });

  it('is silenced like any check: /dr silence drill:<name> keeps a failing drill from posting or paging its incident', async () => {
    nockRdsForDrills(
      { id: 'orders-db', status: 'available', engine: 'postgres', tags: [], latestRestorableTime: new Date(MANUAL_CLOCK_START - 60_000) },
      { endpoint: { address: '127.0.0.1', port: (tcp.address() as AddressInfo).port }, creatingFor: 2 },
    );
    const answer = await slash(flow, 'silence drill:orders-restore 1d rehearsing the restore webhook');
    expect(JSON.stringify(answer)).toMatch(/drill:orders-restore/);
    expect((await flow.app.noise.silences.current()).map((s) => s.checkId)).toEqual(['drill:orders-restore']);
    webhookAnswers.push(422);

    await drill();
    const [incident] = await drillIncidents((found) => found.length > 0);
    expect(incident).toMatchObject({ checkId: 'drill:orders-restore', severity: 'SEV2' });
    await flow.idle();
    // Only the drill's own message: the incident is kept, not announced.
    expect(
      fake
        .messagesIn('C0INCIDENTS')
        .filter((m) => m.threadTs === undefined)
        .map((m) => m.text),
    ).toEqual([expect.stringMatching(/^Drill orders-restore restored but did not validate\./)]);
  });
});
