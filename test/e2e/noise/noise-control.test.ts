import { describe, expect, it } from 'vitest';
import { RedisApprovalStore } from '../../../src/backend/redis/redis-approval-store.js';
import { RedisSilenceStore } from '../../../src/backend/redis/redis-silence-store.js';
import { MANUAL_CLOCK_START, ManualClock } from '../../doubles/manual-clock.js';
import { ACCEPTED, nockEnqueue } from '../../doubles/pagerduty-events-nock.js';
import { fail, pass } from '../../doubles/results.js';
import type { SlackCall } from '../../doubles/slack-api-nock.js';
import { deliverPages } from '../paging-app-harness.js';
import { recordSlack, settle, slash, until } from './noise-app-harness.js';
import { HEAD, HTTP, MINUTE, threadTexts, topLevel, useNoiseApps } from './noise-e2e-setup.js';

/*
 * Noise control (SPEC §9) as `lifeboat start` wires it: buildApp on the test Redis, Slack and
 * PagerDuty answered at the HTTP layer, the leader's noise sweep on its own timer.
 */

const { bed, running, start } = useNoiseApps('noise-e2e');

const T0 = MANUAL_CLOCK_START;

function blockText(call: SlackCall | undefined, blockId: string): string | undefined {
  const blocks = call?.body.blocks as Array<{ block_id?: string; text?: { text: string }; elements?: Array<{ text: string }> }> | undefined;
  const block = blocks?.find((b) => b.block_id === blockId);
  return block?.text?.text ?? block?.elements?.[0]?.text;
}

describe('dependencies', () => {
  it('a parent outage with five children pages once, lists the children in its thread and message, and a child still failing opens its own after the parent resolves', async () => {
    const clock = new ManualClock();
    const children = ['auth', 'orders', 'search', 'billing', 'cart'];
    const yaml = `${HEAD}checks:\n  - { id: edge, ${HTTP} }\n${children.map((id) => `  - { id: ${id}, ${HTTP}, dependsOn: [edge] }`).join('\n')}\n`;
    const slack = recordSlack();
    const { app } = await start(yaml, clock);
    const outbox = app.slack?.bot;

    await app.engine.apply(fail('SEV2', 'edge', clock.now()));
    for (const [n, id] of children.entries()) {
      clock.advance(1_000);
      await app.engine.apply(fail('SEV1', id, clock.now(), 500 + n));
    }
    // A child failing again in the same streak is not recorded twice.
    await app.engine.apply(fail('SEV1', 'auth', clock.now()));
    await outbox?.idle();

    expect((await app.store.listOpenIncidents()).map((i) => [i.id, i.checkId])).toEqual([['INC-1', 'edge']]);
    const incident = await app.store.getIncident('INC-1');
    expect(incident?.children?.map((c) => `${c.checkId} ${c.severity} ${c.summary}`)).toEqual(
      children.map((id, n) => `${id} SEV1 HTTP ${500 + n} (expected 200)`),
    );
    expect((await app.store.getIncidentEvents('INC-1')).map((e) => `${e.type}${e.child ? ` ${e.child.checkId}` : ''}`)).toEqual([
      'opened',
      ...children.map((id) => `child-failed ${id}`),
    ]);
    expect(topLevel(slack.posts)).toHaveLength(1);
    expect(threadTexts(slack.posts)).toEqual(
      children.map(
        (id, n) =>
          `:link: \`${id}\` (depends on \`edge\`) is failing too at *SEV1*: HTTP ${500 + n} (expected 200). Recorded here; it opens no incident of its own while this one is open.`,
      ),
    );
    const latest = slack.updates.at(-1);
    for (const id of children) expect(blockText(latest, 'lifeboat.incident.children')).toContain(`\`${id}\` SEV1`);

    const events: Array<{ event_action: string; dedup_key: string }> = [];
    nockEnqueue(events, ACCEPTED);
    await deliverPages(app, 'triggered', 'INC-1');
    expect(events.map((e) => `${e.event_action} ${e.dedup_key}`)).toEqual(['trigger INC-1']);

    // The parent recovers; a child still failing opens its own incident at its next failing run.
    clock.advance(60_000);
    await app.engine.apply(pass('edge', clock.now()));
    await app.engine.apply(fail('SEV1', 'orders', clock.now()));
    expect((await app.store.listOpenIncidents()).map((i) => [i.id, i.checkId, i.severity])).toEqual([['INC-2', 'orders', 'SEV1']]);
    await outbox?.idle();
  });
});

describe('silences and maintenance', () => {
  it('a maintenance window mutes an incident (still open in the store and on metrics), then announces and pages it when the window closes', async () => {
    const clock = new ManualClock();
    const start0 = new Date(T0 - MINUTE).toISOString();
    const end = new Date(T0 + 10 * MINUTE).toISOString();
    const yaml = `${HEAD}checks:\n  - { id: api, ${HTTP} }\nmaintenance:\n  - { checks: [api], start: "${start0}", end: "${end}", reason: "DB upgrade" }\n`;
    const slack = recordSlack();
    const noise = await start(yaml, clock);
    const { app } = noise;

    await app.engine.apply(fail('SEV2', 'api', clock.now()));
    clock.advance(MINUTE);
    await app.engine.apply(fail('SEV1', 'api', clock.now())); // escalates, still muted
    await app.slack?.bot.idle();
    await settle();
    expect((await app.store.getIncident('INC-1'))?.severity).toBe('SEV1');
    expect(slack.posts).toEqual([]);
    expect(await app.pager.pagingState('INC-1')).toBeNull();
    const metrics = (await app.server.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/lifeboat_incidents_open\{severity="SEV1"\} 1/);
    expect(await slash(noise, clock, 'silences', 'U0ZZZ')).toContain('DB upgrade');

    // The window closes: the leader's timer notices without any check run.
    clock.set(T0 + 10 * MINUTE);
    await until(() => slack.posts.length >= 2, 5_000, 'the announcement');
    await app.slack?.bot.idle();
    expect(topLevel(slack.posts)).toHaveLength(1);
    expect(String(topLevel(slack.posts)[0]?.body.text)).toContain('SEV1 INC-1 api');
    expect(blockText(topLevel(slack.posts)[0], 'lifeboat.incident.silence')).toBeUndefined();
    expect(threadTexts(slack.posts)).toEqual([
      ':loud_sound: No longer silenced and still failing since <!date^1795262400^{date_short_pretty} {time}|2026-11-21 12:00 UTC>, 10 min; *SEV1*; HTTP 503 (expected 200). Paged by policy now.',
    ]);
    const events: Array<{ event_action: string; dedup_key: string }> = [];
    nockEnqueue(events, ACCEPTED);
    await deliverPages(app, 'triggered', 'INC-1');
    expect(events.map((e) => `${e.event_action} ${e.dedup_key}`)).toEqual(['trigger INC-1']);
    await settle();
    expect(topLevel(slack.posts)).toHaveLength(1); // announced once
  });

  it('a maintenance window opening on an incident already announced shows on its message, and the incident is announced again when it closes', async () => {
    const clock = new ManualClock();
    const yaml = `${HEAD}checks:\n  - { id: api, ${HTTP} }\nmaintenance:\n  - { checks: [api], start: "${new Date(T0 + 5 * MINUTE).toISOString()}", end: "${new Date(T0 + 10 * MINUTE).toISOString()}", reason: "DB upgrade" }\n`;
    const slack = recordSlack();
    const { app } = await start(yaml, clock);
    await app.engine.apply(fail('SEV3', 'api', clock.now()));
    await app.slack?.bot.idle();
    expect(topLevel(slack.posts)).toHaveLength(1);

    clock.set(T0 + 5 * MINUTE);
    await until(() => blockText(slack.updates.at(-1), 'lifeboat.incident.silence') !== undefined, 5_000, 'the message to show the window');
    expect(blockText(slack.updates.at(-1), 'lifeboat.incident.silence')).toBe(
      ':no_bell: Silenced until <!date^1795263000^{date_short_pretty} {time}|2026-11-21 12:10 UTC> by a maintenance window (DB upgrade): nobody is paged and nothing new is posted until then',
    );

    clock.set(T0 + 10 * MINUTE);
    await until(() => threadTexts(slack.posts).length === 1, 5_000, 'the announcement');
    await app.slack?.bot.idle();
    expect(threadTexts(slack.posts)[0]).toMatch(/^:loud_sound: No longer silenced and still failing since .*, 10 min; \*SEV3\*; HTTP 503/);
    expect(blockText(slack.updates.at(-1), 'lifeboat.incident.silence')).toBeUndefined();
    expect(topLevel(slack.posts)).toHaveLength(1);
  });

  it('a maintenance window is audited once when it opens and once when it closes, by the config, across a leader change', async () => {
    const clock = new ManualClock();
    const yaml = `${HEAD}checks:\n  - { id: api, ${HTTP} }\nmaintenance:\n  - { checks: [api], start: "${new Date(T0 + 5 * MINUTE).toISOString()}", end: "${new Date(T0 + 10 * MINUTE).toISOString()}", reason: "DB upgrade" }\n`;
    const auditOf = async () =>
      (await new RedisSilenceStore(bed.redis, bed.prefix).readSilenceAudit(10)).map((e) => [e.type, e.checkId, e.actor, e.at, e.detail]);
    const opened = ['silenced', 'api', 'config:maintenance', T0 + 5 * MINUTE, 'until 2026-11-21T12:10:00.000Z: DB upgrade'];
    const first = await start(yaml, clock);
    await settle();
    expect(await auditOf()).toEqual([]); // not open yet

    clock.set(T0 + 5 * MINUTE);
    await until(async () => (await auditOf()).length === 1, 5_000, 'the opening audited');
    expect(await auditOf()).toEqual([opened]);

    // A new leader looks at every window in force again: the opening is not audited twice.
    running.splice(0);
    await first.app.stop();
    const second = await start(yaml, clock);
    await settle();
    expect(await auditOf()).toEqual([opened]);

    clock.set(T0 + 10 * MINUTE);
    await until(async () => (await auditOf()).length === 2, 5_000, 'the closing audited');
    await settle();
    expect(await auditOf()).toEqual([opened, ['unsilenced', 'api', 'config:maintenance', T0 + 10 * MINUTE, 'maintenance window ended']]);
    const audit = await slash(second, clock, 'audit', 'U0AAA');
    expect(audit).toContain('*unsilenced* api by config:maintenance — maintenance window ended');
    expect(audit).toContain('*silenced* api by config:maintenance — until 2026-11-21T12:10:00.000Z: DB upgrade');
  });

  it('a maintenance window taken out of the config while in force is audited as closed when the new config runs', async () => {
    const clock = new ManualClock();
    const checks = `checks:\n  - { id: api, ${HTTP} }\n`;
    const window = `maintenance:\n  - { checks: [api], start: "${new Date(T0 - MINUTE).toISOString()}", end: "${new Date(T0 + 60 * MINUTE).toISOString()}", reason: "DB upgrade" }\n`;
    const auditOf = async () =>
      (await new RedisSilenceStore(bed.redis, bed.prefix).readSilenceAudit(10)).map((e) => `${e.type} ${e.actor} ${e.at} ${e.detail}`);
    const first = await start(`${HEAD}${checks}${window}`, clock);
    await until(async () => (await auditOf()).length === 1, 5_000, 'the opening audited');

    running.splice(0);
    await first.app.stop();
    clock.advance(5 * MINUTE);
    await start(`${HEAD}${checks}`, clock);
    await until(async () => (await auditOf()).length === 2, 5_000, 'the closing audited');
    expect(await auditOf()).toEqual([
      `silenced config:maintenance ${T0 - MINUTE} until 2026-11-21T13:00:00.000Z: DB upgrade`,
      `unsilenced config:maintenance ${T0 + 5 * MINUTE} maintenance window removed from the config`,
    ]);
  });

  it('a /dr silence survives a restart, shows on the message, ends on time, and is audited beside the approval entries', async () => {
    const clock = new ManualClock();
    const yaml = `${HEAD}checks:\n  - { id: api, ${HTTP} }\n`;
    const slack = recordSlack();
    const first = await start(yaml, clock);

    // Announced before the silence (SEV3: below pageAt, not paged): its message exists and is
    // updated to say it is silenced.
    await first.app.engine.apply(fail('SEV3', 'api', clock.now()));
    await first.app.slack?.bot.idle();
    expect(topLevel(slack.posts)).toHaveLength(1);

    expect(await slash(first, clock, 'silence api 8d too long', 'U0AAA')).toContain('longer than 7 days');
    expect(await slash(first, clock, 'silence api 30m replica rebuild', 'U0ZZZ')).toContain('operators');
    const answer = await slash(first, clock, 'silence api 30m replica rebuild', 'U0AAA');
    expect(answer).toContain('Silenced until <!date^1795264200^');
    expect(answer).toContain('by <@U0AAA> (replica rebuild)');
    // The open incident's message says so at once, before anything else changes.
    await first.app.slack?.bot.idle();
    const silencedLine =
      ':no_bell: Silenced until <!date^1795264200^{date_short_pretty} {time}|2026-11-21 12:30 UTC> by <@U0AAA> (replica rebuild): nobody is paged and nothing new is posted until then';
    expect(blockText(slack.updates.at(-1), 'lifeboat.incident.silence')).toBe(silencedLine);

    clock.advance(MINUTE);
    await first.app.engine.apply(fail('SEV1', 'api', clock.now()));
    await first.app.slack?.bot.idle();
    expect(threadTexts(slack.posts)).toEqual([]); // the escalation posts nothing new
    expect(blockText(slack.updates.at(-1), 'lifeboat.incident.silence')).toBe(silencedLine);

    // A restart: a new process on the same Redis keeps the silence.
    running.splice(0);
    await first.app.stop();
    const second = await start(yaml, clock);
    expect(await slash(second, clock, 'silences', 'U0ZZZ')).toContain('replica rebuild');
    clock.advance(MINUTE);
    await second.app.engine.apply(fail('SEV1', 'api', clock.now()));
    await second.app.slack?.bot.idle();
    await settle();
    expect(threadTexts(slack.posts)).toEqual([]);
    expect(await second.app.pager.pagingState('INC-1')).toBeNull();

    // Ends on time: not a minute before, announced right after.
    clock.set(T0 + 30 * MINUTE - 1);
    await settle();
    expect(threadTexts(slack.posts)).toEqual([]);
    clock.set(T0 + 30 * MINUTE);
    await until(() => threadTexts(slack.posts).length === 1, 5_000, 'the announcement');
    expect(threadTexts(slack.posts)[0]).toMatch(/^:loud_sound: No longer silenced and still failing since .*, 30 min; \*SEV1\*; HTTP 503/);
    expect((await second.app.pager.pagingState('INC-1'))?.status).toBe('queued');
    await second.app.slack?.bot.idle();
    expect(blockText(slack.updates.at(-1), 'lifeboat.incident.silence')).toBeUndefined();
    expect(topLevel(slack.posts)).toHaveLength(1); // the same message, updated

    const audit = await new RedisSilenceStore(bed.redis, bed.prefix).readSilenceAudit(10);
    expect(audit.map((e) => [e.type, e.checkId, e.actor, e.at, e.detail])).toEqual([
      ['silenced', 'api', 'U0AAA', T0, 'until 2026-11-21T12:30:00.000Z: replica rebuild'],
    ]);
    // The approval readers of the shared stream are not broken by the silence entries.
    expect(await new RedisApprovalStore({ redis: bed.redis, keyPrefix: bed.prefix }).readAudit({ limit: 10 })).toEqual([]);
    await second.app.slack?.bot.idle();
  });

  it('a silenced incident that resolves is resolved in the store and on metrics, posts nothing and is owed nothing when the silence ends', async () => {
    const clock = new ManualClock();
    const slack = recordSlack();
    const noise = await start(`${HEAD}checks:\n  - { id: api, ${HTTP} }\n`, clock);
    const { app } = noise;
    const openGauge = async () =>
      /lifeboat_incidents_open\{severity="SEV2"\} 1/.test((await app.server.inject({ method: 'GET', url: '/metrics' })).body);
    await slash(noise, clock, 'silence api 30m deploy', 'U0AAA');
    await app.engine.apply(fail('SEV2', 'api', clock.now()));
    expect(await openGauge()).toBe(true);
    expect(await new RedisSilenceStore(bed.redis, bed.prefix).listMuted()).toEqual([{ incidentId: 'INC-1', checkId: 'api' }]);

    clock.advance(5 * MINUTE);
    await app.engine.apply(pass('api', clock.now()));
    const incident = await app.store.getIncident('INC-1');
    expect(incident?.state).toBe('resolved');
    expect(incident?.resolvedAt).toBe(T0 + 5 * MINUTE);
    expect(await openGauge()).toBe(false);
    expect(await new RedisSilenceStore(bed.redis, bed.prefix).listMuted()).toEqual([]);

    // The silence ends: nothing is announced or paged for an incident that is over.
    clock.set(T0 + 30 * MINUTE);
    await settle();
    await app.slack?.bot.idle();
    expect(slack.posts).toEqual([]);
    expect(slack.updates).toEqual([]);
    expect(await app.pager.pagingState('INC-1')).toBeNull();
    expect(await app.backend.pagingQueue.pendingEvents()).toBe(0);
    await app.pager.runOnce(); // nothing owed: an attempt to page would be an unmatched request
  });

  it('an escalation timer armed before a silence does not page during it, and is armed again by policy when it ends', async () => {
    const clock = new ManualClock();
    const slack = recordSlack();
    const noise = await start(
      `${HEAD.replace('pagerduty: { pageAt: SEV2 }', 'pagerduty: { pageAt: SEV2, escalateUnackedAfter: 5m }')}checks:\n  - { id: api, ${HTTP} }\n`,
      clock,
    );
    const { app } = noise;
    await app.engine.apply(fail('SEV3', 'api', clock.now()));
    expect(await app.pager.pagingState('INC-1')).toMatchObject({ status: 'scheduled', escalationDueAt: T0 + 5 * MINUTE });

    clock.advance(MINUTE);
    await slash(noise, clock, 'silence api 30m failover test', 'U0AAA');
    expect(await app.pager.pagingState('INC-1')).toBeNull();
    clock.set(T0 + 10 * MINUTE);
    await app.pager.runOnce(); // nothing due: an attempt to page would be an unmatched request
    expect(await app.pager.pagingState('INC-1')).toBeNull();

    clock.set(T0 + 31 * MINUTE);
    await until(async () => (await app.pager.pagingState('INC-1'))?.status === 'scheduled', 5_000, 'the timer armed again');
    const events: Array<{ event_action: string; dedup_key: string }> = [];
    nockEnqueue(events, ACCEPTED);
    await deliverPages(app, 'triggered', 'INC-1');
    expect(events.map((e) => `${e.event_action} ${e.dedup_key}`)).toEqual(['trigger INC-1']);
    await app.slack?.bot.idle();
    expect(threadTexts(slack.posts)).toHaveLength(1);
  });

  it('/dr unsilence ends a silence early and the open incident is announced', async () => {
    const clock = new ManualClock();
    const slack = recordSlack();
    const noise = await start(`${HEAD}checks:\n  - { id: api, ${HTTP} }\n`, clock);
    await slash(noise, clock, 'silence api 2h deploy', 'U0AAA');
    await noise.app.engine.apply(fail('SEV2', 'api', clock.now()));
    await noise.app.slack?.bot.idle();
    await settle();
    expect(slack.posts).toEqual([]);
    expect(await slash(noise, clock, 'unsilence api', 'U0AAA')).toContain('no longer silenced');
    await until(() => slack.posts.length === 2, 5_000, 'the announcement');
    expect(await slash(noise, clock, 'unsilence api', 'U0AAA')).toBe('`api` is not silenced.');
    const audit = await new RedisSilenceStore(bed.redis, bed.prefix).readSilenceAudit(10);
    expect(audit.map((e) => `${e.type} ${e.actor} ${e.detail}`)).toEqual([
      'silenced U0AAA until 2026-11-21T14:00:00.000Z: deploy',
      'unsilenced U0AAA ended early',
    ]);
    await noise.app.slack?.bot.idle();
  });
});
