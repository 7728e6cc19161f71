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

  it('reads maintenance windows as silences from start to end, and never ends one by command', async () => {
    const clock = new ManualClock();
    const silences = new Silences({ store: new MemorySilenceStore(), clock, checkIds: ['api', 'db'], maintenance: [window] });
    expect(await silences.inForceFor('api')).toBeNull();
    expect((await silences.current()).map((s) => `${s.checkId} ${s.source}`)).toEqual(['api maintenance']);
    clock.set(T0 + HOUR);
    expect(await silences.inForceFor('api')).toMatchObject({ source: 'maintenance', until: T0 + 2 * HOUR, reason: 'DB upgrade' });
    expect(await silences.inForceFor('db')).toBeNull();
    expect(await silences.unsilence('api', 'U0AAA')).toEqual({
      ok: false,
      message: '`api` is in a maintenance window until 2026-11-21T14:00:00.000Z (DB upgrade); windows are ended by changing the config.',
    });
    clock.set(T0 + 2 * HOUR);
    expect(await silences.inForceFor('api')).toBeNull();
    expect(await silences.current()).toEqual([]);
  });
});
