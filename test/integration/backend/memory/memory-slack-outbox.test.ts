import { MemorySlackOutbox } from '../../../../src/backend/memory/memory-slack-outbox.js';
import { defineSlackOutboxContract } from '../../bot/outbox/slack-outbox-contract.js';

defineSlackOutboxContract('memory', async () => {
  const outbox = new MemorySlackOutbox();
  return { outbox, replica: outbox, cleanup: async () => undefined };
});
