import { createServer, type AddressInfo, type Server } from 'node:net';
import nock from 'nock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { httpAwsClients } from '../../doubles/aws-http.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { nockRdsForDrills } from '../../doubles/rds-drill-fake.js';
import { nockChatUpdate, nockPostMessage } from '../../doubles/slack-api-nock.js';
import { startServiceFlow, type ServiceFlow } from '../approval-flow/approval-flow-harness.js';
import { slash } from '../approval-flow/flow-requests.js';

/*
 * A scheduled drill as `lifeboat start` runs it: node-cron fires on the monitor leader (every
 * second here), the drill restores, checks and deletes its copy, with nobody in Slack asking.
 */

let tcp: Server;
let flow: ServiceFlow;

beforeEach(async () => {
  tcp = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
});

afterEach(async () => {
  await flow.close();
  nock.cleanAll();
  await new Promise((resolve) => tcp.close(resolve));
});

it('the leader starts a scheduled drill by cron, unattended, and it ends with its copy deleted', async () => {
  const rds = nockRdsForDrills(
    { id: 'orders-db', status: 'available', engine: 'postgres', tags: [], latestRestorableTime: new Date(MANUAL_CLOCK_START - 60_000) },
    { endpoint: { address: '127.0.0.1', port: (tcp.address() as AddressInfo).port } },
  );
  nockPostMessage(20);
  nockChatUpdate(5);
  flow = await startServiceFlow(
    { drills: { 'orders-restore': { restore: 'orders', keepFor: '0s', schedule: '* * * * * *' } } },
    httpAwsClients(),
  );
  const drills = flow.app.drills;
  if (!drills) throw new Error('drills are configured');

  const deadline = Date.now() + 5_000;
  const started = async () => (await flow.app.backend.auditLog.newest({ limit: 20 })).filter((e) => e.type === 'drill-started');
  while ((await started()).length === 0) {
    if (Date.now() > deadline) throw new Error('no scheduled drill started within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  drills.scheduler.stop(); // one tick is the test: later ticks would start more drills
  await drills.service.settled();

  const [first] = await started();
  expect(first).toMatchObject({ drill: 'orders-restore', drillRunId: 'DRL-1' });
  expect(first && 'actor' in first ? first.actor : undefined).toBeUndefined(); // the schedule, not a person
  const [outcome] = await flow.app.backend.drills.history('orders-restore', 1);
  expect(outcome).toMatchObject({ result: 'passed', target: 'orders-db-drill-20261121-120000' });
  expect(rds.deleted).toContain('orders-db-drill-20261121-120000');
  expect(rds.sent.filter((s) => s.action.startsWith('Delete')).every((s) => s.params.DBInstanceIdentifier !== 'orders-db')).toBe(true);
  // /dr drills (any replica) says when the schedule fires next.
  expect(JSON.stringify(await slash(flow, 'drills', 'U0ZZZ'))).toMatch(
    /schedule `\* \* \* \* \* \*` \(next \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)/,
  );
});
