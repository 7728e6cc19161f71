import { describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../../../src/backend/memory/memory-store.js';
import { QuietPassBuffer } from '../../../src/incidents/quiet-pass-buffer.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { UNFENCED, type QuietPass } from '../../../src/store/store.js';
import { PartitionableStore } from '../../doubles/partitionable-store.js';
import { pass } from '../../doubles/results.js';

function quiet(checkId: string, at: number, consecutiveSuccesses = 1): QuietPass {
  return { checkId, result: pass(checkId, at), consecutiveSuccesses };
}

describe('the quiet pass buffer', () => {
  it('keeps the newest pass per check and writes them in one batch', async () => {
    const store = new MemoryStore();
    const buffer = new QuietPassBuffer({ store, logger: silentLogger(), flushMs: 60_000 });
    buffer.add(quiet('api', 1, 1), UNFENCED);
    buffer.add(quiet('api', 2, 2), UNFENCED);
    buffer.add(quiet('web', 2, 1), UNFENCED);
    expect(buffer.size).toBe(2);
    expect(await store.getCheckState('api')).toBeNull();
    await buffer.flush();
    expect(buffer.size).toBe(0);
    expect(await store.getCheckState('api')).toMatchObject({ consecutiveSuccesses: 2, lastResult: { startedAt: 2 } });
    expect(await store.getCheckState('web')).toMatchObject({ consecutiveSuccesses: 1 });
  });

  it('keeps a batch the store did not take and writes it once the store answers, unless a newer pass came', async () => {
    const store = new PartitionableStore(new MemoryStore());
    const buffer = new QuietPassBuffer({ store, logger: silentLogger(), flushMs: 20 });
    buffer.add(quiet('api', 1), UNFENCED);
    buffer.add(quiet('web', 1), UNFENCED);
    store.fail();
    await buffer.flush(); // never throws
    expect(buffer.size).toBe(2);
    buffer.add(quiet('web', 5, 2), UNFENCED);
    store.heal();
    // The timer re-armed after the failure writes it, unasked: polled, as a busy machine fires it late.
    await vi.waitFor(() => expect(buffer.size).toBe(0), { timeout: 10_000 });
    expect(await store.getCheckState('api')).toMatchObject({ lastResult: { startedAt: 1 } });
    expect(await store.getCheckState('web')).toMatchObject({ consecutiveSuccesses: 2, lastResult: { startedAt: 5 } });
  });

  it("never writes one term's passes with another term's lease", async () => {
    const store = new MemoryStore();
    const buffer = new QuietPassBuffer({ store, logger: silentLogger(), flushMs: 60_000 });
    const first = (await store.acquireLease('monitor', 'a', 60_000))!;
    buffer.add(quiet('api', 1), first);
    const second = (await store.acquireLease('monitor', 'a', 60_000))!; // same holder, new term
    buffer.add(quiet('web', 2), second);
    await buffer.flush();
    expect(await store.getCheckState('api')).toBeNull();
    expect(await store.getCheckState('web')).toMatchObject({ lastResult: { startedAt: 2 } });

    buffer.add(quiet('db', 3), second);
    buffer.clear(); // a new term began: the last one's waiting passes are dropped
    await buffer.flush();
    expect(await store.getCheckState('db')).toBeNull();
  });
});
