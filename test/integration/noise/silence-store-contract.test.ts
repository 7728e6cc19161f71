import { describe, expect, it } from 'vitest';
import { MemorySilenceStore } from '../../../src/backend/memory/memory-silence-store.js';
import { RedisSilenceStore } from '../../../src/backend/redis/redis-silence-store.js';
import type { SilenceStore } from '../../../src/noise/silence-store.js';
import { Silences } from '../../../src/noise/silences.js';
import { ManualClock, MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';

/* The silence store's contract, kept by the Redis store and its memory twin alike. */

const bed = useRedisPrefix('silence-store', { perTest: true });
const T0 = MANUAL_CLOCK_START;
const HOUR = 3_600_000;

const backends: Array<[string, () => { a: SilenceStore; b: SilenceStore }]> = [
  ['redis (two replicas)', () => ({ a: new RedisSilenceStore(bed.redis, bed.prefix), b: new RedisSilenceStore(bed.other, bed.prefix) })],
  [
    'memory',
    () => {
      const store = new MemorySilenceStore();
      return { a: store, b: store };
    },
  ],
];

describe.each(backends)('silence store: %s', (_name, make) => {
  it('keeps command silences, audits setting and ending them, and prunes ended ones', async () => {
    const { a, b } = make();
    await a.setSilence({ checkId: 'api', since: T0, until: T0 + HOUR, by: 'U0AAA', reason: 'deploy', source: 'command' });
    await a.setSilence({ checkId: 'db', since: T0, until: T0 + 2 * HOUR, by: 'U0AAA', reason: 'upgrade', source: 'command' });
    expect((await b.listSilences()).map((s) => s.checkId).sort()).toEqual(['api', 'db']);
    expect(await b.endSilence('db', 'U0BBB', T0 + 60_000)).toMatchObject({ checkId: 'db', reason: 'upgrade' });
    expect(await a.endSilence('db', 'U0BBB', T0 + 60_000)).toBeNull();
    await a.pruneSilences(T0 + HOUR);
    expect(await b.listSilences()).toEqual([]);
    expect((await a.readSilenceAudit(10)).map((e) => [e.type, e.checkId, e.actor, e.at, e.detail])).toEqual([
      ['silenced', 'api', 'U0AAA', T0, 'until 2026-11-21T13:00:00.000Z: deploy'],
      ['silenced', 'db', 'U0AAA', T0, 'until 2026-11-21T14:00:00.000Z: upgrade'],
      ['unsilenced', 'db', 'U0BBB', T0 + 60_000, 'ended early'],
    ]);
  });

  it('gives an owed announcement and a due reminder to one replica only', async () => {
    const { a, b } = make();
    await a.markMuted({ incidentId: 'INC-1', checkId: 'api' });
    expect(await b.listMuted()).toEqual([{ incidentId: 'INC-1', checkId: 'api' }]);
    const claims = await Promise.all([a.claimMuted('INC-1'), b.claimMuted('INC-1')]);
    expect(claims.filter(Boolean)).toHaveLength(1);

    await a.scheduleReminder('INC-1', T0 + HOUR);
    await a.scheduleReminder('INC-2', T0 + 2 * HOUR);
    expect(await b.claimDueReminders(T0 + HOUR - 1, 10)).toEqual([]);
    const [first, second] = await Promise.all([a.claimDueReminders(T0 + HOUR, 10), b.claimDueReminders(T0 + HOUR, 10)]);
    expect([...(first ?? []), ...(second ?? [])]).toEqual([{ incidentId: 'INC-1', dueAt: T0 + HOUR }]);
    await b.cancelReminder('INC-2');
    expect(await a.claimDueReminders(T0 + 3 * HOUR, 10)).toEqual([]);
  });

  it('audits a maintenance window opening and closing once each, whichever replica sees them', async () => {
    const { a, b } = make();
    const window = { checkId: 'api', since: T0, until: T0 + HOUR, reason: 'DB upgrade', source: 'maintenance' as const };
    const opened = await Promise.all([a.auditWindowOpened(window), b.auditWindowOpened(window), a.auditWindowOpened(window)]);
    expect(opened.filter(Boolean)).toHaveLength(1);
    // Another window of the check (a new start or end) is another window.
    expect(await b.auditWindowOpened({ ...window, until: T0 + 2 * HOUR })).toBe(true);
    expect((await a.listOpenWindows()).map((w) => w.until).sort()).toEqual([T0 + HOUR, T0 + 2 * HOUR]);

    const closed = await Promise.all([a.auditWindowClosed(window, T0 + HOUR, 'ended'), b.auditWindowClosed(window, T0 + HOUR, 'ended')]);
    expect(closed.filter(Boolean)).toHaveLength(1);
    expect(await b.listOpenWindows()).toEqual([{ ...window, until: T0 + 2 * HOUR }]);
    expect((await a.readSilenceAudit(10)).map((e) => [e.type, e.checkId, e.actor, e.at, e.detail])).toEqual([
      ['silenced', 'api', 'config:maintenance', T0, 'until 2026-11-21T13:00:00.000Z: DB upgrade'],
      ['silenced', 'api', 'config:maintenance', T0, 'until 2026-11-21T14:00:00.000Z: DB upgrade'],
      ['unsilenced', 'api', 'config:maintenance', T0 + HOUR, 'ended'],
    ]);
  });

  it('ends a maintenance window early once, with the actor, keyed by check, start and end, and never opens it again', async () => {
    const { a, b } = make();
    const window = { checkId: 'api', since: T0, until: T0 + HOUR, reason: 'DB upgrade', source: 'maintenance' as const };
    expect(await a.auditWindowOpened(window)).toBe(true);
    const ended = await Promise.all([a.endWindow(window, 'U0AAA', T0 + 60_000), b.endWindow(window, 'U0BBB', T0 + 120_000)]);
    expect(ended.filter(Boolean)).toHaveLength(1);
    const endedBy = ended[0] ? 'U0AAA' : 'U0BBB';
    const endedAt = ended[0] ? T0 + 60_000 : T0 + 120_000;
    // An end is never moved, later or earlier.
    expect(await a.endWindow(window, 'U0CCC', T0 + 30_000)).toBe(false);
    expect(await b.listWindowEnds()).toEqual([{ checkId: 'api', since: T0, until: T0 + HOUR, endedAt, endedBy }]);
    // Its closing is the early end: the sweep finds nothing open to close, and a sweep that read
    // the config before the end cannot open it again.
    expect(await b.listOpenWindows()).toEqual([]);
    expect(await b.auditWindowOpened(window)).toBe(false);
    expect(await a.auditWindowClosed(window, T0 + HOUR, 'maintenance window ended')).toBe(false);
    // The config changed the window's end: another window, not ended.
    expect(await b.auditWindowOpened({ ...window, until: T0 + 2 * HOUR })).toBe(true);
    expect((await a.listWindowEnds()).map((e) => e.until)).toEqual([T0 + HOUR]);

    await a.pruneSilences(T0 + HOUR - 1);
    expect(await b.listWindowEnds()).toHaveLength(1);
    await a.pruneSilences(T0 + HOUR);
    expect(await b.listWindowEnds()).toEqual([]);
    expect((await a.readSilenceAudit(10)).map((e) => [e.type, e.checkId, e.actor, e.at, e.detail])).toEqual([
      ['silenced', 'api', 'config:maintenance', T0, 'until 2026-11-21T13:00:00.000Z: DB upgrade'],
      ['unsilenced', 'api', endedBy, endedAt, 'maintenance window ended early (configured until 2026-11-21T13:00:00.000Z: DB upgrade)'],
      ['silenced', 'api', 'config:maintenance', T0, 'until 2026-11-21T14:00:00.000Z: DB upgrade'],
    ]);
  });
});

describe('Silences', () => {
  const window = { checks: ['api'], start: T0 + HOUR, end: T0 + 2 * HOUR, reason: 'DB upgrade' };

  it('refuses what a command may not set: over 7 days, no reason, an unknown check', async () => {
    const clock = new ManualClock();
    const silences = new Silences({ store: new MemorySilenceStore(), clock, checkIds: ['api'], maintenance: [window] });
    expect(await silences.silence('api', 8 * 24 * HOUR, 'x', 'U0AAA')).toEqual({
      ok: false,
      message: '8d is longer than the 7 days a silence may last (7d at most).',
    });
    expect(await silences.silence('api', HOUR, '   ', 'U0AAA')).toEqual({ ok: false, message: 'Say why: a reason is required.' });
    expect(await silences.silence('apj', HOUR, 'x', 'U0AAA')).toEqual({ ok: false, message: '`apj` is not a check id.' });
    expect((await silences.silence('api', 7 * 24 * HOUR, 'long one', 'U0AAA')).ok).toBe(true);
  });

  it('does not end (nor audit ending) a command silence that already ran out', async () => {
    const clock = new ManualClock();
    const store = new MemorySilenceStore();
    const silences = new Silences({ store, clock, checkIds: ['api'], maintenance: [] });
    await silences.silence('api', HOUR, 'deploy', 'U0AAA');
    clock.advance(HOUR);
    expect(await silences.unsilence('api', 'U0BBB')).toEqual({ ok: false, message: '`api` is not silenced.' });
    expect((await store.readSilenceAudit(10)).map((e) => e.type)).toEqual(['silenced']);
  });

  it('reads maintenance windows as silences from start to end', async () => {
    const clock = new ManualClock();
    const silences = new Silences({ store: new MemorySilenceStore(), clock, checkIds: ['api', 'db'], maintenance: [window] });
    expect(await silences.inForceFor('api')).toBeNull();
    expect((await silences.current()).map((s) => `${s.checkId} ${s.source}`)).toEqual(['api maintenance']);
    clock.set(T0 + HOUR);
    expect(await silences.inForceFor('api')).toMatchObject({ source: 'maintenance', until: T0 + 2 * HOUR, reason: 'DB upgrade' });
    expect(await silences.inForceFor('db')).toBeNull();
    clock.set(T0 + 2 * HOUR);
    expect(await silences.inForceFor('api')).toBeNull();
    expect(await silences.current()).toEqual([]);
  });

  it.each(backends)(
    '/dr unsilence ends a window in force early for that check only, on every replica (%s), and only shortens it',
    async (_name, make) => {
      const { a, b } = make();
      const clock = new ManualClock();
      const shared = { checks: ['api', 'db'], start: T0 + HOUR, end: T0 + 3 * HOUR, reason: 'DB upgrade' };
      const replica = (store: SilenceStore, maintenance = [shared]) => new Silences({ store, clock, checkIds: ['api', 'db'], maintenance });
      const one = replica(a);
      const two = replica(b);
      // A window still to come is left to the config: nothing to end, and it still opens.
      expect(await one.unsilence('api', 'U0AAA')).toEqual({ ok: false, message: '`api` is not silenced.' });

      clock.set(T0 + HOUR);
      expect(await one.windowsOpened(null, clock.now())).toHaveLength(2);
      await one.silence('api', 30 * 60_000, 'deploy', 'U0BBB');
      clock.advance(60_000);
      const outcome = await one.unsilence('api', 'U0AAA');
      // Both what mutes `api` end: the command silence and its share of the window.
      expect(outcome.ok && outcome.ended.map((s) => `${s.source} ${s.until}`)).toEqual([
        `command ${T0 + HOUR + 30 * 60_000}`,
        `maintenance ${T0 + 3 * HOUR}`,
      ]);
      expect(await two.inForceFor('api')).toBeNull();
      expect(await two.inForceFor('db')).toMatchObject({ source: 'maintenance', until: T0 + 3 * HOUR });
      expect(await two.unsilence('api', 'U0AAA')).toEqual({ ok: false, message: '`api` is not silenced.' });
      // Listed as ended early until its configured end; a new term's sweep does not open it again.
      expect((await two.current()).find((s) => s.checkId === 'api')).toMatchObject({ endedAt: T0 + HOUR + 60_000, endedBy: 'U0AAA' });
      expect((await two.windowsOpened(null, clock.now())).map((s) => s.checkId)).toEqual(['db']);
      clock.set(T0 + 3 * HOUR - 1);
      expect(await one.inForceFor('api')).toBeNull();

      // The window changed in the config (a new end) is a new window: in force again.
      const changed = replica(b, [{ ...shared, end: T0 + 4 * HOUR }]);
      expect(await changed.inForceFor('api')).toMatchObject({ source: 'maintenance', until: T0 + 4 * HOUR });
      expect((await changed.inForceFor('api'))?.endedAt).toBeUndefined();
    },
  );
});
