import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/backend/memory/memory-store.js';
import { RedisStore } from '../../../src/backend/redis/redis-store.js';
import { UNFENCED, type EvaluationCommit, type Store } from '../../../src/store/store.js';
import { aCheckState } from './fixtures.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';

const db = useRedisPrefix('commit-fence');

const stores: Array<[string, () => Store]> = [
  ['memory', () => new MemoryStore()],
  ['redis', () => new RedisStore({ redis: db.redis, keyPrefix: db.prefix })],
];

describe.each(stores)('a monitor commit on the %s store', (_kind, makeStore) => {
  it('without a fence (a caller bypassing the types) is refused, not written unfenced', async () => {
    const store = makeStore();
    const commit = { checkState: aCheckState('no-fence') } as unknown as EvaluationCommit;
    expect(await store.commitEvaluation(commit)).toBe('fenced');
    expect(await store.getCheckState('no-fence')).toBeNull();
  });

  it('with the explicit single-process mode is written', async () => {
    const store = makeStore();
    expect(await store.commitEvaluation({ fence: UNFENCED, checkState: aCheckState('single') })).toBe('committed');
    expect(await store.getCheckState('single')).toMatchObject({ checkId: 'single' });
  });

  it('with a lease that lapsed, and nobody took it, is refused', async () => {
    const store = makeStore();
    const lease = await store.acquireLease('lapse', 'me', 30);
    expect(lease).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await store.commitEvaluation({ fence: lease!, checkState: aCheckState('lapsed') })).toBe('fenced');
    expect(await store.getCheckState('lapsed')).toBeNull();
  });

  it('contendLease gives the lease when free, else how long the holder has left', async () => {
    const store = makeStore();
    const won = await store.contendLease('contend', 'a', 5_000);
    expect(won.lease).toMatchObject({ name: 'contend', holder: 'a' });
    const refused = await store.contendLease('contend', 'b', 5_000);
    expect(refused.lease).toBeNull();
    if (refused.lease === null) {
      expect(refused.lapsesInMs).toBeGreaterThan(4_000);
      expect(refused.lapsesInMs).toBeLessThanOrEqual(5_000);
    }
  });
});
