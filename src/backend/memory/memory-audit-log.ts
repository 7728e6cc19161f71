import type { AuditLog, AuditLogEntry, NewIncidentAuditEntry, NewestAuditQuery } from '../../audit/audit-log.js';
import type { MemoryApprovalStore } from './memory-approval-store.js';

/** The audit log in process memory: kept by the memory approval store, so the log is one sequence. */
export class MemoryAuditLog implements AuditLog {
  constructor(private readonly approvals: MemoryApprovalStore) {}

  async append(entry: NewIncidentAuditEntry): Promise<void> {
    this.approvals.appendIncidentEntry(entry);
  }

  async newest(query: NewestAuditQuery): Promise<AuditLogEntry[]> {
    return this.approvals.newestLogEntries(query);
  }
}
