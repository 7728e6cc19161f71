import nock from 'nock';
import { afterAll, afterEach, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { isIncidentAuditEntry } from '../../../src/audit/audit-log.js';
import type { ManualClock } from '../../doubles/manual-clock.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import {
  guardNetwork,
  nockChatUpdate,
  nockConversationsArchive,
  nockConversationsCreate,
  nockConversationsInvite,
  nockFilesUpload,
  nockPostMessage,
} from '../../doubles/slack-api-nock.js';
import { blocksText, command, startRecordApp } from './record-app-harness.js';

/*
 * The postmortem timeline through buildApp on Redis: `/dr timeline` (in the answer, or uploaded to
 * the incident's thread when long), `GET /incidents/<id>/timeline.md` behind LIFEBOAT_API_TOKEN,
 * and a resolved incident's dedicated channel archived after the delay, its timeline posted first.
 */

const network = guardNetwork();
const redisPrefix = useRedisPrefix('record-timeline', { perTest: true });
const running: App[] = [];
afterEach(async () => {
  for (const app of running.splice(0)) await app.stop();
  expect(network.unmatched).toEqual([]);
  expect(nock.pendingMocks()).toEqual([]);
  network.reset();
});
afterAll(() => {
  nock.enableNetConnect();
});

const TOKEN = 'tok-0123456789abcdef0123456789abcdef';
const YAML = `
slack:
  channel: C0INCIDENTS
  command: /dr
  operators: [U0AAA]
  approvers: [U0BBB]
  incidentChannels: SEV1
  archiveChannelsAfter: 1h
checks:
  - id: api
    type: http
    url: https://api.example.com/health
    schedule: "0 0 1 1 *"
`;

/** Paging off, so the Slack calls are the incident's alone. */
async function start(env: Record<string, string> = { LIFEBOAT_API_TOKEN: TOKEN }, clock?: ManualClock) {
  const started = await startRecordApp(YAML, redisPrefix.redis, redisPrefix.prefix, {
    env: { PAGERDUTY_ROUTING_KEY: '', ...env },
    ...(clock ? { clock } : {}),
  });
  running.push(started.app);
  return started;
}

function getTimeline(app: App, id: string, authorization?: string) {
  return app.server.inject({ method: 'GET', url: `/incidents/${id}/timeline.md`, headers: authorization ? { authorization } : {} });
}

it('serves the timeline to the bearer of LIFEBOAT_API_TOKEN only, and answers /dr timeline inline, then as a file in the thread when long', async () => {
  const { app, clock } = await start();
  nockPostMessage();
  await command(app, clock, 'declare SEV2 Search results are stale');
  await app.slack?.bot.idle();
  clock.advance(65_000);

  const refused = await getTimeline(app, 'INC-1');
  expect([refused.statusCode, refused.headers['www-authenticate']]).toEqual([401, 'Bearer realm="lifeboat"']);
  expect((await getTimeline(app, 'INC-1', `Bearer ${TOKEN}x`)).statusCode).toBe(401);
  expect((await getTimeline(app, 'INC-1', `Basic ${TOKEN}`)).statusCode).toBe(401);
  expect((await getTimeline(app, 'INC-9', `Bearer ${TOKEN}`)).statusCode).toBe(404);
  const served = await getTimeline(app, 'inc-1', `bearer ${TOKEN}`);
  expect([served.statusCode, served.headers['content-type']]).toEqual([200, 'text/markdown; charset=utf-8']);
  expect(served.body).toContain('# INC-1: Search results are stale (SEV2 at worst)');
  expect(served.body).toContain('- Still open (open for 1m 5s when this was written)');
  expect(served.body).toContain('| 2026-11-21 12:00:00 UTC | +0s | — | Declared at SEV2 | @U0AAA | Search results are stale |');

  const inline = await command(app, clock, 'timeline INC-1');
  expect(inline.text).toBe('Timeline of INC-1');
  const section = blocksText(inline.blocks);
  expect(section).toContain('```\\n# INC-1: Search results are stale');
  expect(section).toContain('Declared at SEV2 | @U0AAA');

  // Forty pages later the timeline outgrows a message: it is uploaded to the incident's thread.
  for (let n = 1; n <= 40; n++) {
    clock.advance(60_000);
    await app.backend.auditLog.append({
      type: 'page-escalated',
      incidentId: 'INC-1',
      at: clock.now(),
      detail: `not acknowledged in time (${n})`,
    });
  }
  const upload = nockFilesUpload();
  const long = await command(app, clock, 'timeline INC-1');
  expect(long.text).toBe(
    "The timeline of INC-1 is too long for a message: it is uploaded as `INC-1-timeline.md` in the incident's thread.",
  );
  expect(upload.requested.map((c) => c.body.filename)).toEqual(['INC-1-timeline.md']);
  expect(upload.completed.map((c) => [c.body.channel_id, c.body.thread_ts, c.body.initial_comment])).toEqual([
    ['C0INCIDENTS', '1000.000001', 'Postmortem timeline of INC-1'],
  ]);
  // The bytes go to the upload URL as multipart form data: the Markdown is the file part, whole.
  const file = upload.uploaded[0] ?? '';
  expect(file).toContain((await getTimeline(app, 'INC-1', `Bearer ${TOKEN}`)).body);
  expect(file.split('\n').filter((line) => line.includes('Escalation fired: paging on-call'))).toHaveLength(40);
  expect(file).toContain(
    '| 2026-11-21 12:41:05 UTC | +41m 5s | +1m | Escalation fired: paging on-call |  | not acknowledged in time (40) |',
  );

  expect((await command(app, clock, 'timeline INC-77')).text).toBe(
    'There is no incident INC-77. `incidents` lists the open ones.\nUsage: `/dr timeline <incident>`',
  );
});

it('has no timeline route without LIFEBOAT_API_TOKEN', async () => {
  const { app, clock } = await start({});
  nockPostMessage();
  await command(app, clock, 'declare SEV2 Search results are stale');
  await app.slack?.bot.idle();
  expect((await getTimeline(app, 'INC-1', `Bearer ${TOKEN}`)).statusCode).toBe(404);
});

it("archives a resolved incident's channel after the delay, once, across a restart, posting its timeline there first", async () => {
  const first = await start();
  const { clock } = first;
  const posted = nockPostMessage(2);
  const created = nockConversationsCreate('CINC1');
  const invited = nockConversationsInvite();
  nockChatUpdate();
  await command(first.app, clock, 'declare SEV1 Orders database unreachable');
  await first.app.slack?.bot.idle();
  expect(created.calls.map((c) => c.body.name)).toEqual(['inc-1-declared-orders-database-unreachable']);
  expect(invited.calls.map((c) => [c.body.channel, c.body.users])).toEqual([['CINC1', 'U0AAA']]);
  expect(posted.calls.map((c) => c.body.channel)).toEqual(['C0INCIDENTS', 'CINC1']);

  clock.advance(10 * 60_000);
  nockChatUpdate();
  const replies = nockPostMessage(2);
  expect((await command(first.app, clock, 'resolve INC-1')).text).toBe('Resolved INC-1.');
  await first.app.slack?.bot.idle();
  expect(replies.calls.map((c) => c.body.channel)).toEqual(['C0INCIDENTS', 'CINC1']);

  // Not due yet: nothing happens.
  clock.advance(59 * 60_000);
  expect(await first.app.slack?.archiver.runOnce()).toEqual([]);

  // The due time is in the store: a restarted process archives it.
  await first.app.stop();
  running.splice(running.indexOf(first.app), 1);
  const second = await start({ LIFEBOAT_API_TOKEN: TOKEN }, clock);
  clock.advance(60_000);
  const timeline = nockPostMessage(1, 'CINC1');
  const archived = nockConversationsArchive();
  expect(await second.app.slack?.archiver.runOnce()).toEqual(['INC-1']);
  expect(timeline.calls.map((c) => c.body.channel)).toEqual(['CINC1']);
  expect(blocksText(timeline.calls[0]?.body.blocks)).toContain('Resolved by hand | @U0AAA');
  expect(archived.calls.map((c) => c.body.channel)).toEqual(['CINC1']);
  // Once: the next sweep finds nothing.
  expect(await second.app.slack?.archiver.runOnce()).toEqual([]);

  const audit = (await second.app.backend.auditLog.newest({ limit: 5 })).filter(isIncidentAuditEntry);
  expect(audit[0]).toMatchObject({ type: 'channel-archived', incidentId: 'INC-1', detail: 'CINC1', at: clock.now() });
});
