import type { Severity } from '../core/severity.js';
import { componentStatusFor } from './component-status-for.js';
import { escapeHtml } from './escape-html.js';
import type { StatusViewMonitorIncident } from './monitor-incidents.js';
import { formatDurationWords, formatUtcMinute } from '../core/format-time.js';
import { MONITOR_STATE_TEXT, SEVERITY_TEXT } from './status-labels.js';
import { PAGE_COLOURS, STATUS_SYMBOLS } from './status-palette.js';

/** The fragment id of the monitor section's heading, for links from the summary. */
export const MONITOR_SECTION_ANCHOR = 'monitor-heading';

/** The section's heading: says where these come from and that nobody vetted them, before any detail. */
export const MONITOR_SECTION_HEADING = 'Detected by monitoring \u2014 not reviewed by a person';

/** A fragment id for a monitor incident, apart from `incident-…` (the same id may also be published). */
export function monitorAnchorFor(incidentId: string): string {
  return `monitor-${incidentId.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** "1 open incident detected by monitoring", linking to the section; empty when none is open. */
export function renderMonitorSummaryNote(incidents: readonly StatusViewMonitorIncident[]): string {
  const open = incidents.filter((incident) => incident.state !== 'resolved').length;
  if (open === 0) return '';
  return `\n<p class="detected-note"><a href="#${MONITOR_SECTION_ANCHOR}">${open} open incident${open === 1 ? '' : 's'} detected by monitoring</a>, not reviewed by a person.</p>`;
}

/**
 * The monitor's own incidents, in a section of their own that says plainly they are automatic
 * and unreviewed: open ones (severity, check, what was measured, since when), then those
 * resolved in the last 24 hours. Every value from a probe is escaped.
 */
export function renderMonitorSection(incidents: readonly StatusViewMonitorIncident[], generatedAt: string): string {
  const now = Date.parse(generatedAt);
  const open = incidents.filter((incident) => incident.state !== 'resolved');
  const resolved = incidents.filter((incident) => incident.state === 'resolved');
  return `<section class="monitor" aria-labelledby="${MONITOR_SECTION_ANCHOR}">
<h2 id="${MONITOR_SECTION_ANCHOR}">${MONITOR_SECTION_HEADING}</h2>
<p class="notice">Our health checks raise these automatically, and this page shows them as measured, before anyone has reviewed them. Updates written by the team appear under Active incidents.</p>
<h3>Open now</h3>
${open.length > 0 ? open.map((incident) => renderOpen(incident, now)).join('\n') : '<p>Monitoring detects no problem right now.</p>'}
<h3>Resolved in the last 24 hours</h3>
${resolved.length > 0 ? resolved.map(renderResolved).join('\n') : '<p>None.</p>'}
</section>`;
}

function renderOpen(incident: StatusViewMonitorIncident, now: number): string {
  const openedAt = Date.parse(incident.openedAt);
  return article(incident, [
    ['Severity', severityBadge(incident.severity)],
    ['Measured', `<span class="measured">${escapeHtml(incident.summary)}</span>`],
    ['Since', `${time(incident.openedAt)} (${formatDurationWords(now - openedAt)})`],
    ['State', MONITOR_STATE_TEXT[incident.state]],
  ]);
}

function renderResolved(incident: StatusViewMonitorIncident): string {
  const resolvedAt = incident.resolvedAt ?? incident.openedAt;
  const lasted = formatDurationWords(Date.parse(resolvedAt) - Date.parse(incident.openedAt));
  return article(incident, [
    ['Worst severity', severityBadge(incident.peakSeverity)],
    ['Last measured', `<span class="measured">${escapeHtml(incident.summary)}</span>`],
    ['Open', `${time(incident.openedAt)} to ${time(resolvedAt)} (${lasted})`],
  ]);
}

/** One incident: its check and id as the heading, then its facts as a description list. */
function article(incident: StatusViewMonitorIncident, facts: Array<[string, string]>): string {
  const anchor = monitorAnchorFor(incident.id);
  const rows = incident.component === null ? facts : [...facts, ['Component', escapeHtml(incident.component)] as [string, string]];
  return `<article class="detected" id="${anchor}" aria-labelledby="${anchor}-title">
<h4 id="${anchor}-title">${escapeHtml(incident.checkId)} <span class="incident-id">(${escapeHtml(incident.id)})</span></h4>
<dl class="facts">
${rows.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('\n')}
</dl>
</article>`;
}

/** `▲ SEV2 · major` in the colours of the component status that severity means. */
function severityBadge(severity: Severity): string {
  const status = componentStatusFor(severity);
  return `<span class="badge s-${status}"><span class="symbol" aria-hidden="true">${STATUS_SYMBOLS[status]}</span> ${severity} \u00b7 ${SEVERITY_TEXT[severity]}</span>`;
}

function time(isoTime: string): string {
  return `<time datetime="${isoTime}">${formatUtcMinute(Date.parse(isoTime))}</time>`;
}

const { muted, panel, text } = PAGE_COLOURS;
/** The section's rules: a dashed, shaded box, so it never passes for the reviewed incidents above it. */
export const MONITOR_STYLE = `
.monitor{border:2px dashed ${muted.fg};border-radius:.5rem;padding:0 1rem .5rem;margin-top:2rem;background:${panel.bg};color:${panel.fg}}
.monitor h2{margin:1rem 0 .5rem}
.monitor h3{font-size:1rem;margin:1.25rem 0 .5rem}
.notice{margin:0 0 .5rem}
.detected{border:1px solid #d0d7de;border-radius:.5rem;padding:.75rem 1rem;margin:0 0 .75rem;background:${text.bg};color:${text.fg}}
.detected h4{font-size:1.05rem;margin:0 0 .4rem}
.incident-id{font-weight:400;color:${muted.fg}}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}
.facts dt{color:${muted.fg}}
.facts dd{margin:0;overflow-wrap:anywhere}
.measured{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.95rem}
.source{display:inline-block;margin-left:.5rem;font-size:.9rem;color:${muted.fg}}
.summary a{color:inherit}
.detected-note{margin:0 0 .75rem}
`;
