import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisSilenceStore } from '../../../src/backend/redis/redis-silence-store.js';
import type { Incident } from '../../../src/core/incident.js';
import { NoiseGate } from '../../../src/noise/noise-gate.js';
import { NoiseSweeper } from '../../../src/noise/noise-sweeper.js';
import { Silences } from '../../../src/noise/silences.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { MANUAL_CLOCK_START, ManualClock } from '../../doubles/manual-clock.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';

/*
 * Two replicas' sweepers on one Redis, sweeping at the same moments (a leader that has not yet
 * noticed it lost the lease, and the next one): an acknowledged incident, reminded every interval
 * now, is still reminded once per interval, never twice.
 */

const bed = useRedisPrefix('noise-sweeper', { perTest: true });
const T0 = MANUAL_CLOCK_START;
const MINUTE = 60_000;
const EVERY = 30 * MINUTE;

const acknowledged: Incident = {
  id: 'INC-1',
  checkId: 'api',
  severity: 'SEV2',
  state: 'acknowledged',
  revision: 2,
  openedAt: T0,
  updatedAt: T0 + MINUTE,
  acknowledgedBy: 'U0AAA',
  acknowledgedAt: T0 + MINUTE,
  summary: 'HTTP 503 (expected 200)',
  measurement: { kind: 'http', status: 503, url: 'https://api.example.com/health' },
  peakSeverity: 'SEV2',
};

function replica(redis: Redis, clock: ManualClock, incident: () => Incident, notes: string[]): NoiseSweeper {
  const store = new RedisSilenceStore(redis, bed.prefix);
  const logger = silentLogger();
  const remindEveryMs = new Map([['api', EVERY]]);
  const silences = new Silences({ store, clock, checkIds: ['api'], maintenance: [] });
  const gate = new NoiseGate({ silences, store, clock, logger, remindEveryMs, incidents: { listOpenIncidents: async () => [incident()] } });
  gate.attachSlack({ post: async () => undefined, refresh: () => undefined, note: (_id, text) => notes.push(text) });
  return new NoiseSweeper({
    gate,
    silences,
    store,
    incidents: { getIncident: async () => incident() },
    clock,
    logger,
    remindEveryMs,
    intervalMs: 60_000,
  });
}

describe('reminders across replicas', () => {
  it('an acknowledged incident is reminded every interval, once per interval, by two sweepers at once', async () => {
    const clock = new ManualClock();
    let incident = acknowledged;
    const notes: string[] = [];
    const a = replica(bed.redis, clock, () => incident, notes);
    const b = replica(bed.other, clock, () => incident, notes);
    await new RedisSilenceStore(bed.redis, bed.prefix).scheduleReminder('INC-1', T0 + EVERY);

    clock.set(T0 + EVERY - 1);
    await Promise.all([a.sweep(), b.sweep()]);
    expect(notes).toEqual([]);
    for (const n of [1, 2, 3, 4]) {
      clock.set(T0 + n * EVERY);
      await Promise.all([a.sweep(), b.sweep(), a.sweep(), b.sweep()]);
      expect(notes).toHaveLength(n);
    }
    expect(notes.map((t) => t.replace(/<!date[^>]*>/g, '<date>'))).toEqual(
      ['30 min', '1 h', '1 h 30 min', '2 h'].map(
        (elapsed) =>
          `:alarm_clock: still failing since <date>, ${elapsed}; *SEV2*; acknowledged <date> by <@U0AAA>; HTTP 503 (expected 200)`,
      ),
    );

    // Resolved: the reminder due next is dropped, and none is set after it.
    incident = { ...acknowledged, state: 'resolved', resolvedAt: T0 + 4 * EVERY + MINUTE };
    for (const n of [5, 6]) {
      clock.set(T0 + n * EVERY);
      await Promise.all([a.sweep(), b.sweep()]);
    }
    expect(notes).toHaveLength(4);
    expect(await new RedisSilenceStore(bed.redis, bed.prefix).claimDueReminders(T0 + 100 * EVERY, 10)).toEqual([]);
  });
});
