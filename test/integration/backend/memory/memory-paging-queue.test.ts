import { MemoryPagingQueue } from '../../../../src/backend/memory/memory-paging-queue.js';
import { definePagingQueueContract } from '../../paging/paging-queue-contract.js';

// One process: the "replica" is the same object, which is all the memory queue promises.
definePagingQueueContract('memory', async () => {
  const queue = new MemoryPagingQueue();
  return { queue, replica: queue, cleanup: async () => {} };
});
