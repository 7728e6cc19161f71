import type { Redis } from 'ioredis';
import { MAX_AUDIT_READ } from '../../approvals/approval-audit.js';
import { assertAuditQuery } from '../../approvals/approval-store-arguments.js';
import {
  INCIDENT_AUDIT_TYPES,
  type AuditLog,
  type AuditLogEntry,
  type IncidentAuditEntry,
  type DrillAuditEntry,
  type IncidentAuditType,
  type NewDrillAuditEntry,
  type NewIncidentAuditEntry,
  type NewestAuditQuery,
} from '../../audit/audit-log.js';
import type { SilenceAuditEntry } from '../../noise/silence-store.js';
import { decodeAuditEntry, pairsToFields } from './decode-approval.js';
import { SILENCE_AUDIT_KIND } from './redis-silence-store.js';
import { approvalKeys } from './keyspace.js';

/**
 * The audit log on the approval store's stream ({p}approvals:audit): incident entries are XADDed
 * beside the approval entries the approval scripts write, so the log is one ordered record and
 * one retention (IncidentRetention trims the stream by age) covers all of it.
 */
export class RedisAuditLog implements AuditLog {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
  ) {
    this.key = approvalKeys(keyPrefix).audit();
  }

  async append(entry: NewIncidentAuditEntry): Promise<void> {
    // Same field names as the approval scripts' entries, with `incident` instead of `approval`.
    await this.add(entry, ['incident', entry.incidentId]);
  }

  async appendDrill(entry: NewDrillAuditEntry): Promise<void> {
    // `drillRun` instead of `approval` / `incident` tells the entry's kind when it is read back.
    await this.add(entry, ['drillRun', entry.drillRunId, 'drill', entry.drill]);
  }

  private async add(entry: { type: string; actor?: string; at: number; detail?: string }, subject: string[]): Promise<void> {
    await this.redis.xadd(
      this.key,
      '*',
      'type',
      entry.type,
      ...subject,
      'actor',
      entry.actor ?? '',
      'at',
      String(entry.at),
      'detail',
      entry.detail ?? '',
    );
  }

  async newest(query: NewestAuditQuery): Promise<AuditLogEntry[]> {
    assertAuditQuery({ limit: query.limit, ...(query.beforeId !== undefined && { sinceId: query.beforeId }) }, MAX_AUDIT_READ);
    // XREVRANGE end start: newest first; "(" makes the bound exclusive (Redis >= 6.2).
    const end = query.beforeId === undefined ? '+' : `(${query.beforeId}`;
    const found: AuditLogEntry[] = [];
    let bound = end;
    while (found.length < query.limit) {
      const wanted = query.limit - found.length;
      const entries = await this.redis.xrevrange(this.key, bound, '-', 'COUNT', wanted);
      for (const entry of entries) {
        const decoded = decodeLogEntry(this.key, entry);
        if (decoded) found.push(decoded);
      }
      const last = entries.at(-1);
      if (entries.length < wanted || !last) break;
      bound = `(${last[0]}`;
    }
    return found;
  }
}

/** An approval or incident entry; null for a kind this version does not know (a newer replica's). */
function decodeLogEntry(key: string, entry: [string, string[]]): AuditLogEntry | null {
  const [id, pairs] = entry;
  const fields = pairsToFields(pairs, `${key}#${id}`);
  if (fields.approval !== undefined) return decodeAuditEntry(key, entry);
  if (fields.kind === SILENCE_AUDIT_KIND) return decodeSilenceEntry(id, fields);
  if (fields.drillRun !== undefined) return decodeDrillEntry(id, fields);
  const type = fields.type as IncidentAuditType;
  const at = Number(fields.at);
  if (!INCIDENT_AUDIT_TYPES.includes(type) || fields.incident === undefined || !Number.isSafeInteger(at)) return null;
  const decoded: IncidentAuditEntry = { id, type, incidentId: fields.incident, at };
  if (fields.actor) decoded.actor = fields.actor;
  if (fields.detail) decoded.detail = fields.detail;
  return decoded;
}

/** A silence set or ended (redis-silence-store.ts writes it with the silence, in one script). */
function decodeSilenceEntry(id: string, fields: Record<string, string>): SilenceAuditEntry | null {
  const at = Number(fields.at);
  const type = fields.type;
  if ((type !== 'silenced' && type !== 'unsilenced') || fields.check === undefined || !Number.isSafeInteger(at)) return null;
  return { id, type, checkId: fields.check, at, actor: fields.actor ?? '', detail: fields.detail ?? '' };
}

/** A drill started or finished. */
function decodeDrillEntry(id: string, fields: Record<string, string>): DrillAuditEntry | null {
  const at = Number(fields.at);
  const type = fields.type;
  if ((type !== 'drill-started' && type !== 'drill-finished') || fields.drillRun === undefined || !Number.isSafeInteger(at)) return null;
  const decoded: DrillAuditEntry = { id, type, drillRunId: fields.drillRun, drill: fields.drill ?? '', at };
  if (fields.actor) decoded.actor = fields.actor;
  if (fields.detail) decoded.detail = fields.detail;
  return decoded;
}
