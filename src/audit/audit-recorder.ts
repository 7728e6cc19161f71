import type { IncidentEvent } from '../core/incident.js';
import type { IncidentChange } from '../incidents/incident-engine.js';
import type { Logger } from '../observability/logger.js';
import type { PageAuditEvent } from '../paging/delivery-worker.js';
import type { AuditLog, IncidentAuditType, NewIncidentAuditEntry } from './audit-log.js';

/**
 * Writes what happens to incidents into the audit log: every timeline transition (the engine
 * commits each once, on one replica) and every page (the paging queue completes each delivery
 * once). A failed write is logged, never thrown: the audit must not stop the monitor or paging.
 */
export class AuditRecorder {
  constructor(
    private readonly log: AuditLog,
    private readonly logger: Logger,
  ) {}

  /** Subscribe to the incident engine. */
  readonly onIncidentChange = async ({ incident, event }: IncidentChange): Promise<void> => {
    if (!event) return;
    await this.append({
      type: incidentAuditType(event, incident.measurement.kind === 'declared'),
      incidentId: incident.id,
      at: event.at,
      ...(event.actor !== undefined && { actor: event.actor }),
      detail: incidentDetail(event),
    });
  };

  /** Hand to the pager (CreatePagerDeps.onPageEvent). */
  readonly onPage = (page: PageAuditEvent): Promise<void> =>
    this.append({
      type: page.kind === 'delivered' ? 'page-delivered' : 'page-escalated',
      incidentId: page.incidentId,
      at: page.at,
      ...(page.actor !== undefined && { actor: page.actor }),
      detail: page.reason,
    });

  /** Any other incident entry (a channel archived). */
  async append(entry: NewIncidentAuditEntry): Promise<void> {
    try {
      await this.log.append(entry);
    } catch (err) {
      this.logger.error(
        { err, incidentId: entry.incidentId, audit: entry.type },
        `could not write the audit entry ${entry.type} for ${entry.incidentId}`,
      );
    }
  }
}

function incidentAuditType(event: IncidentEvent, declared: boolean): IncidentAuditType {
  switch (event.type) {
    case 'opened':
      return declared ? 'incident-declared' : 'incident-opened';
    case 'escalated':
      return 'incident-escalated';
    case 'deescalated':
      return 'incident-deescalated';
    case 'acknowledged':
      return 'incident-acknowledged';
    case 'resolved':
      return 'incident-resolved';
    case 'child-failed':
      return 'incident-child-failed';
  }
}

/**
 * "SEV1 api: HTTP 503", "SEV3 → SEV1 api: HTTP 503", with a person's note after it; a child that
 * joined names itself and its own measurement: "SEV3 orders-api (depends on api): HTTP 502".
 * The timeline matches audit entries to the events they twin by this text (compacted-events.ts).
 */
export function incidentDetail(event: IncidentEvent): string {
  const note = event.note ? ` (${event.note})` : '';
  if (event.type === 'child-failed' && event.child) {
    // Stored events are only shallowly checked: one written without a severity still renders.
    const { checkId, severity, summary } = event.child as { checkId: string; severity?: string; summary: string };
    return `${severity ? `${severity} ` : ''}${checkId} (depends on ${event.checkId}): ${summary}${note}`;
  }
  const severity = event.previousSeverity ? `${event.previousSeverity} → ${event.severity}` : event.severity;
  return `${severity} ${event.checkId}: ${event.summary}${note}`;
}
