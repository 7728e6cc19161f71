import { describe, expect, it } from 'vitest';
import { RedisSilenceStore } from '../../../src/backend/redis/redis-silence-store.js';
import { MANUAL_CLOCK_START, ManualClock } from '../../doubles/manual-clock.js';
import { ACCEPTED, nockEnqueue } from '../../doubles/pagerduty-events-nock.js';
import { fail } from '../../doubles/results.js';
import { deliverPages } from '../paging-app-harness.js';
import { recordSlack, settle, slash, until } from './noise-app-harness.js';
import { HEAD, HTTP, MINUTE, threadTexts, topLevel, useNoiseApps } from './noise-e2e-setup.js';

/*
 * A muted incident is visibly muted wherever it is listed, and `/dr unsilence` ends a maintenance
 * window early (SPEC §9), through buildApp with signed slash commands, on the test Redis.
 */

const { bed, running, start } = useNoiseApps('silence-visibility-e2e');

const T0 = MANUAL_CLOCK_START;
const CHECKS = `checks:\n  - { id: api, ${HTTP} }\n  - { id: db, ${HTTP} }\n`;
/** 2026-11-21 11:59 to 13:00 UTC, on both checks. */
const WINDOW = `maintenance:\n  - { checks: [api, db], start: "${new Date(T0 - MINUTE).toISOString()}", end: "${new Date(T0 + 60 * MINUTE).toISOString()}", reason: "DB upgrade" }\n`;
const WINDOW_MARKER =
  ':no_bell: Silenced until <!date^1795266000^{date_short_pretty} {time}|2026-11-21 13:00 UTC> by a maintenance window (DB upgrade)';

const auditOf = async () =>
  (await new RedisSilenceStore(bed.redis, bed.prefix).readSilenceAudit(10)).map(
    (e) => `${e.type} ${e.checkId} ${e.actor} ${e.at} ${e.detail}`,
  );

describe('a muted incident is marked wherever it is listed', () => {
  it('/dr incidents and /dr status say an incident opened in a maintenance window is silenced, until when and why', async () => {
    const clock = new ManualClock();
    const slack = recordSlack();
    const noise = await start(`${HEAD}${CHECKS}${WINDOW}`, clock);
    await noise.app.engine.apply(fail('SEV2', 'api', clock.now()));
    await noise.app.slack?.bot.idle();
    await settle();
    expect(slack.posts).toEqual([]);

    const incidents = await slash(noise, clock, 'incidents', 'U0ZZZ');
    expect(incidents).toContain(`*INC-1* SEV2 \`api\` — HTTP 503 (expected 200)`);
    expect(incidents).toContain(`· not acknowledged · ${WINDOW_MARKER}`);
    const status = await slash(noise, clock, 'status', 'U0ZZZ');
    expect(status).toMatch(new RegExp(`\\*INC-1\\* SEV2 \`api\` — HTTP 503 \\(expected 200\\) · open 0s · ${escapeRegExp(WINDOW_MARKER)}`));
    // The check line of `db` (silenced too, no incident) says so; nothing is said of a check not muted.
    expect(status).toContain(`\`db\` http — no result yet · ${WINDOW_MARKER}`);
    await noise.app.slack?.bot.idle();
  });

  it('/dr incidents shows a command silence with who set it and why, and nothing once it ended', async () => {
    const clock = new ManualClock();
    const slack = recordSlack();
    const noise = await start(`${HEAD}${CHECKS}`, clock);
    await slash(noise, clock, 'silence api 30m replica rebuild', 'U0AAA');
    await noise.app.engine.apply(fail('SEV2', 'api', clock.now()));
    await noise.app.engine.apply(fail('SEV2', 'db', clock.now()));
    await until(() => topLevel(slack.posts).length === 1, 5_000, 'the db incident posted');
    const incidents = await slash(noise, clock, 'incidents', 'U0ZZZ');
    const lines = incidents.split('\\n');
    expect(lines.find((l) => l.includes('*INC-1*'))).toContain(
      '· :no_bell: Silenced until <!date^1795264200^{date_short_pretty} {time}|2026-11-21 12:30 UTC> by <@U0AAA> (replica rebuild)',
    );
    expect(lines.find((l) => l.includes('*INC-2*'))).not.toContain(':no_bell:');

    clock.set(T0 + 30 * MINUTE);
    await until(() => threadTexts(slack.posts).length === 1, 5_000, 'the announcement');
    expect(await slash(noise, clock, 'incidents', 'U0ZZZ')).not.toContain(':no_bell:');
    await noise.app.slack?.bot.idle();
  });
});

describe('/dr unsilence on a maintenance window', () => {
  it('ends the window early for that check (audited, listed, honoured after a restart) and the incident is announced and paged', async () => {
    const clock = new ManualClock();
    const slack = recordSlack();
    const yaml = `${HEAD}${CHECKS}${WINDOW}`;
    const first = await start(yaml, clock);
    await until(async () => (await auditOf()).length === 2, 5_000, 'the window opening audited');
    await first.app.engine.apply(fail('SEV2', 'api', clock.now()));
    await first.app.slack?.bot.idle();
    await settle();
    expect(slack.posts).toEqual([]);

    // The same permission as any unsilence: operators only.
    expect(await slash(first, clock, 'unsilence api', 'U0ZZZ')).toContain('operators');
    clock.advance(5 * MINUTE);
    const answer = await slash(first, clock, 'unsilence api', 'U0AAA');
    expect(answer).toBe(
      '`api` is no longer silenced. Its maintenance window until <!date^1795266000^{date_short_pretty} {time}|2026-11-21 13:00 UTC> (DB upgrade) is ended early, for this check only. An incident of it still open is announced and paged by policy within seconds.',
    );
    await until(() => threadTexts(slack.posts).length === 1, 5_000, 'the announcement');
    expect(threadTexts(slack.posts)[0]).toMatch(/^:loud_sound: No longer silenced and still failing since .*, 5 min; \*SEV2\*; HTTP 503/);
    const events: Array<{ event_action: string; dedup_key: string }> = [];
    nockEnqueue(events, ACCEPTED);
    await deliverPages(first.app, 'triggered', 'INC-1');
    expect(events.map((e) => `${e.event_action} ${e.dedup_key}`)).toEqual(['trigger INC-1']);

    expect(await slash(first, clock, 'unsilence api', 'U0AAA')).toBe('`api` is not silenced.');
    const listed = await slash(first, clock, 'silences', 'U0ZZZ');
    expect(listed).toContain('Silences: 1 in force, 0 to come, 1 ended early');
    expect(listed).toContain(
      ':bell: `api` maintenance window ended early <!date^1795262700^{date_short_pretty} {time}|2026-11-21 12:05 UTC> by <@U0AAA> (configured until <!date^1795266000^{date_short_pretty} {time}|2026-11-21 13:00 UTC>): DB upgrade',
    );
    expect(await slash(first, clock, 'incidents', 'U0ZZZ')).not.toContain(':no_bell:');

    // A restart (a new leader looks at every window in force): the window stays ended for `api`.
    running.splice(0);
    await first.app.stop();
    const second = await start(yaml, clock);
    await settle();
    const updatesBefore = slack.updates.length;
    await second.app.engine.apply(fail('SEV1', 'api', clock.now()));
    await until(() => slack.updates.length > updatesBefore, 5_000, 'the escalation shown');
    await second.app.slack?.bot.idle();
    expect(topLevel(slack.posts)).toHaveLength(1);
    expect(String(slack.updates.at(-1)?.body.text)).toContain('SEV1 INC-1 api');
    expect(JSON.stringify(slack.updates.at(-1)?.body.blocks)).not.toContain(':no_bell:');
    // Not muted again by the new leader, so not announced a second time.
    expect(threadTexts(slack.posts).filter((t) => t.startsWith(':loud_sound:'))).toHaveLength(1);
    expect(await second.app.noise.silences.inForceFor('db')).toMatchObject({ source: 'maintenance' });

    // Past the configured end, nothing more is audited for the window ended early.
    clock.set(T0 + 60 * MINUTE);
    await until(async () => (await auditOf()).length === 4, 5_000, "db's window closing audited");
    await settle();
    expect(await auditOf()).toEqual([
      `silenced api config:maintenance ${T0 - MINUTE} until 2026-11-21T13:00:00.000Z: DB upgrade`,
      `silenced db config:maintenance ${T0 - MINUTE} until 2026-11-21T13:00:00.000Z: DB upgrade`,
      `unsilenced api U0AAA ${T0 + 5 * MINUTE} maintenance window ended early (configured until 2026-11-21T13:00:00.000Z: DB upgrade)`,
      `unsilenced db config:maintenance ${T0 + 60 * MINUTE} maintenance window ended`,
    ]);
    await second.app.slack?.bot.idle();
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
