import { MemoryIncidentMessageRefs } from '../../../../src/backend/memory/memory-incident-message-refs.js';
import { MemorySeenDeliveries } from '../../../../src/backend/memory/memory-seen-deliveries.js';
import { ManualClock } from '../../../doubles/manual-clock.js';
import { defineBotStateContract } from '../../bot/bot-state-contract.js';

defineBotStateContract('memory', async () => {
  const clock = new ManualClock();
  return {
    seen: new MemorySeenDeliveries(clock),
    refs: new MemoryIncidentMessageRefs(clock),
    advanceTime: async (ms) => clock.advance(ms),
    cleanup: async () => undefined,
  };
});
