import { MemoryStatusPageStore } from '../../../../src/backend/memory/memory-statuspage-store.js';
import { ManualClock } from '../../../doubles/manual-clock.js';
import { defineStatusPageStoreContract } from '../../statuspage/statuspage-store-contract.js';

defineStatusPageStoreContract('memory', async () => {
  const clock = new ManualClock();
  return { store: new MemoryStatusPageStore({ clock }), advanceTime: async (ms) => clock.advance(ms), cleanup: async () => {} };
});
