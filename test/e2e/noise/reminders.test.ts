import { describe, expect, it } from 'vitest';
import { RedisSilenceStore } from '../../../src/backend/redis/redis-silence-store.js';
import { MANUAL_CLOCK_START, ManualClock } from '../../doubles/manual-clock.js';
import { fail, pass } from '../../doubles/results.js';
import type { SlackCall } from '../../doubles/slack-api-nock.js';
import { recordSlack, settle, slash, until } from './noise-app-harness.js';
import { HEAD, HTTP, MINUTE, threadTexts, topLevel, useNoiseApps } from './noise-e2e-setup.js';

/*
 * Reminders (SPEC §9: "An incident still open after `remindEvery` is re-announced in its thread
 * ("still failing since …, 2 h"), and again every `remindEvery`") as `lifeboat start` wires them:
 * buildApp on the test Redis, Slack answered at the HTTP layer, the leader's sweep on its own timer.
 */

const { bed, start } = useNoiseApps('reminders-e2e');

const T0 = MANUAL_CLOCK_START;

describe('reminders', () => {
  const SINCE = '<!date^1795262400^{date_short_pretty} {time}|2026-11-21 12:00 UTC>';
  const reminders = (calls: SlackCall[]) => threadTexts(calls).filter((t) => t.startsWith(':alarm_clock:'));

  it('re-announces an open incident every remindEvery, and an acknowledged one too, saying who acknowledged it and when', async () => {
    const clock = new ManualClock();
    const slack = recordSlack();
    const { app } = await start(`${HEAD}checks:\n  - { id: api, ${HTTP}, remindEvery: 30m }\n`, clock);
    await app.engine.apply(fail('SEV2', 'api', clock.now()));
    await app.slack?.bot.idle();

    clock.advance(29 * MINUTE);
    await settle();
    expect(threadTexts(slack.posts)).toEqual([]);
    clock.advance(MINUTE);
    await until(() => threadTexts(slack.posts).length === 1, 5_000, 'the first reminder');
    clock.advance(30 * MINUTE);
    await until(() => threadTexts(slack.posts).length === 2, 5_000, 'the second reminder');
    expect(threadTexts(slack.posts)).toEqual([
      `:alarm_clock: still failing since ${SINCE}, 30 min; *SEV2*; HTTP 503 (expected 200)`,
      `:alarm_clock: still failing since ${SINCE}, 1 h; *SEV2*; HTTP 503 (expected 200)`,
    ]);

    clock.advance(5 * MINUTE);
    expect((await app.engine.acknowledge('INC-1', 'U0AAA')).ok).toBe(true);
    await until(() => threadTexts(slack.posts).length === 3, 5_000, 'the acknowledgement');
    const acked = 'acknowledged <!date^1795266300^{date_short_pretty} {time}|2026-11-21 13:05 UTC> by <@U0AAA>';
    for (const count of [4, 5, 6]) {
      clock.set(T0 + (count - 1) * 30 * MINUTE);
      await until(() => threadTexts(slack.posts).length === count, 5_000, `reminder ${count - 1}`);
    }
    await settle();
    expect(reminders(slack.posts).slice(2)).toEqual([
      `:alarm_clock: still failing since ${SINCE}, 1 h 30 min; *SEV2*; ${acked}; HTTP 503 (expected 200)`,
      `:alarm_clock: still failing since ${SINCE}, 2 h; *SEV2*; ${acked}; HTTP 503 (expected 200)`,
      `:alarm_clock: still failing since ${SINCE}, 2 h 30 min; *SEV2*; ${acked}; HTTP 503 (expected 200)`,
    ]);
    expect(threadTexts(slack.posts)).toHaveLength(6); // one per interval, nothing in between
    expect(topLevel(slack.posts)).toHaveLength(1);
    await app.slack?.bot.idle();
  });

  it('an acknowledged incident is not reminded while silenced, keeps its rhythm, and is not reminded once resolved', async () => {
    const clock = new ManualClock();
    const slack = recordSlack();
    const noise = await start(`${HEAD}checks:\n  - { id: api, ${HTTP}, remindEvery: 30m }\n`, clock);
    const { app } = noise;
    await app.engine.apply(fail('SEV2', 'api', clock.now()));
    expect((await app.engine.acknowledge('INC-1', 'U0AAA')).ok).toBe(true);
    await until(() => threadTexts(slack.posts).length === 1, 5_000, 'the acknowledgement');

    clock.set(T0 + 10 * MINUTE);
    expect(await slash(noise, clock, 'silence api 1h deploy', 'U0AAA')).toContain('Silenced until');
    // Due at 30 and 60 minutes, both inside the silence: nothing posted.
    for (const at of [30, 60, 69]) {
      clock.set(T0 + at * MINUTE);
      await settle();
    }
    expect(reminders(slack.posts)).toEqual([]);

    // The silence ends at 70 minutes: announced; the reminders keep their 30-minute rhythm.
    clock.set(T0 + 70 * MINUTE);
    await until(() => threadTexts(slack.posts).length === 2, 5_000, 'the announcement');
    expect(threadTexts(slack.posts)[1]).toMatch(
      /^:loud_sound: No longer silenced and still failing since .*, 1 h 10 min; \*SEV2\*; HTTP 503/,
    );
    clock.set(T0 + 89 * MINUTE);
    await settle();
    expect(reminders(slack.posts)).toEqual([]);
    clock.set(T0 + 90 * MINUTE);
    await until(() => reminders(slack.posts).length === 1, 5_000, 'the reminder after the silence');
    clock.set(T0 + 120 * MINUTE);
    await until(() => reminders(slack.posts).length === 2, 5_000, 'the next reminder');
    const acked = `acknowledged ${SINCE} by <@U0AAA>`;
    expect(reminders(slack.posts)).toEqual([
      `:alarm_clock: still failing since ${SINCE}, 1 h 30 min; *SEV2*; ${acked}; HTTP 503 (expected 200)`,
      `:alarm_clock: still failing since ${SINCE}, 2 h; *SEV2*; ${acked}; HTTP 503 (expected 200)`,
    ]);

    clock.set(T0 + 130 * MINUTE);
    await app.engine.apply(pass('api', clock.now()));
    expect((await app.store.getIncident('INC-1'))?.state).toBe('resolved');
    for (const at of [150, 180, 210]) {
      clock.set(T0 + at * MINUTE);
      await settle();
    }
    await app.slack?.bot.idle();
    expect(reminders(slack.posts)).toHaveLength(2);
    expect(await new RedisSilenceStore(bed.redis, bed.prefix).claimDueReminders(T0 + 1_000 * MINUTE, 10)).toEqual([]);
  });
});
