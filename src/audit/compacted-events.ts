import type { IncidentEvent, IncidentEventType } from '../core/incident.js';
import { incidentDetail } from './audit-recorder.js';
import type { IncidentAuditEntry, IncidentAuditType } from './audit-log.js';
import type { TimelineEntry } from './incident-timeline.js';

/** What retention's compaction took out of a resolved incident's events (incident-retention.ts). */
export interface EventCompaction {
  /** How many events were dropped from the middle of the list. */
  dropped: number;
  /** Epoch ms of the first and the last event dropped: the span the timeline must fill. */
  fromAt: number;
  toAt: number;
}

/** Where the timeline learns what compaction dropped (the Redis retention; memory never compacts). */
export interface CompactionRecords {
  compactedEvents(incidentId: string): Promise<EventCompaction | null>;
}

/** The span filled back in, and how many dropped events the audit log no longer holds. */
export interface RestoredEvents {
  entries: TimelineEntry[];
  /** Dropped events found nowhere: the audit log was trimmed (`retention.audit`) or searched only partly. */
  missing: number;
  compaction: EventCompaction;
}

/** The event kind each incident audit entry is the twin of; page and channel entries are no event. */
const TWIN_OF: Partial<Record<IncidentAuditType, IncidentEventType>> = {
  'incident-opened': 'opened',
  'incident-declared': 'opened',
  'incident-escalated': 'escalated',
  'incident-deescalated': 'deescalated',
  'incident-acknowledged': 'acknowledged',
  'incident-resolved': 'resolved',
  'incident-child-failed': 'child-failed',
};

/**
 * The events compaction dropped, read back from their audit twins (the recorder writes one per
 * event, kept `retention.audit`): each audit transition inside the dropped span that no kept
 * event accounts for becomes a timeline entry. Kept events are matched to their twins by kind and
 * time, and by the detail text where several share a millisecond (children joining in one pass).
 */
export function restoreCompacted(compaction: EventCompaction, kept: IncidentEvent[], audit: IncidentAuditEntry[]): RestoredEvents {
  const inSpan = (at: number) => at >= compaction.fromAt && at <= compaction.toAt;
  const keptDetails = new Map<string, string[]>();
  for (const event of kept) {
    if (!inSpan(event.at)) continue;
    const key = `${event.type}@${event.at}`;
    keptDetails.set(key, [...(keptDetails.get(key) ?? []), incidentDetail(event)]);
  }
  const twins = new Map<string, IncidentAuditEntry[]>();
  // The scan reads newest first; oldest first keeps same-millisecond entries in the order they happened.
  for (const entry of [...audit].reverse()) {
    const type = TWIN_OF[entry.type];
    if (type === undefined || !inSpan(entry.at)) continue;
    const key = `${type}@${entry.at}`;
    twins.set(key, [...(twins.get(key) ?? []), entry]);
  }
  const entries: TimelineEntry[] = [];
  for (const [key, audited] of twins) {
    const unmatched = [...(keptDetails.get(key) ?? [])];
    const dropped = audited.filter((entry) => {
      const index = unmatched.indexOf(entry.detail ?? '');
      if (index < 0) return true;
      unmatched.splice(index, 1);
      return false;
    });
    // Kept events whose twin's text differs (written by another version) still account for one each.
    entries.push(...dropped.slice(unmatched.length).map(restoredEntry));
  }
  return { entries, missing: Math.max(0, compaction.dropped - entries.length), compaction };
}

/** A dropped event as its audit twin tells it: the kind, who, and the detail the recorder wrote. */
function restoredEntry(entry: IncidentAuditEntry): TimelineEntry {
  const actor = entry.actor ? { actor: entry.actor } : {};
  const detail = entry.detail ? { detail: entry.detail } : {};
  return { at: entry.at, what: RESTORED_WHAT[entry.type] ?? entry.type, ...detail, ...actor };
}

const RESTORED_WHAT: Partial<Record<IncidentAuditType, string>> = {
  'incident-opened': 'Detected',
  'incident-declared': 'Declared',
  'incident-escalated': 'Escalated',
  'incident-deescalated': 'De-escalated',
  'incident-acknowledged': 'Acknowledged',
  'incident-resolved': 'Resolved',
  'incident-child-failed': 'Dependent check failing, joined this incident',
};
