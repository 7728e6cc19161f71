import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApprovalMessageRefs } from '../../../../src/bot/approvals/approval-message-refs.js';
import { MemoryApprovalMessageRefs } from '../../../../src/bot/approvals/memory-approval-message-refs.js';
import { approvalMessageKey, RedisApprovalMessageRefs } from '../../../../src/bot/approvals/redis-approval-message-refs.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { ManualClock } from '../../../doubles/manual-clock.js';
import { deleteKeys, newRedisClient, randomKeyPrefix } from '../../../integration/store/redis-test-helpers.js';

const PREFIX = randomKeyPrefix('approval-msg-refs');
let redis: Redis;
beforeAll(() => {
  redis = newRedisClient();
});
afterAll(async () => {
  await deleteKeys(redis, PREFIX);
  await redis.quit();
});

/** The behaviour both stores must have. */
function contract(label: string, create: () => ApprovalMessageRefs) {
  describe(`${label} approval message refs`, () => {
    let refs: ApprovalMessageRefs;
    beforeEach(() => {
      refs = create();
    });

    it('is absent until saved, then reads back what was saved', async () => {
      expect(await refs.get('APR-1')).toBeNull();
      await refs.save('APR-1', { channel: 'C0INCIDENTS', ts: '1000.000001' });
      expect(await refs.get('APR-1')).toEqual({ channel: 'C0INCIDENTS', ts: '1000.000001' });
      expect(await refs.get('APR-2')).toBeNull();
    });

    it('a later save replaces the earlier one', async () => {
      await refs.save('APR-3', { channel: 'C1', ts: '1.1' });
      await refs.save('APR-3', { channel: 'C1', ts: '2.2' });
      expect(await refs.get('APR-3')).toEqual({ channel: 'C1', ts: '2.2' });
    });
  });
}

let n = 0;
contract('memory', () => new MemoryApprovalMessageRefs(new ManualClock()));
contract('redis', () => new RedisApprovalMessageRefs(redis, `${PREFIX}${++n}:`, silentLogger()));

describe('redis approval message refs, stored', () => {
  afterEach(async () => {
    await deleteKeys(redis, `${PREFIX}layout:`);
  });

  it('live under the prefix with a month-long ttl, visible to another connection (another replica)', async () => {
    const prefix = `${PREFIX}layout:`;
    await new RedisApprovalMessageRefs(redis, prefix, silentLogger()).save('APR-9', { channel: 'C1', ts: '9.9' });
    expect(await redis.pttl(approvalMessageKey(prefix, 'APR-9'))).toBeGreaterThan(29 * 24 * 3600_000);
    const other = newRedisClient();
    try {
      expect(await new RedisApprovalMessageRefs(other, prefix, silentLogger()).get('APR-9')).toEqual({ channel: 'C1', ts: '9.9' });
    } finally {
      await other.quit();
    }
  });

  it('a corrupt stored value reads as absent', async () => {
    const prefix = `${PREFIX}layout:`;
    await redis.set(approvalMessageKey(prefix, 'APR-4'), '{"channel":5}');
    await redis.set(approvalMessageKey(prefix, 'APR-5'), 'not json');
    const refs = new RedisApprovalMessageRefs(redis, prefix, silentLogger());
    expect(await refs.get('APR-4')).toBeNull();
    expect(await refs.get('APR-5')).toBeNull();
  });
});

describe('memory approval message refs', () => {
  it('forget a ref after a month', async () => {
    const clock = new ManualClock();
    const refs = new MemoryApprovalMessageRefs(clock);
    await refs.save('APR-1', { channel: 'C1', ts: '1.1' });
    clock.advance(30 * 24 * 3600_000);
    expect(await refs.get('APR-1')).toBeNull();
  });
});
