import { describe, expect, it } from 'vitest';
import { initialCheckState, type CheckState } from '../../../src/core/check-state.js';
import { UNFENCED, type QuietPass, type Store } from '../../../src/store/store.js';
import { fail, pass } from '../../doubles/results.js';

/** More ids than one Redis chunk (CHECK_STATE_READ_CHUNK, 1,000), so the chunks must join up. */
const MANY = 2_500;

function quiet(checkId: string, at: number, consecutiveSuccesses: number): QuietPass {
  return { checkId, result: pass(checkId, at), consecutiveSuccesses };
}

/** Each id's getCheckState answer: what getCheckStates must equal, id for id. */
async function oneByOne(store: Store, ids: readonly string[]): Promise<Map<string, CheckState | null>> {
  const states = new Map<string, CheckState | null>();
  for (const id of ids) states.set(id, await store.getCheckState(id));
  return states;
}

async function commitState(store: Store, checkState: CheckState): Promise<void> {
  expect(await store.commitEvaluation({ fence: UNFENCED, checkState })).toBe('committed');
}

/**
 * getCheckStates is getCheckState for many ids at once: the same answer for each, whichever of
 * state and quiet pass is stored. Called inside defineStoreContract, with the current test's store.
 */
export function defineCheckStatesContract(current: () => Store): void {
  describe('many check states at once', () => {
    it('answers each id as getCheckState does: committed, quiet pass only, and neither', async () => {
      const store = current();
      const failing = { ...initialCheckState('api'), consecutiveFailures: 1, lastResult: fail('SEV2', 'api', 20) };
      await commitState(store, failing);
      await store.recordQuietPasses({ fence: UNFENCED, passes: [quiet('web', 10, 1)] });

      const read = await store.getCheckStates(['api', 'web', 'db']);
      expect(read).toEqual(await oneByOne(store, ['api', 'web', 'db']));
      expect(read.get('api')).toEqual(failing);
      expect(read.get('web')).toEqual({ ...initialCheckState('web'), consecutiveSuccesses: 1, lastResult: pass('web', 10) });
      expect(read.has('db')).toBe(true);
      expect(read.get('db')).toBeNull();
    });

    it('lays a newer quiet pass over the committed state, and never an older one or one over a failure', async () => {
      const store = current();
      await commitState(store, { ...initialCheckState('newer'), consecutiveSuccesses: 4, lastResult: pass('newer', 5) });
      await commitState(store, { ...initialCheckState('older'), consecutiveSuccesses: 4, lastResult: pass('older', 50) });
      await commitState(store, { ...initialCheckState('failing'), consecutiveFailures: 2, lastResult: fail('SEV2', 'failing', 5) });
      await store.recordQuietPasses({
        fence: UNFENCED,
        passes: [quiet('newer', 10, 5), quiet('older', 40, 9), quiet('failing', 10, 1)],
      });

      const ids = ['newer', 'older', 'failing'];
      const read = await store.getCheckStates(ids);
      expect(read).toEqual(await oneByOne(store, ids));
      expect(read.get('newer')).toMatchObject({ consecutiveSuccesses: 5, lastResult: { startedAt: 10 } });
      expect(read.get('older')).toMatchObject({ consecutiveSuccesses: 4, lastResult: { startedAt: 50 } });
      expect(read.get('failing')).toMatchObject({ consecutiveFailures: 2, lastResult: { startedAt: 5, ok: false } });
    });

    it('reads a repeated id once: one entry per distinct id', async () => {
      const store = current();
      await store.recordQuietPasses({ fence: UNFENCED, passes: [quiet('api', 10, 1)] });
      const read = await store.getCheckStates(['api', 'db', 'api', 'api', 'db']);
      expect([...read.keys()].sort()).toEqual(['api', 'db']);
      expect(read.get('api')).toMatchObject({ lastResult: { startedAt: 10 } });
      expect(read.get('db')).toBeNull();
    });

    it('reads nothing for no ids', async () => {
      expect(await current().getCheckStates([])).toEqual(new Map());
    });

    it(`answers ${MANY.toLocaleString('en-US')} checks in one call, every one as getCheckState does`, async () => {
      const store = current();
      const ids = Array.from({ length: MANY }, (_, i) => `c${i}`);
      // Every check has a quiet pass; every 7th also a committed state (newer than its pass on
      // every 14th, so the pass is not shown there); the last 10 asked for have neither.
      await store.recordQuietPasses({ fence: UNFENCED, passes: ids.map((id, i) => quiet(id, 100 + i, 3)) });
      for (let i = 0; i < MANY; i += 7) {
        const at = i % 14 === 0 ? 10_000 : 0;
        await commitState(store, { ...initialCheckState(`c${i}`), consecutiveSuccesses: 8, lastResult: pass(`c${i}`, at) });
      }
      const asked = [...ids, ...Array.from({ length: 10 }, (_, i) => `absent${i}`)];

      const read = await store.getCheckStates(asked);
      expect(read.size).toBe(asked.length);
      expect(read).toEqual(await oneByOne(store, asked));
      expect(read.get('c0')).toMatchObject({ consecutiveSuccesses: 8, lastResult: { startedAt: 10_000 } });
      expect(read.get('c7')).toMatchObject({ consecutiveSuccesses: 3, lastResult: { startedAt: 107 } });
      expect(read.get(`c${MANY - 1}`)).toMatchObject({ consecutiveSuccesses: 3, lastResult: { startedAt: 100 + MANY - 1 } });
      expect(read.get('absent9')).toBeNull();
    });
  });
}
