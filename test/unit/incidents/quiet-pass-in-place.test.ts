import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/backend/memory/memory-store.js';
import { IncidentEngine } from '../../../src/incidents/incident-engine.js';
import { silentLogger } from '../../../src/observability/logger.js';
import type { CheckState } from '../../../src/core/check-state.js';
import type { CommitOutcome, EvaluationCommit } from '../../../src/store/store.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { fail, pass } from '../../doubles/results.js';

// The engine answers a quiet pass by updating a cached state it owns in place (no new state per
// run). An object it handed to the store in a commit is not its own: a store may keep it (this
// one records each, with a copy of what it held when committed).
class RecordingStore extends MemoryStore {
  readonly committed: Array<{ handed: CheckState; asCommitted: CheckState }> = [];

  override async commitEvaluation(commit: EvaluationCommit): Promise<CommitOutcome> {
    this.committed.push({ handed: commit.checkState, asCommitted: structuredClone(commit.checkState) });
    return super.commitEvaluation(commit);
  }
}

function wiredEngine() {
  const clock = new ManualClock();
  const store = new RecordingStore({ clock });
  const engine = new IncidentEngine({
    store,
    clock,
    logger: silentLogger(),
    policies: new Map([['api', { failAfter: 1, recoverAfter: 1 }]]),
    fencing: { mode: 'unfenced' },
    quietPassFlushMs: 60_000,
  });
  return { store, engine };
}

describe('quiet passes applied in place', () => {
  it('never writes into a state it handed to the store; the store changes only when the batch is written', async () => {
    const { store, engine } = wiredEngine();
    expect(await engine.apply(fail('SEV2', 'api', 1))).toMatchObject({ event: { type: 'opened' } });
    expect(await engine.apply(pass('api', 2))).toMatchObject({ event: { type: 'resolved' } });
    const committed = await store.getCheckState('api');
    expect(committed).toMatchObject({ consecutiveSuccesses: 1, openIncidentId: null, lastResult: { startedAt: 2 } });

    expect(await engine.apply(pass('api', 3))).toBeNull();
    expect(await engine.apply(pass('api', 4))).toBeNull();
    expect(await store.getCheckState('api')).toEqual(committed);
    expect(store.committed).toHaveLength(2);
    for (const { handed, asCommitted } of store.committed) expect(handed).toEqual(asCommitted);

    await engine.flushQuietPasses();
    expect(await store.getCheckState('api')).toMatchObject({
      consecutiveSuccesses: 3,
      consecutiveFailures: 0,
      lastResult: { startedAt: 4 },
    });
  });

  it('evaluates the next failure from the passes applied in place, and the waiting pass never hides it', async () => {
    const { store, engine } = wiredEngine();
    expect(await engine.apply(pass('api', 1))).toBeNull();
    expect(await engine.apply(pass('api', 2))).toBeNull();
    const opened = await engine.apply(fail('SEV1', 'api', 3));
    expect(opened).toMatchObject({ event: { type: 'opened' }, incident: { severity: 'SEV1' } });

    await engine.flushQuietPasses(); // the commit dropped the waiting pass: nothing older lands
    expect(await store.getCheckState('api')).toMatchObject({
      consecutiveFailures: 1,
      consecutiveSuccesses: 0,
      openIncidentId: opened?.incident.id,
      lastResult: { startedAt: 3, ok: false },
    });

    expect(await engine.apply(pass('api', 4))).toMatchObject({ event: { type: 'resolved' } });
    expect(await engine.apply(pass('api', 5))).toBeNull();
    await engine.flushQuietPasses();
    expect(await store.getCheckState('api')).toMatchObject({ consecutiveSuccesses: 2, openIncidentId: null, lastResult: { startedAt: 5 } });
  });
});
