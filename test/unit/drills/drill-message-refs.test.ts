import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryDrillMessageRefs } from '../../../src/backend/memory/memory-drill-message-refs.js';
import { drillMessageKey, RedisDrillMessageRefs } from '../../../src/backend/redis/redis-drill-message-refs.js';
import { DRILL_MESSAGE_REF_TTL_MS, type DrillMessageRefs } from '../../../src/drills/drill-message-refs.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import { deleteKeys } from '../../doubles/test-redis.js';

const db = useRedisPrefix('drill-msg-refs');

/** The behaviour both stores must have. */
function contract(label: string, create: () => DrillMessageRefs) {
  describe(`${label} drill message refs`, () => {
    let refs: DrillMessageRefs;
    beforeEach(() => {
      refs = create();
    });

    it('is absent until saved, then reads back what was saved; a later save replaces it', async () => {
      expect(await refs.get('DRL-1')).toBeNull();
      await refs.save('DRL-1', { channel: 'C0INCIDENTS', ts: '1000.000001' });
      expect(await refs.get('DRL-1')).toEqual({ channel: 'C0INCIDENTS', ts: '1000.000001' });
      expect(await refs.get('DRL-2')).toBeNull();
      await refs.save('DRL-1', { channel: 'C0INCIDENTS', ts: '2000.000001' });
      expect(await refs.get('DRL-1')).toEqual({ channel: 'C0INCIDENTS', ts: '2000.000001' });
    });
  });
}

contract('memory', () => new MemoryDrillMessageRefs(new ManualClock()));
contract('redis', () => new RedisDrillMessageRefs(db.redis, db.nextPrefix(), silentLogger()));

describe('redis drill message refs, stored', () => {
  afterEach(async () => {
    await deleteKeys(db.redis, db.named('layout'));
  });

  it('live under the prefix with a month-long ttl, visible to another connection (another replica)', async () => {
    const prefix = db.named('layout');
    await new RedisDrillMessageRefs(db.redis, prefix, silentLogger()).save('DRL-9', { channel: 'C1', ts: '9.9' });
    expect(await db.redis.pttl(drillMessageKey(prefix, 'DRL-9'))).toBeGreaterThan(29 * 24 * 3600_000);
    expect(await new RedisDrillMessageRefs(db.other, prefix, silentLogger()).get('DRL-9')).toEqual({ channel: 'C1', ts: '9.9' });
  });

  it('a corrupt stored value reads as absent', async () => {
    const prefix = db.named('layout');
    await db.redis.set(drillMessageKey(prefix, 'DRL-4'), '{"channel":5}');
    await db.redis.set(drillMessageKey(prefix, 'DRL-5'), 'not json');
    const refs = new RedisDrillMessageRefs(db.redis, prefix, silentLogger());
    expect(await refs.get('DRL-4')).toBeNull();
    expect(await refs.get('DRL-5')).toBeNull();
  });
});

describe('memory drill message refs', () => {
  it('expire after the ttl', async () => {
    const clock = new ManualClock();
    const refs = new MemoryDrillMessageRefs(clock);
    await refs.save('DRL-1', { channel: 'C1', ts: '1.1' });
    clock.advance(DRILL_MESSAGE_REF_TTL_MS);
    expect(await refs.get('DRL-1')).toBeNull();
  });
});
