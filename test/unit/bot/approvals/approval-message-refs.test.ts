import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApprovalMessageRefs } from '../../../../src/bot/approvals/approval-message-refs.js';
import { MemoryApprovalMessageRefs } from '../../../../src/backend/memory/memory-approval-message-refs.js';
import { approvalMessageKey, RedisApprovalMessageRefs } from '../../../../src/backend/redis/redis-approval-message-refs.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { ManualClock } from '../../../doubles/manual-clock.js';
import { deleteKeys } from '../../../doubles/test-redis.js';
import { useRedisPrefix } from '../../../doubles/redis-prefix.js';

const db = useRedisPrefix('approval-msg-refs');

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

contract('memory', () => new MemoryApprovalMessageRefs(new ManualClock()));
contract('redis', () => new RedisApprovalMessageRefs(db.redis, db.nextPrefix(), silentLogger()));

describe('redis approval message refs, stored', () => {
  afterEach(async () => {
    await deleteKeys(db.redis, db.named('layout'));
  });

  it('live under the prefix with a month-long ttl, visible to another connection (another replica)', async () => {
    const prefix = db.named('layout');
    await new RedisApprovalMessageRefs(db.redis, prefix, silentLogger()).save('APR-9', { channel: 'C1', ts: '9.9' });
    expect(await db.redis.pttl(approvalMessageKey(prefix, 'APR-9'))).toBeGreaterThan(29 * 24 * 3600_000);
    expect(await new RedisApprovalMessageRefs(db.other, prefix, silentLogger()).get('APR-9')).toEqual({ channel: 'C1', ts: '9.9' });
  });

  it('a corrupt stored value reads as absent', async () => {
    const prefix = db.named('layout');
    await db.redis.set(approvalMessageKey(prefix, 'APR-4'), '{"channel":5}');
    await db.redis.set(approvalMessageKey(prefix, 'APR-5'), 'not json');
    const refs = new RedisApprovalMessageRefs(db.redis, prefix, silentLogger());
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
