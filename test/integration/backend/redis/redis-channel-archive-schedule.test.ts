import { describe, expect, it } from 'vitest';
import { RedisChannelArchiveSchedule } from '../../../../src/backend/redis/redis-channel-archive-schedule.js';
import { MANUAL_CLOCK_START } from '../../../doubles/manual-clock.js';
import { useRedisPrefix } from '../../../doubles/redis-prefix.js';

const db = useRedisPrefix('channel-archives', { perTest: true });
const T0 = MANUAL_CLOCK_START;
const CLAIM = 600_000;

describe('RedisChannelArchiveSchedule', () => {
  it('hands each due channel to one replica of many claiming at once, and again only after the claim lapses', async () => {
    const a = new RedisChannelArchiveSchedule(db.redis, db.prefix);
    const b = new RedisChannelArchiveSchedule(db.other, db.prefix);
    await a.schedule('INC-1', T0);
    await a.schedule('INC-2', T0 + 1_000);
    await a.schedule('INC-3', T0 + 60_000);
    const claims = await Promise.all([a.claimDue(T0 + 1_000, CLAIM, 10), b.claimDue(T0 + 1_000, CLAIM, 10)]);
    expect(claims.flat().sort()).toEqual(['INC-1', 'INC-2']);
    expect(claims.some((claimed) => claimed.length === 0)).toBe(true);
    // Claimed and not done (the claimer died): due again once the claim lapses, with the later one.
    expect(await b.claimDue(T0 + 60_000, CLAIM, 10)).toEqual(['INC-3']);
    expect(await b.claimDue(T0 + 1_000 + CLAIM, CLAIM, 10)).toEqual(['INC-1', 'INC-2']);
    await b.done('INC-1');
    expect(await a.claimDue(T0 + 10 * CLAIM, CLAIM, 10)).toEqual(['INC-3', 'INC-2']);
  });
});
