import { MemoryStore } from '../../../../src/backend/memory/memory-store.js';
import { ManualClock } from '../../../doubles/manual-clock.js';
import { defineStoreContract } from '../../store/store-contract.js';

// The memory store keeps no keys anywhere, so there is no prefix to clean; each test gets a new one.
defineStoreContract('memory', async () => {
  const clock = new ManualClock();
  const store = new MemoryStore({ clock });
  return {
    store,
    advanceTime: async (ms) => clock.advance(ms),
    cleanup: () => store.close(),
  };
});
