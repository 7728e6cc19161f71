import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../../src/app.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { httpAwsClients } from '../../doubles/aws-http.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { nockRdsForDrills } from '../../doubles/rds-drill-fake.js';
import { startSlackFake, type FakeMessage, type SlackFake } from '../../doubles/slack-fake.js';
import { testBackend } from '../../doubles/test-backend.js';
import { deleteKeys } from '../../doubles/test-redis.js';
import { startServiceFlow, steadyProbes, type ServiceFlow } from '../approval-flow/approval-flow-harness.js';
import { slash } from '../approval-flow/flow-requests.js';

/*
 * A drill's Slack posts through the outbox, through the wiring users run (buildApp, real Redis):
 * Slack fails every way it does (503, 429 ratelimited, a dropped connection, a dropped connection
 * after Slack posted) while the drill runs, and the replica that ran it stops. A new process on the
 * same Redis delivers the thread when Slack is back: every post once, in the order the drill made it.
 */

let tcp: Server;
let port: number;
let flow: ServiceFlow;
let fake: SlackFake;
let second: App | null = null;
let firstStopped = false;

beforeEach(async () => {
  tcp = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  port = (tcp.address() as AddressInfo).port;
  flow = await startServiceFlow({ drills: { 'orders-restore': { restore: 'orders', rto: '30m', keepFor: '0s' } } }, httpAwsClients());
  // After start: the flow's own auth.test interceptor answered the boot.
  fake = startSlackFake({ clock: flow.clock });
});

afterEach(async () => {
  await second?.stop();
  second = null;
  if (firstStopped) {
    await deleteKeys(flow.redis, flow.keyPrefix);
    await flow.redis.quit();
  } else {
    await flow.close();
  }
  firstStopped = false;
  fake.stop();
  nock.cleanAll();
  await new Promise((resolve) => tcp.close(resolve));
});

/** Moves the clock past every retry and Retry-After pause, and lets `app`'s outbox deliver what is due. */
async function retryRound(app: App, ms = 3_000): Promise<void> {
  flow.clock.advance(ms);
  await app.slack?.outbox.idle();
}

const statuses = (method: string): number[] => fake.requests.filter((r) => r.method === method).map((r) => r.status);

describe('drill posts through the Slack outbox', () => {
  it('survive a Slack outage and a restart: delivered once each, in order, by another process, after Slack returns', async () => {
    nockRdsForDrills(
      { id: 'orders-db', status: 'available', engine: 'postgres', tags: [], latestRestorableTime: new Date(MANUAL_CLOCK_START - 60_000) },
      { endpoint: { address: '127.0.0.1', port }, creatingFor: 2 },
    );
    // Slack takes the drill's first message, then is down (503) for everything after it.
    fake.down().ok({ method: 'chat.postMessage', times: 1 });

    await slash(flow, 'drill orders-restore');
    await flow.app.drills?.service.settled();
    await retryRound(flow.app);
    const outbox = flow.app.slack?.outbox;
    if (!outbox) throw new Error('Slack is off in the flow');
    expect(fake.messages.map((m) => m.text)).toEqual([expect.stringContaining('Drill orders-restore (DRL-1) is running')]);
    // Each step's reply, the final update and the outcome's reply wait in the store.
    const waiting = await outbox.pending();
    expect(waiting).toBeGreaterThanOrEqual(4);

    // Slack rate-limits, then the connection drops before chat.postMessage's answer (Slack did not
    // post). A post whose outcome is unknown (a 503 may come from a proxy after Slack posted) is
    // looked for in the thread before it is sent again: those lookups fail the same ways.
    fake.ok().rateLimited(1);
    await retryRound(flow.app);
    await retryRound(flow.app);
    fake.ok().dropConnection({ method: 'chat.postMessage' });
    await retryRound(flow.app);
    await retryRound(flow.app);
    expect(fake.messages).toHaveLength(1);
    expect(await outbox.pending()).toBe(waiting);
    expect(statuses('chat.postMessage')).toEqual(expect.arrayContaining([200, 503, 0]));
    expect(statuses('conversations.replies')).toEqual(expect.arrayContaining([503, 429]));

    // The replica that ran the drill stops while Slack is still away: its posts stay in Redis.
    fake.ok().down();
    await flow.app.stop();
    firstStopped = true;

    // Another process on the same Redis; Slack is back, but the first reply's answer is lost after Slack posted it.
    fake.ok().dropConnection({ method: 'chat.postMessage', times: 1, carriedOut: true });
    second = buildApp({
      config: flow.config,
      logger: silentLogger(),
      clock: flow.clock,
      backend: testBackend(flow.redis, flow.keyPrefix, flow.clock),
      probes: steadyProbes(flow.clock),
      awsClients: httpAwsClients(),
      holderId: `e2e-second-${randomUUID()}`,
      seams: { sleep: async () => undefined, webApiNetworkRetries: 0 },
    });
    await second.start(0, '127.0.0.1');
    for (let round = 0; round < 20 && (await second.slack?.outbox.pending()) !== 0; round++) await retryRound(second, 1_000);
    expect(await second.slack?.outbox.pending()).toBe(0);

    const [message, ...thread] = fake.messagesIn('C0INCIDENTS');
    expect(message?.threadTs).toBeUndefined();
    // Updated in place with the outcome.
    expect(message?.text).toMatch(/^Drill orders-restore passed/);
    expect(thread.every((reply: FakeMessage) => reply.threadTs === message?.ts)).toBe(true);
    // Once each: every waiting entry but the update is one reply, no text twice (the lost one was found, not re-posted).
    expect(thread).toHaveLength(waiting - 1);
    expect(new Set(thread.map((reply) => reply.text)).size).toBe(thread.length);
    // In the drill's order: its steps, then the outcome.
    expect(thread.map((reply) => reply.text)).toEqual([
      expect.stringMatching(/^Restoring orders-db at its latest restorable time into orders-db-drill-/),
      expect.stringMatching(/^RestoreDBInstanceToPointInTime accepted/),
      expect.stringMatching(/ is available at 127\.0\.0\.1:/),
      expect.stringMatching(/^Drill orders-restore passed\. Restored in/),
    ]);
    // The second process met the lost answer: the reply Slack had posted was found, not sent again.
    const afterRestart = fake.requests.slice(fake.requests.findIndex((r) => r.method === 'auth.test'));
    expect(afterRestart.filter((r) => r.method === 'chat.postMessage').map((r) => r.status)).toEqual([0, 200, 200, 200]);
    expect(statuses('chat.update')).toContain(200);
  });
});
