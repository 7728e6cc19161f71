import { MemoryApprovalStore } from '../../../../src/backend/memory/memory-approval-store.js';
import { defineApprovalStoreContract } from '../../approvals/approval-store-contract.js';

// One process, one instance: the "other client" of the memory store is the store itself.
defineApprovalStoreContract('memory', async () => {
  const store = new MemoryApprovalStore();
  return { store, other: store, cleanup: () => store.close() };
});
