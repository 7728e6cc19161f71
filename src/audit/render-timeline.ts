import { pagerDutyActorName } from '../core/pagerduty-actor.js';
import { formatElapsed, loadIncidentTimeline, type IncidentTimeline, type TimelineSources } from './incident-timeline.js';

/** An incident's timeline as Markdown, read now from its sources; null when there is no such incident. */
export async function incidentTimelineMarkdown(incidentId: string, sources: TimelineSources, nowMs: number): Promise<string | null> {
  const timeline = await loadIncidentTimeline(incidentId, sources);
  return timeline ? renderTimelineMarkdown(timeline, nowMs) : null;
}

/**
 * The postmortem timeline as Markdown (SPEC §11): a header with the incident's span, then one
 * table row per entry with its time (UTC), the time since the incident opened and since the
 * previous entry. Text from people and probes is made table-safe (pipes escaped, one line).
 */
export function renderTimelineMarkdown(timeline: IncidentTimeline, nowMs: number): string {
  const { incident, entries } = timeline;
  const end = incident.resolvedAt;
  const lines = [
    `# ${incident.id}: ${incident.measurement.kind === 'declared' ? line(incident.measurement.title) : line(incident.checkId)} (${incident.peakSeverity} at worst)`,
    '',
    ...(incident.measurement.kind === 'declared' ? [] : [`- Measured last: ${line(incident.summary)}`]),
    `- Opened: ${utc(incident.openedAt)}`,
    end === undefined
      ? `- Still ${incident.state} (open for ${formatElapsed(nowMs - incident.openedAt)} when this was written)`
      : `- Resolved: ${utc(end)}${incident.resolvedBy ? ` by ${actorName(incident.resolvedBy)}` : ''}, after ${formatElapsed(end - incident.openedAt)}`,
    ...(incident.acknowledgedAt !== undefined
      ? [
          `- Acknowledged: ${utc(incident.acknowledgedAt)}${incident.acknowledgedBy ? ` by ${actorName(incident.acknowledgedBy)}` : ''}, ${formatElapsed(incident.acknowledgedAt - incident.openedAt)} after it opened`,
        ]
      : []),
    '',
    '| Time (UTC) | Since opened | Since previous | What happened | Who | Detail |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  let previous: number | null = null;
  for (const entry of entries) {
    const sinceOpened = formatSigned(entry.at - incident.openedAt);
    const sincePrevious = previous === null ? '—' : `+${formatElapsed(entry.at - previous)}`;
    const who = entry.actor ? actorName(entry.actor) : '';
    lines.push(
      `| ${utc(entry.at)} | ${sinceOpened} | ${sincePrevious} | ${cell(entry.what)} | ${cell(who)} | ${cell(entry.detail ?? '')} |`,
    );
    previous = entry.at;
  }
  const missing = timeline.compacted?.missing ?? 0;
  if (timeline.compacted && missing > 0) {
    const { fromAt, toAt } = timeline.compacted.compaction;
    lines.push(
      '',
      `_${missing} ${missing === 1 ? 'event' : 'events'} compacted when the incident resolved, between ${utc(fromAt)} and ${utc(toAt)}, ` +
        'are no longer in the audit log (trimmed by `retention.audit`, or older than the entries searched): the table is incomplete there._',
    );
  }
  if (timeline.auditCut) lines.push('', '_The audit log was searched back only partly: pages and actions older than that are not listed._');
  return `${lines.join('\n')}\n`;
}

/** `2026-12-07 02:14:05 UTC`. */
function utc(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

function formatSigned(ms: number): string {
  return ms < 0 ? `-${formatElapsed(-ms)}` : `+${formatElapsed(ms)}`;
}

/** "@U0BBB" for a Slack user, "Jane Doe (PagerDuty)" for a change made in PagerDuty. */
function actorName(actor: string): string {
  const name = pagerDutyActorName(actor);
  return name === null ? `@${actor}` : `${name} (PagerDuty)`;
}

/** Text on one line (a heading or list item). */
function line(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

/** One table cell: a line, pipes escaped so they cannot end the cell. */
function cell(text: string): string {
  return text
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|');
}
