import type { AuditLog, AuditLogEntry, NewDrillAuditEntry, NewIncidentAuditEntry, NewestAuditQuery } from '../../audit/audit-log.js';
import type { MemoryApprovalStore } from './memory-approval-store.js';
import type { MemorySilenceStore } from './memory-silence-store.js';

/**
 * The audit log in process memory: kept by the memory approval store, so approval and incident
 * entries are one sequence; silence entries, which the silence store keeps with the silences,
 * are merged in by time on the first page (this twin serves one process, where /dr audit reads it).
 */
export class MemoryAuditLog implements AuditLog {
  constructor(
    private readonly approvals: MemoryApprovalStore,
    private readonly silences?: MemorySilenceStore,
  ) {}

  async append(entry: NewIncidentAuditEntry): Promise<void> {
    this.approvals.appendIncidentEntry(entry);
  }

  async appendDrill(entry: NewDrillAuditEntry): Promise<void> {
    this.approvals.appendIncidentEntry(entry);
  }

  async newest(query: NewestAuditQuery): Promise<AuditLogEntry[]> {
    const logged: AuditLogEntry[] = this.approvals.newestLogEntries(query);
    if (!this.silences || query.beforeId !== undefined) return logged;
    // The silence store reads oldest first: take them all (one process's silences) and keep the newest.
    const silences = await this.silences.readSilenceAudit(Number.MAX_SAFE_INTEGER);
    return [...logged, ...silences].sort((a, b) => b.at - a.at).slice(0, query.limit);
  }
}
