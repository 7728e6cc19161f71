import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { collectGarbageNow } from '../../../src/observability/full-gc.js';

describe('collectGarbageNow', () => {
  it('runs a full collection: an object nothing refers to any more is gone afterwards', async () => {
    let target: object | null = { payload: new Array(1_000).fill('x') };
    const ref = new WeakRef(target);
    target = null;
    // A WeakRef's target is kept alive until the current job ends.
    await nextTurn();
    expect(collectGarbageNow()).toBe(true);
    expect(ref.deref()).toBeUndefined();
  });

  it('can run again (the gc function is obtained once)', () => {
    expect(collectGarbageNow()).toBe(true);
    expect(collectGarbageNow()).toBe(true);
  });
});
