import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/backend/memory/memory-store.js';
import { RedisStore } from '../../../src/backend/redis/redis-store.js';
import { initialCheckState } from '../../../src/core/check-state.js';
import { UNFENCED, type QuietPass, type Store } from '../../../src/store/store.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import { fail, pass } from '../../doubles/results.js';

/* Quiet passes (store.ts) are written apart from the fenced check state: what a reader then sees. */

const db = useRedisPrefix('quiet-passes', { perTest: true });

const stores: Array<[string, () => Store]> = [
  ['memory', () => new MemoryStore()],
  ['redis', () => new RedisStore({ redis: db.redis, keyPrefix: db.prefix })],
];

function quiet(checkId: string, at: number, consecutiveSuccesses: number): QuietPass {
  return { checkId, result: pass(checkId, at), consecutiveSuccesses };
}

describe.each(stores)('quiet passes on the %s store', (_kind, makeStore) => {
  it('show as the check state when no state was committed, and over an older quiet state', async () => {
    const store = makeStore();
    expect(await store.recordQuietPasses({ fence: UNFENCED, passes: [quiet('api', 10, 1), quiet('web', 10, 1)] })).toBe('committed');
    expect(await store.getCheckState('api')).toEqual({ ...initialCheckState('api'), consecutiveSuccesses: 1, lastResult: pass('api', 10) });

    await store.commitEvaluation({
      fence: UNFENCED,
      checkState: { ...initialCheckState('web'), consecutiveSuccesses: 4, lastResult: pass('web', 5) },
    });
    expect(await store.getCheckState('web')).toMatchObject({ consecutiveSuccesses: 1, lastResult: { startedAt: 10 } });
  });

  it('never hide a later fenced commit, even when their batch lands after it', async () => {
    const store = makeStore();
    const failing = { ...initialCheckState('api'), consecutiveFailures: 1, lastResult: fail('SEV2', 'api', 20) };
    await store.commitEvaluation({ fence: UNFENCED, checkState: failing });
    // A batch of earlier passes arrives late: the failure stays.
    await store.recordQuietPasses({ fence: UNFENCED, passes: [quiet('api', 15, 7)] });
    expect(await store.getCheckState('api')).toEqual(failing);
    // Even a later pass cannot read over a failure streak: only a fenced commit ends one.
    await store.recordQuietPasses({ fence: UNFENCED, passes: [quiet('api', 30, 1)] });
    expect(await store.getCheckState('api')).toEqual(failing);
    // Nor over an open incident.
    const open = { ...initialCheckState('db'), openIncidentId: 'INC-1', consecutiveSuccesses: 1, lastResult: pass('db', 5) };
    await store.commitEvaluation({ fence: UNFENCED, checkState: open });
    await store.recordQuietPasses({ fence: UNFENCED, passes: [quiet('db', 40, 2)] });
    expect(await store.getCheckState('db')).toEqual(open);
  });

  it("are refused as a batch with a lease that is no longer held; the holder's are written", async () => {
    const store = makeStore();
    const stale = await store.acquireLease('monitor', 'old', 30);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const current = await store.acquireLease('monitor', 'new', 5_000);
    expect(await store.recordQuietPasses({ fence: stale!, passes: [quiet('api', 10, 1)] })).toBe('fenced');
    expect(await store.getCheckState('api')).toBeNull();
    expect(await store.recordQuietPasses({ fence: current!, passes: [quiet('api', 11, 2)] })).toBe('committed');
    expect(await store.getCheckState('api')).toMatchObject({ consecutiveSuccesses: 2, lastResult: { startedAt: 11 } });
  });

  it('of thousands of checks are written in one call, each check readable', async () => {
    const store = makeStore();
    const passes = Array.from({ length: 2_500 }, (_, i) => quiet(`c${i}`, 100 + i, 3));
    expect(await store.recordQuietPasses({ fence: UNFENCED, passes })).toBe('committed');
    expect(await store.getCheckState('c0')).toMatchObject({ lastResult: { startedAt: 100 } });
    expect(await store.getCheckState('c2499')).toMatchObject({ consecutiveSuccesses: 3, lastResult: { startedAt: 2_599 } });
  });
});
