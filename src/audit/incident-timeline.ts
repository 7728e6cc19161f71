import type { ApprovalStore } from '../approvals/approval-store.js';
import type { Approval } from '../approvals/approval.js';
import type { Incident, IncidentEvent } from '../core/incident.js';
import type { Store } from '../store/store.js';
import { isIncidentAuditEntry, isSilenceAuditEntry, type AuditLog, type IncidentAuditEntry } from './audit-log.js';
import { MAINTENANCE_ACTOR, type SilenceAuditEntry } from '../noise/silence-store.js';
import { restoreCompacted, type CompactionRecords, type RestoredEvents } from './compacted-events.js';

/** Audit entries read per page while looking back for an incident's pages and actions. */
const AUDIT_PAGE = 500;
/** Audit entries looked at, at most, for one timeline: an incident from long ago stops here. */
export const MAX_AUDIT_SCANNED = 20_000;

/** One line of a timeline: when, and what happened in words (Markdown-safe text is made later). */
export interface TimelineEntry {
  at: number;
  /** What happened: "Detected", "Acknowledged", "Step promote done", ... */
  what: string;
  /** The measurement, the note, the step's outcome: plain text. */
  detail?: string;
  /** Who: a Slack user id or a PagerDuty actor; absent for the monitor and timers. */
  actor?: string;
}

export interface IncidentTimeline {
  incident: Incident;
  entries: TimelineEntry[];
  /** True when the audit log was not searched back to the incident's start (MAX_AUDIT_SCANNED). */
  auditCut: boolean;
  /** Present when retention compacted the incident's events: what was filled from the audit log, what is gone. */
  compacted?: Omit<RestoredEvents, 'entries'>;
}

export interface TimelineSources {
  store: Pick<Store, 'getIncident' | 'getIncidentEvents'>;
  auditLog: AuditLog;
  approvals: Pick<ApprovalStore, 'get'>;
  /** Retention's records of compacted events (Redis); absent or null: nothing is ever compacted. */
  compactions?: CompactionRecords | null;
}

/**
 * Gathers an incident's postmortem timeline (SPEC §11): its events from the store (detection with
 * the measurement, escalations, acknowledgements, resolution, and kinds added later, shown
 * generically), its pages from the audit log, and the approval requests made about it (status-page
 * posts, failovers, restores) with every vote and run step. Null when there is no such incident.
 */
export async function loadIncidentTimeline(incidentId: string, sources: TimelineSources): Promise<IncidentTimeline | null> {
  const incident = await sources.store.getIncident(incidentId);
  if (!incident) return null;
  const [events, audit, compaction] = await Promise.all([
    sources.store.getIncidentEvents(incidentId),
    scanAudit(incident, sources.auditLog),
    sources.compactions?.compactedEvents(incidentId) ?? null,
  ]);
  const approvals = (await Promise.all(audit.approvalIds.map((id) => sources.approvals.get(id)))).filter(
    (a): a is Approval => a !== null && 'incidentId' in a.plan.request && a.plan.request.incidentId === incidentId,
  );
  const restored = compaction ? restoreCompacted(compaction, events, audit.incidentEntries) : null;
  const entries = [
    ...events.map(eventEntry),
    ...(restored?.entries ?? []),
    ...audit.incidentEntries.flatMap(auditEntry),
    ...audit.silenceEntries.map(silenceEntry),
    ...approvals.flatMap(approvalEntries),
  ].sort((a, b) => a.at - b.at);
  return {
    incident,
    entries,
    auditCut: audit.cut,
    ...(restored && { compacted: { missing: restored.missing, compaction: restored.compaction } }),
  };
}

interface AuditFindings {
  incidentEntries: IncidentAuditEntry[];
  /** Its check silenced or unsilenced while it was open (SPEC §9); one set before it opened is older than the scan. */
  silenceEntries: SilenceAuditEntry[];
  /** Requests made since the incident opened: the ones about it are kept after reading them. */
  approvalIds: string[];
  cut: boolean;
}

/** Reads the audit log from the newest entry back to the incident's opening. */
async function scanAudit(incident: Incident, log: AuditLog): Promise<AuditFindings> {
  const findings: AuditFindings = { incidentEntries: [], silenceEntries: [], approvalIds: [], cut: false };
  const closedAt = incident.resolvedAt ?? Number.POSITIVE_INFINITY;
  let beforeId: string | undefined;
  for (let scanned = 0; ; ) {
    if (scanned >= MAX_AUDIT_SCANNED) {
      findings.cut = true;
      return findings;
    }
    const page = await log.newest({ limit: AUDIT_PAGE, ...(beforeId !== undefined && { beforeId }) });
    for (const entry of page) {
      // Nothing about an incident is written before it opened: the rest of the log is older.
      if (entry.at < incident.openedAt) return findings;
      if (isIncidentAuditEntry(entry)) {
        if (entry.incidentId === incident.id) findings.incidentEntries.push(entry);
      } else if (isSilenceAuditEntry(entry)) {
        if (entry.checkId === incident.checkId && entry.at <= closedAt) findings.silenceEntries.push(entry);
      } else if (entry.type === 'requested') {
        findings.approvalIds.push(entry.approvalId);
      }
    }
    scanned += page.length;
    const last = page.at(-1);
    if (page.length < AUDIT_PAGE || !last) return findings;
    beforeId = last.id;
  }
}

function eventEntry(event: IncidentEvent): TimelineEntry {
  const actor = event.actor !== undefined ? { actor: event.actor } : {};
  const note = event.note ? ` (${event.note})` : '';
  // Typed as the known kinds; another version may have written one this one does not know.
  const type: string = event.type;
  switch (type) {
    case 'opened':
      return event.measurement.kind === 'declared'
        ? { at: event.at, what: `Declared at ${event.severity}`, detail: event.summary, ...actor }
        : { at: event.at, what: `Detected at ${event.severity} on ${event.checkId}`, detail: event.summary };
    case 'escalated':
      return { at: event.at, what: `Escalated ${event.previousSeverity ?? '?'} → ${event.severity}`, detail: event.summary };
    case 'deescalated':
      return { at: event.at, what: `De-escalated ${event.previousSeverity ?? '?'} → ${event.severity}`, detail: event.summary };
    case 'acknowledged':
      return { at: event.at, what: 'Acknowledged', ...(event.note ? { detail: event.note } : {}), ...actor };
    case 'resolved':
      return event.actor
        ? { at: event.at, what: 'Resolved by hand', ...(event.note ? { detail: event.note } : {}), ...actor }
        : { at: event.at, what: 'Recovered (checks pass again)', detail: `${event.summary}${note}` };
    case 'child-failed': {
      const child = event.child as { checkId: string; severity?: string; summary: string } | undefined;
      if (!child) return { at: event.at, what: `A dependent check failed and joined ${event.checkId}'s incident`, detail: event.summary };
      const at = child.severity ? ` at ${child.severity}` : '';
      return { at: event.at, what: `Dependent check ${child.checkId} failing${at}, joined this incident`, detail: child.summary };
    }
    default:
      return { at: event.at, what: `${type} (${event.checkId})`, detail: `${event.summary}${note}`, ...actor };
  }
}

function auditEntry(entry: IncidentAuditEntry): TimelineEntry[] {
  const actor = entry.actor ? { actor: entry.actor } : {};
  const detail = entry.detail ? { detail: entry.detail } : {};
  switch (entry.type) {
    case 'page-delivered':
      return [{ at: entry.at, what: 'Paged on-call (PagerDuty accepted the trigger)', ...detail, ...actor }];
    case 'page-escalated':
      return [{ at: entry.at, what: 'Escalation fired: paging on-call', ...detail }];
    case 'channel-archived':
      return [{ at: entry.at, what: 'Incident channel archived', ...detail }];
    default:
      // The incident's own transitions are its events above (or restored from here when compacted).
      return [];
  }
}

/** A silence set or ended on the incident's check while it was open: who (a window: the config) and until when. */
function silenceEntry(entry: SilenceAuditEntry): TimelineEntry {
  const window = entry.actor === MAINTENANCE_ACTOR;
  const actor = !window && entry.actor ? { actor: entry.actor } : {};
  const what =
    entry.type === 'silenced'
      ? `${window ? 'Maintenance window opened' : 'Silenced'} on ${entry.checkId}: nobody paged, nothing new posted`
      : `${entry.checkId} no longer silenced`;
  return { at: entry.at, what, detail: entry.detail, ...actor };
}

/** A request's life: asked, each approval, rejection or expiry, the run and each step with its measured time. */
function approvalEntries(approval: Approval): TimelineEntry[] {
  const { id, plan, run } = approval;
  const kind = plan.request.kind === 'statuspage' ? 'Status page post' : plan.request.kind === 'failover' ? 'Failover' : 'Restore';
  const out: TimelineEntry[] = [
    { at: approval.createdAt, what: `${kind} proposed (${id})`, detail: plan.title, actor: approval.requester },
  ];
  approval.approvals.forEach((vote, index) => {
    out.push({ at: vote.at, what: `${id} approved (${index + 1} of ${approval.requiredApprovals})`, actor: vote.userId });
  });
  if (approval.rejection) {
    const { userId, at, reason } = approval.rejection;
    out.push({ at, what: `${id} rejected`, ...(reason ? { detail: reason } : {}), actor: userId });
  }
  if (approval.expiredAt !== undefined) out.push({ at: approval.expiredAt, what: `${id} expired without enough approvals` });
  if (!run) return out;
  if (run.startedAt !== undefined) out.push({ at: run.startedAt, what: `${id} run started` });
  let previous = run.startedAt;
  for (const step of run.steps) {
    const took = previous === undefined ? '' : ` after ${formatElapsed(step.at - previous)}`;
    out.push({
      at: step.at,
      what: `${id} step ${step.stepId} done${took}`,
      detail: `${step.description}${step.note ? ` (${step.note})` : ''}`,
    });
    previous = step.at;
  }
  if (run.currentStep)
    out.push({ at: run.currentStep.at, what: `${id} step ${run.currentStep.stepId} started`, detail: run.currentStep.description });
  if (run.finishedAt !== undefined) {
    const took = run.startedAt === undefined ? '' : ` in ${formatElapsed(run.finishedAt - run.startedAt)}`;
    const published = plan.request.kind === 'statuspage' && approval.state === 'succeeded' ? ' (published)' : '';
    out.push({ at: run.finishedAt, what: `${id} ${approval.state}${took}${published}`, ...(run.message ? { detail: run.message } : {}) });
  }
  return out;
}

/** "41s", "3m 12s", "1h 4m 9s": exact to the second, as measured. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return [h > 0 ? `${h}h` : '', m > 0 ? `${m}m` : '', s > 0 || total === 0 ? `${s}s` : ''].filter(Boolean).join(' ');
}
